"""Reading and writing small CSV and XLSX sheets safely: size guards, zip-bomb checks, and cells
that spreadsheets never run as formulas."""

import codecs
import csv
import io
import operator
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from itertools import repeat
from typing import NamedTuple

from openpyxl import Workbook, load_workbook
from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.styles import Font
from openpyxl.worksheet.formula import DataTableFormula

from engage.errors import ImportError_

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DATA_ROWS = 5_000
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Tiny entries compress far beyond the ratio without being a threat (an empty sheet, say).
RATIO_CHECKED_FROM_BYTES = 64 * 1024
MAX_ZIP_ENTRIES = 1_000
# Cells beyond this column are not read, so a cell placed at column XFD costs nothing.
MAX_COLUMNS = 50
# No spreadsheet has more rows; a file that claims more is not one, and reading stops there.
SPREADSHEET_MAX_ROWS = 1_048_576

ZIP_MAGIC = b"PK\x03\x04"
_OTHER_FORMATS = (
    b"\xd0\xcf\x11\xe0",  # old .xls and .doc, and password-protected .xlsx
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",
    b"PK\x05\x06",
    b"PK\x07\x08",
    b"{\\rtf",
)
NOT_A_SHEET = (
    "The file must be a CSV or XLSX file. In your spreadsheet, choose 'Save as' and pick "
    "'CSV' or 'Excel workbook (.xlsx)', without a password."
)
# Leading characters that make Excel, LibreOffice or Google Sheets evaluate a cell
# (OWASP "CSV injection"); white space or control characters before them do not disarm them.
_FORMULA_START = re.compile(r"^[\t\r]|^[\s\x00-\x1f\x7f]*[=+\-@]")
# How a spreadsheet writes a formula out as text (a text cell, a CSV, our rows to fix): with an
# "=" first, however it was typed. Words a person wrote do not start so.
_FORMULA_TEXT = re.compile(r"^[\s\x00-\x1f\x7f]*=")
# The error values Excel, LibreOffice and Google Sheets show for a formula that failed, and
# write as text when the sheet is saved as CSV or pasted as values.
_ERROR_TEXT = re.compile(
    r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|SPILL!|CALC!|FIELD!|BLOCKED!|CONNECT!|BUSY!"
    r"|UNKNOWN!|EXTERNAL!|PYTHON!|GETTING_DATA|ERROR!)|Err:\d{3}",
    re.IGNORECASE,
)
_DELIMITERS = ",;\t"
_SEP_LINE = re.compile(r"sep=([^\r\n\"])[ \t]*(?:\r\n|\r|\n)", re.IGNORECASE)


class Cell(NamedTuple):
    """One cell as text; `formula` is set for an XLSX cell that holds a real formula, and for a
    cell holding a formula's text (a CSV, or rows to fix saved again, keep it so); `error` for
    one that holds an error value such as #N/A (what a formula pasted as values leaves), or its
    text (what a CSV holds for one)."""

    text: str
    formula: bool = False
    error: bool = False


_BLANK = Cell("")


def safe_cell(value: object) -> str:
    """The value as text that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if _FORMULA_START.match(text) else text


def unescape_cell(text: str) -> str:
    """Undo safe_cell, so a sheet we exported reads back as what was in it."""
    if text.startswith("'") and safe_cell(text[1:]) != text[1:]:
        return text[1:]
    return text


def _text_cell(text: str) -> Cell:
    """A cell read as text, marked as a formula or an error value when it holds one's text."""
    error = bool(_ERROR_TEXT.fullmatch(text.strip()))
    return Cell(text, formula=bool(_FORMULA_TEXT.match(text)), error=error)


def write_csv(rows: Iterable[Sequence[object]]) -> bytes:
    """CSV that Excel opens as UTF-8 (the byte order mark), every cell made formula-safe."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(sheets: dict[str, list[Sequence[object]]]) -> bytes:
    """A workbook with one worksheet per entry; the first row of each is bold."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([safe_cell(value) for value in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width, 10), 60) + 2
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_sheet(data: bytes) -> list[tuple[int, list[Cell]]]:
    """The non-blank rows of a CSV or XLSX file, with their row numbers (the first row is 1).

    The type is decided by content, not by name. Raises ImportError_ for a file that cannot be
    read, or is too big.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ImportError_(f"The file is bigger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if not data.removeprefix(codecs.BOM_UTF8).strip():
        raise ImportError_("The file is empty.")
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data)
    return _collect(_csv_rows(_decode(data)))


def _collect(rows: Iterable[tuple[int, list[Cell]]]) -> list[tuple[int, list[Cell]]]:
    """Keep the non-blank rows, refusing a sheet with too many."""
    found: list[tuple[int, list[Cell]]] = []
    for number, cells in rows:
        if number > SPREADSHEET_MAX_ROWS:
            raise ImportError_("The file has more rows than a spreadsheet can hold.")
        if any(cell.formula or cell.text.strip() for cell in cells):
            found.append((number, cells))
            if len(found) > MAX_DATA_ROWS + 1:  # the header row is not a data row
                raise ImportError_(
                    f"The file has more than {MAX_DATA_ROWS:,} rows. Split it into smaller files."
                )
    return found


# CSV ------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """Text from the encodings spreadsheets save CSV in: UTF-8, UTF-16 ('Unicode text'), cp1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").replace("\x00", "")
        except UnicodeDecodeError:
            raise ImportError_(NOT_A_SHEET) from None
    if data.startswith(_OTHER_FORMATS) or data[:4096].count(0) > 40:
        raise ImportError_(NOT_A_SHEET)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Line by line: a UTF-8 file with rows pasted in from an older one was read all as
        # Windows-1252, which garbled its accents and its byte order mark (so its header too).
        lines = data.removeprefix(codecs.BOM_UTF8).split(b"\n")
        text = "\n".join(map(_utf8_or_cp1252, lines))
    # A stray NUL would stop the csv module; it is never meaningful in a cell.
    return text.replace("\x00", "")


def _utf8_or_cp1252(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


# Excel's own limit for one cell.
MAX_CELL_CHARS = 32_767


def _delimiter(text: str) -> str:
    """Comma, semicolon (European Excel) or tab: whichever the header line uses most."""
    header = next((line for line in io.StringIO(text) if line.strip()), "")
    return max(_DELIMITERS, key=header.count)


def _csv_rows(text: str) -> Iterator[tuple[int, list[Cell]]]:
    # Excel splits a CSV at the character a first line "sep=;" names, and hides that line, so
    # the rows are numbered as the partner sees them.
    if sep := _SEP_LINE.match(text):
        text, delimiter = text[sep.end() :], sep.group(1)
    else:
        delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # A record is one spreadsheet row, even when a quoted cell spans several lines.
        for number, row in enumerate(reader, start=1):
            # csv's own field limit is process-wide and other code may raise it: check here.
            if any(len(value) > MAX_CELL_CHARS for value in row):
                raise csv.Error(f"a cell is longer than {MAX_CELL_CHARS:,} characters")
            yield number, [_text_cell(unescape_cell(value)) for value in row[:MAX_COLUMNS]]
    except csv.Error as exc:
        raise ImportError_(
            f"Row {reader.line_num} of the file could not be read as CSV ({exc})."
        ) from None


# XLSX -----------------------------------------------------------------------------------------


def _check_zip(data: bytes, most: int | None = None) -> None:
    """Refuse a zip bomb, or a zip that is not a workbook, before openpyxl opens it; `most` is
    how many bytes it may take once opened (MAX_UNCOMPRESSED_BYTES unless said)."""
    most = most or MAX_UNCOMPRESSED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    # zipfile raises NotImplementedError for compression methods it does not support.
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise ImportError_("The XLSX file is damaged and cannot be opened.") from None
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise ImportError_(NOT_A_SHEET)
    total = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ZIP_ENTRIES or total > most:
        raise ImportError_(
            f"The XLSX file would take more than {most // (1024 * 1024)} MB "
            "once opened. Save it again from your spreadsheet, or as CSV."
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_CHECKED_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise ImportError_(
                "The XLSX file is compressed far more than a real spreadsheet can be, so it "
                "was not opened. Save it again from your spreadsheet, or as CSV."
            )


def _read_xlsx(data: bytes) -> list[tuple[int, list[Cell]]]:
    """The rows of the first visible worksheet; formulas are reported as formulas, never
    evaluated."""
    with open_workbook(data) as workbook:
        shown = visible_sheets(workbook)
        if not shown:
            raise ImportError_("The XLSX file has no worksheet.")
        return _collect(_worksheet_rows(shown[0]))


@contextmanager
def open_workbook(data: bytes, most: int | None = None, values: bool = False):
    """A workbook opened read-only once its zip is checked (`most` as for _check_zip), with its
    cells' formulas or, if `values`, the values a spreadsheet last showed. Whatever goes wrong
    reading it, in openpyxl or while its sheets are read, is ImportError_."""
    _check_zip(data, most)
    workbook = None
    try:
        # openpyxl warns about features it drops (data validation extensions, missing default
        # styles); they do not change the cell values we read.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
            workbook = load_workbook(
                io.BytesIO(data), read_only=True, data_only=values, keep_links=False
            )
            yield workbook
    except ImportError_:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged file; none may crash us
        raise ImportError_("The XLSX file is damaged and cannot be opened.") from exc
    finally:
        if workbook is not None:
            workbook.close()


def as_clause(message: str) -> str:
    """One of this module's messages as a clause of a longer sentence (a page's one-line
    problem): lower case first, its sentences joined by colons, no full stop at its end."""
    sentences = [s for s in re.split(r"(?<=\.)\s+(?=[A-Z])", message.strip()) if s]
    clauses = [s.rstrip(".") for s in sentences]
    return ": ".join(c[:1].lower() + c[1:] for c in clauses)


def visible_sheets(workbook) -> list:
    """The sheets Excel shows, in order: a hidden one (lookups, say) is not the data."""
    return [s for s in workbook.worksheets if getattr(s, "sheet_state", "") == "visible"]


def _worksheet_rows(sheet) -> Iterator[tuple[int, list[Cell]]]:
    # Ignore the sheet's own claim of its size, so a false one makes no phantom rows.
    sheet.reset_dimensions()
    gap = None
    for number, row in enumerate(sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS), start=1):
        # openpyxl fills a run of missing rows with one shared tuple of EMPTY_CELL: skip it fast.
        if row is gap:
            if number > SPREADSHEET_MAX_ROWS:
                raise ImportError_("The file has more rows than a spreadsheet can hold.")
            continue
        if all(map(operator.is_, row, repeat(EMPTY_CELL))):
            gap = row
            continue
        yield number, [_BLANK if cell is EMPTY_CELL else _xlsx_cell(cell) for cell in row]


def _xlsx_cell(cell) -> Cell:
    value = cell.value
    if getattr(cell, "data_type", None) == "f":
        return Cell(_formula_text(value), formula=True)
    if getattr(cell, "data_type", None) == "e":
        return Cell(str(value), error=True)
    return _text_cell(unescape_cell(as_text(value)))


def _formula_text(value: object) -> str:
    """A formula as the formula bar shows it. A what-if data table's has no text of its own
    (its repr, with a memory address, went into the rows to fix and imported as a wish)."""
    if isinstance(value, DataTableFormula):
        two_d, by_row = (str(flag).lower() in ("1", "true") for flag in (value.dt2D, value.dtr))
        inputs = (value.r1, value.r2) if two_d else (value.r1, None) if by_row else (None, value.r1)
        return "=TABLE({},{})".format(*(cell or "" for cell in inputs))
    return str(getattr(value, "text", None) or value)


def as_text(value: object) -> str:
    """A cell value as the text the officer sees (12, not 12.0; a date, not a timestamp)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
