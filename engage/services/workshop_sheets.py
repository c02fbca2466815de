"""Workshop sheets from partner organisations, before anything is stored: the template, and a
preview that reads and checks every row, with the rows to fix as a CSV."""

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from openpyxl.utils import get_column_letter

from engage.errors import ImportError_
from engage.models import AGE_BANDS
from engage.services.postcodes import normalise_postcode
from engage.services.sheets import MAX_DATA_ROWS, Cell, read_sheet, write_csv, write_xlsx
from engage.services.text import clean_text
from engage.services.wishes import MAX_WISH_LENGTH, MAX_WISHES

TEMPLATE_COLUMNS = ("wish_1", "wish_2", "wish_3", "postcode", "age_band")
REQUIRED_COLUMNS = ("wish_1",)
WISH_COLUMNS = TEMPLATE_COLUMNS[:MAX_WISHES]
# The column problems_csv adds: a corrected file can then be uploaded again as it is.
ERRORS_COLUMN = "errors"
EXAMPLE_ROW = (
    "A youth club open at weekends",
    "Safer crossing outside the school",
    "More benches in the park",
    "DE1 2AB",
    "25 to 34",
)
# How far down a sheet the headings are looked for, when a title sits above them.
_HEADING_SEARCH_ROWS = 10


@dataclass(frozen=True)
class SheetRow:
    """A valid data row, cleaned: what will become one workshop submission."""

    row_number: int
    wishes: tuple[str, ...]
    postcode: str | None
    age_band: str | None
    raw: dict[str, str]


@dataclass(frozen=True)
class RowProblem:
    """A data row that cannot be imported, with what the officer must fix."""

    row_number: int
    messages: tuple[str, ...]
    raw: dict[str, str]
    # What was written in columns with no heading: kept in the rows to fix, to be moved.
    unheaded: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preview:
    """What a sheet holds: its valid rows and its problem rows, before anything is stored."""

    filename: str
    sha256: str
    valid: tuple[SheetRow, ...]
    problems: tuple[RowProblem, ...]


# Templates ------------------------------------------------------------------------------------


def template_csv() -> bytes:
    """The CSV template: the header row and one example row."""
    return write_csv([TEMPLATE_COLUMNS, EXAMPLE_ROW])


def template_xlsx() -> bytes:
    """The XLSX template, with a 'Guidance' sheet on the columns and the age bands."""
    return write_xlsx({"Wishes": [TEMPLATE_COLUMNS, EXAMPLE_ROW], "Guidance": _guidance()})


def _guidance() -> list[tuple[str, str]]:
    bands = [(label, f"or {key}") for key, label in AGE_BANDS.items()]
    return [
        ("Column", "What to write"),
        ("wish_1", f"Required. A wish, as the person gave it, up to {MAX_WISH_LENGTH} characters."),
        ("wish_2", "Optional. A second wish from the same person."),
        ("wish_3", "Optional. A third wish from the same person."),
        ("postcode", "Optional. The person's full postcode, such as DE1 2AB."),
        ("age_band", "Optional. One of the age bands below."),
        ("", ""),
        ("One row per person", f"Up to {MAX_DATA_ROWS:,} rows. Delete the example row."),
        ("No formulas", "Type the text itself: cells with formulas are not imported."),
        ("", ""),
        ("Age band", "Also accepted"),
        *bands,
    ]


# Preview --------------------------------------------------------------------------------------


def preview_sheet(filename: str, data: bytes) -> Preview:
    """Read and check a workshop sheet. Raises ImportError_ if the file cannot be read at all."""
    rows = read_sheet(data)
    if not rows:
        raise ImportError_("The file has no header row. " + _expected())
    (_header_number, header), *body = rows
    columns = _header_columns(header, body)
    valid: list[SheetRow] = []
    problems: list[RowProblem] = []
    for number, cells in body:
        row = _check_row(number, cells, columns)
        if isinstance(row, SheetRow):
            valid.append(row)
        elif row is not None:
            problems.append(row)
    if not valid and not problems:
        raise ImportError_(
            "The file has its column headings but no rows under them. Add one row per person, "
            "then upload it again."
        )
    return Preview(
        _clean_filename(filename), hashlib.sha256(data).hexdigest(), tuple(valid), tuple(problems)
    )


def _header_key(text: str) -> str:
    """'Wish 1', 'WISH_1' and ' wish-1 ' all name the column wish_1."""
    return re.sub(r"[\s_\-]+", "_", clean_text(text).lower()).strip("_")


def _expected() -> str:
    return "The columns must be: " + ", ".join(TEMPLATE_COLUMNS) + "."


def _header_columns(header: list[Cell], body: list[tuple[int, list[Cell]]]) -> list[str | None]:
    """The columns the first row names; when a title sits above the headings, say where they are."""
    try:
        return _columns(header)
    except ImportError_:
        for number, cells in body[:_HEADING_SEARCH_ROWS]:
            keys = {_header_key(cell.text) for cell in cells} - {""}
            if REQUIRED_COLUMNS[0] in keys and keys <= {*TEMPLATE_COLUMNS, ERRORS_COLUMN}:
                raise ImportError_(
                    f"The column headings must be in the first row. Row {number} has the column "
                    "headings: delete the rows above it, then upload the file again."
                ) from None
        raise


def _columns(header: list[Cell]) -> list[str | None]:
    """The template column each position holds (None for a blank heading); refuse a bad header."""
    keys = [_header_key(cell.text) or None for cell in header]
    known = {*TEMPLATE_COLUMNS, ERRORS_COLUMN}
    unknown = [
        clean_text(c.text)[:40] for c, k in zip(header, keys, strict=True) if k and k not in known
    ]
    if unknown:
        shown = ", ".join(f"'{name}'" for name in unknown[:10])
        raise ImportError_(f"The file has columns we do not recognise: {shown}. {_expected()}")
    present = [k for k in keys if k]
    twice = sorted({k for k in present if present.count(k) > 1})
    if twice:
        raise ImportError_(f"The file has the column {', '.join(twice)} more than once.")
    missing = [k for k in REQUIRED_COLUMNS if k not in present]
    if missing:
        raise ImportError_(f"The file has no {', '.join(missing)} column. {_expected()}")
    return keys


def _check_row(
    number: int, cells: list[Cell], columns: list[str | None]
) -> SheetRow | RowProblem | None:
    """A SheetRow, a RowProblem, or None for a row with nothing in it once cleaned."""
    raw = dict.fromkeys(TEMPLATE_COLUMNS, "")
    messages, unheaded = [], []
    for index, cell in enumerate(cells):
        name = columns[index] if index < len(columns) else None
        message = _cell_problem(number, index, cell, name)
        if message:
            messages.append(message)
        if name in raw:
            raw[name] = cell.text
        elif name is None and clean_text(cell.text):
            unheaded.append(cell.text)
    if not messages and not any(clean_text(value) for value in raw.values()):
        return None
    wishes, wish_messages = _wishes(raw)
    postcode, postcode_message = _postcode(raw["postcode"])
    age_band, age_message = _age_band(raw["age_band"])
    messages += [*wish_messages, *filter(None, [postcode_message, age_message])]
    if messages:
        return RowProblem(number, tuple(messages), raw, tuple(unheaded))
    return SheetRow(number, wishes, postcode, age_band, raw)


def _cell_problem(number: int, index: int, cell: Cell, name: str | None) -> str | None:
    ref = f"{get_column_letter(index + 1)}{number}"
    if cell.formula:
        return f"Cell {ref} is a formula: type the text instead"
    if cell.error:
        shown = clean_text(cell.text)[:20]
        return f"Cell {ref} shows a spreadsheet error ({shown}): type the text instead"
    if name is None and clean_text(cell.text):
        return f"Cell {ref} is in a column with no heading: move it under one of the headings"
    return None


def _wishes(raw: dict[str, str]) -> tuple[tuple[str, ...], list[str]]:
    wishes, messages = [], []
    for position, column in enumerate(WISH_COLUMNS, start=1):
        text = clean_text(raw[column])
        if len(text) > MAX_WISH_LENGTH:
            messages.append(
                f"Wish {position} is {len(text):,} characters long: "
                f"shorten it to {MAX_WISH_LENGTH} characters or fewer"
            )
        if text:
            wishes.append(text)
    if not wishes:
        messages.append("Enter at least one wish")
    return tuple(wishes), messages


def _postcode(value: str) -> tuple[str | None, str | None]:
    text = clean_text(value)
    if not text:
        return None, None
    postcode = normalise_postcode(text)
    if postcode is None:
        return None, f"Postcode '{text[:20]}' is not a full UK postcode, such as DE1 2AB"
    return postcode, None


def _band_key(text: str) -> str:
    """'16 to 24', '16-24' and '16_24' compare alike; so do 'Prefer not to say' and 'prefer_not'."""
    words = re.findall(r"[a-z0-9+]+", text.lower())
    return "".join(w for w in words if w not in {"to", "say"})


_AGE_BANDS = {
    **{_band_key(label): key for key, label in AGE_BANDS.items()},
    **{_band_key(key): key for key in AGE_BANDS},
    "75+": "75_plus",
}


def _age_band(value: str) -> tuple[str | None, str | None]:
    text = clean_text(value)
    if not text:
        return None, None
    if band := _AGE_BANDS.get(_band_key(text)):
        return band, None
    allowed = ", ".join(AGE_BANDS.values())
    return None, f"Age band '{text[:20]}' is not one of: {allowed}"


def _clean_filename(filename: str) -> str:
    """The file's own name, without any folders a browser sent, short enough to store."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name
    return clean_text(name)[:255] or "sheet"


def problems_csv(preview: Preview) -> bytes:
    """The rows that could not be imported, with their errors, as a CSV to fix and upload again.

    Words written in columns with no heading follow, under no heading, so that nothing written
    is lost and the row is refused again until they are moved under one.
    """
    extra = max((len(p.unheaded) for p in preview.problems), default=0)
    rows: list[tuple[str, ...]] = [(*TEMPLATE_COLUMNS, ERRORS_COLUMN, *[""] * extra)]
    for problem in preview.problems:
        errors = f"Row {problem.row_number}: " + "; ".join(problem.messages)
        cells = (problem.raw.get(c, "") for c in TEMPLATE_COLUMNS)
        rows.append((*cells, errors, *problem.unheaded))
    return write_csv(rows)
