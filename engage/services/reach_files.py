"""Reading the reach page's files, CSV or XLSX: the rows of the platform's areas, numbered as a
spreadsheet shows them, and how many rows of other areas were passed over.

A national file lists every area in the country, with all its columns: only the columns its
layout names (engage/services/reach_columns.py) are kept, and only for the platform's rows.
A workbook is read from the one visible sheet whose column names a layout reads (ONS workbooks
put a cover, contents and notes before the table), and the sheet read is told; two such sheets
(a year each, say) are refused rather than one guessed.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain, islice

from engage.errors import ImportError_, ReachImportError
from engage.services.reach_ages import OneSexError
from engage.services.reach_columns import Layout, code_rank, quoted
from engage.services.sheets import (
    SPREADSHEET_MAX_ROWS,
    ZIP_MAGIC,
    as_clause,
    as_text,
    open_workbook,
    visible_sheets,
)

# A national file (every area in England, with all its columns) is 10 to 25 MB; the form takes
# bodies up to REACH_FORM_MAX_CONTENT_LENGTH (50 MB), so a larger one gets this service's message.
MAX_FILE = 32 * 1024 * 1024
TRIM = "save only the area_code column and the figures’ columns, or only this partnership’s rows"
TOO_MANY = (
    "it has more values than the first row names columns (write a number such as 1,000 as "
    "1000, or in quotes)"
)
# A spreadsheet saved as CSV keeps the title and notes above its table (ONS's sheets have three
# or four such rows): the column names are the first row naming a column of area codes.
TITLE_ROWS = 20
# openpyxl reads a workbook cell by cell in Python: the ward table by sex for England and Wales
# (1.6 million cells, 50 MB once opened) took 46 s on a busy two-core machine, the LSOAs' (6.6
# million cells, 220 MB) over 90 s. A workbook larger once opened is refused, to be saved as
# CSV, rather than left to run past the server's time limit (docs/deployment.md: 60 s).
MAX_OPENED = 64 * 1024 * 1024
# The widest national table (single years by sex, with names and totals) has under 200 columns;
# a cell far to the right would otherwise make every row that wide.
MAX_COLUMNS = 400
LayoutOf = Callable[[list[str], list[str]], Layout]


@dataclass(frozen=True)
class FileRows:
    """The platform's rows (row number, area code, each figure's values) and what was read."""

    layout: Layout
    rows: list[tuple[int, str, dict[str, list[str]]]]
    outside: int
    read: str  # "Read area codes from “…” and …", when not the platform's own columns


def read_rows(data: bytes, layout_of: LayoutOf, known: set[str]) -> FileRows:
    """The rows of the platform's areas (by area code), laid out as `layout_of` finds from the
    column names and the titles above them, and how many rows of other areas were passed
    over."""
    if len(data) > MAX_FILE:
        raise ReachImportError([f"the file is larger than {MAX_FILE // (1024 * 1024)} MB ({TRIM})"])
    if data.startswith(ZIP_MAGIC):
        found = _read_workbook(data, layout_of, known)
    else:
        found = _read_csv(data, _Rows(layout_of, known))
    if found.extra:
        raise ReachImportError(found.extra)
    if not found.rows and not found.outside:
        raise ReachImportError(["the file has no rows under its header"])
    layout = found.layout
    if not found.rows:
        raise ReachImportError([_none_ours(found.outside, known, layout.header[layout.code])])
    return FileRows(layout, found.rows, found.outside, found.told())


def _read_csv(data: bytes, found: "_Rows") -> "_Rows":
    # Read line by line from the bytes: a national file is not held again as one string.
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    try:
        lines, delimiter, found.number = _lines(stream)
        # newline="" leaves line ends to csv, which reads \r alone too (Excel's "CSV (Macintosh)").
        reader = csv.reader(lines, delimiter=delimiter)
        found.find(reader)
        found.read(reader)
        return found
    except UnicodeDecodeError as error:
        message = "the file is not UTF-8 text (save it as CSV UTF-8, or as an Excel workbook)"
        raise ReachImportError([message]) from error
    except csv.Error as error:
        raise ReachImportError([f"row {found.number}: {_unreadable(error)}"]) from error


class _Rows:
    """A file's rows sorted into the platform's areas' (their figures' columns) and the rest."""

    def __init__(self, layout_of: LayoutOf, known: set[str], sheet: str = ""):
        self.layout_of, self.known, self.sheet = layout_of, known, sheet
        self.number = 1  # the row being read, to name one csv cannot read
        self.titles = 0  # rows above the column names
        self.header_at = 1
        self.coded = False  # a row named a column of area codes
        self.layout: Layout
        self.rows: list[tuple[int, str, dict[str, list[str]]]] = []
        self.outside = 0
        self.extra: list[str] = []

    def find(self, reader) -> None:
        """The column names, and the layout they and the titles above them give."""
        header, above = self._header(reader)
        titles = [self.sheet] if self.sheet else []
        titles += [" ".join(t for t in map(str.strip, row) if t) for row in above]
        try:
            self.layout = self.layout_of(header, [t for t in titles if t])
        except OneSexError:
            raise  # the whole file's or sheet's, not its column names'
        except ReachImportError as error:
            if not self.titles:
                raise
            where = f"row {self.header_at}, read as the column names: "
            raise ReachImportError([where + p for p in error.problems]) from error
        self.number += 1

    def read(self, reader) -> None:
        code_at, width = self.layout.code, len(self.layout.header)
        wanted = self.layout.columns.items()
        for row in reader:
            kind = self._kind(row, code_at, width)
            if kind == "ours":
                figures = {name: [_at(row, i) for i in at] for name, at in wanted}
                self.rows.append((self.number, _at(row, code_at), figures))
            elif kind == "extra":
                self.extra.append(f"row {self.number}: {TOO_MANY}")
            elif kind == "outside":
                self.outside += 1
            self.number += 1

    def _header(self, reader) -> tuple[list[str], list[list[str]]]:
        """The column names and the rows above them: the first row, or the first of the first
        rows to name a column of area codes; if none does, the first row, for the layout to say
        what it lacks."""
        above: list[list[str]] = []
        for row in islice(reader, TITLE_ROWS):
            names = [as_text(name).strip() for name in row]
            if any(code_rank(name) is not None for name in names):
                self.titles, self.header_at, self.coded = len(above), self.number, True
                return names, above
            above.append(names)
            self.number += 1
        # No layout takes a row without a code column: the layout refuses it, unnumbered.
        return (above[0] if above else []), []

    def _kind(self, row, code_at: int, width: int) -> str:
        # Excel writes cleared or formatted rows under the figures as bare commas.
        if not any(as_text(v).strip() for v in row):
            return "empty"
        ours = _at(row, code_at).upper() in self.known
        # More values than columns: "1,000" unquoted would be 1, and a code shifted along
        # could be another area's, so a row naming one of the platform's areas anywhere is
        # refused. A workbook's cells are not split at commas.
        if not self.sheet and len(row) > width and any(v.strip() for v in row[width:]):
            if ours or any(v.strip().upper() in self.known for v in row):
                return "extra"
        return "ours" if ours else "outside"

    def told(self) -> str:
        parts = [f"the sheet {quoted(self.sheet)}"] if self.sheet else []
        parts += [f"the column names from row {self.header_at}"] if self.titles else []
        parts += [self.layout.read] if self.layout.read else []
        return "Read " + ", ".join(parts) if parts else ""


def _read_workbook(data: bytes, layout_of: LayoutOf, known: set[str]) -> _Rows:
    """The rows of the one visible sheet whose column names a layout reads."""
    try:
        with open_workbook(data, MAX_OPENED, values=True) as workbook:
            found, reader = _sheet(visible_sheets(workbook), layout_of, known)
            found.read(reader)
            return found
    except ReachImportError:
        raise
    except ImportError_ as error:
        raise ReachImportError([_opened(error.message)]) from error


def _sheet(sheets: list, layout_of: LayoutOf, known: set[str]):
    """The sheet a layout reads, and its reader past the column names; if no sheet or two are
    read, the problem."""
    readable, refused = [], []
    for sheet in sheets:
        found, reader = _Rows(layout_of, known, sheet.title), _cells(sheet)
        try:
            found.find(reader)
        except ReachImportError as error:
            refused.append((found, error))
            continue
        readable.append((found, reader))
    if len(readable) == 1:
        return readable[0]
    if readable:
        names = ", ".join(quoted(found.sheet) for found, _ in readable)
        raise ReachImportError(
            [
                f"the workbook has {len(readable)} sheets that could be read, {names}: delete "
                "the ones not wanted, or save the one to import as CSV"
            ]
        )
    if not refused:
        raise ReachImportError(["the workbook has no sheet shown"])
    found, error = next(((f, e) for f, e in refused if f.coded), refused[0])
    sheet = f"the sheet {quoted(found.sheet)}"
    if isinstance(error, OneSexError):
        said = "its name says so" if error.title == found.sheet else ""
        raise ReachImportError([error.told(sheet, said)])
    raise ReachImportError([f"{sheet}: {p}" for p in error.problems])


def _cells(sheet):
    """A sheet's rows of cell values, numbered as the sheet shows them (rows left out of the
    file come as empty ones)."""
    sheet.reset_dimensions()  # its claimed size may be false
    for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
        if number > SPREADSHEET_MAX_ROWS:
            raise ReachImportError(["the sheet has more rows than a spreadsheet can hold"])
        yield row


def _opened(message: str) -> str:
    """sheets' message on a workbook that cannot be opened, in the reach page's words."""
    if "once opened" in message:
        return (
            f"the workbook is too large to read as one (over {MAX_OPENED / 2**20:g} MB "
            f"once opened): save its table as CSV, which is read whole, or {TRIM}"
        )
    return as_clause(message)


def _at(row, column: int) -> str:
    return as_text(row[column]).strip() if column < len(row) else ""


def _none_ours(outside: int, known: set[str], code: str) -> str:
    example = ", ".join(sorted(known)[:2])
    such = f" (such as {example})" if example else ""
    rows = "its one row is not" if outside == 1 else f"none of its {outside:,} rows is"
    column = "area_code" if code.lower() == "area_code" else quoted(code)
    return (
        f"{rows} for an area of this partnership: check that it is the right file, and that "
        f"its {column} column holds the areas’ codes{such}"
    )


def _lines(stream: io.TextIOWrapper):
    """The file's lines from its header on, its separator, and the header's row number."""
    first = stream.readline()
    delimiter, skipped = _separator(first.rstrip("\r\n"))
    return (stream if skipped else chain([first], stream)), delimiter, 1 + skipped


def _separator(first: str) -> tuple[str, int]:
    """The file's separator, and 1 if its first line only names it. Excel where the decimal
    mark is a comma saves CSV with semicolons, and some tools write "sep=;" first for Excel.
    The column names hold no separator, so the first line that is not "sep=" tells; a title
    above them (its cells padded out with separators, a comma in its text) by the most found."""
    if first.lower().startswith("sep=") and len(first) == 5:
        return first[4], 1
    counts = [(first.count(d), -n, d) for n, d in enumerate((",", ";", "\t"))]
    most = max(counts)
    return (most[2] if most[0] else ","), 0


def _unreadable(error: csv.Error) -> str:
    if "field limit" in str(error):
        return f"a value is longer than {csv.field_size_limit():,} characters"
    return f"the row cannot be read as CSV ({error})"
