"""Workshop sheets from partner organisations: the template, a preview that checks every row,
and the import of the valid rows as workshop submissions."""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path, PurePosixPath, PureWindowsPath

from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engage.errors import EngageError, ImportError_, NotAccepting
from engage.extensions import db
from engage.models import (
    AGE_BANDS,
    Area,
    Consultation,
    Partner,
    RespondentDetails,
    Submission,
    User,
    Wish,
    WorkshopImport,
)
from engage.models._types import utcnow
from engage.services.moderation import flag_new_wishes
from engage.services.postcodes import find_area, normalise_postcode
from engage.services.references import unused_references
from engage.services.search import search_key
from engage.services.sheets import MAX_DATA_ROWS, Cell, read_sheet, write_csv, write_xlsx
from engage.services.sheets import safe_cell as safe_cell  # part of this module's interface
from engage.services.text import clean_text
from engage.services.wishes import MAX_WISH_LENGTH, MAX_WISHES
from engage.template_helpers import local_date, local_datetime

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
LATE_IMPORT_DAYS = 30
# How far down a sheet the headings are looked for, when a title sits above them.
_HEADING_SEARCH_ROWS = 10
_NAME_LENGTH = 200


class AlreadyImported(EngageError):
    """This file has been imported before, so importing it again would double its wishes."""

    status = 409
    title = "This sheet has already been imported"


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


def sheets_folder(upload_folder: str | Path) -> Path:
    """Where uploaded sheets wait, by their hash, between their check and their import; the
    retention run removes them after RETENTION_WORKSHOP_SHEET_DAYS."""
    return Path(upload_folder) / "workshop-sheets"


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
        return f"Cell {ref} shows a spreadsheet error ({cell.text[:20]}): type the text instead"
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


# Import ---------------------------------------------------------------------------------------


def import_workshop(
    consultation: Consultation,
    preview: Preview,
    *,
    partner_name: str,
    event_name: str,
    event_date: date,
    user: User,
    now: datetime | None = None,
) -> WorkshopImport:
    """Store each valid row as a workshop submission, pending moderation. Flushes; never commits.

    The same file (by its hash) is imported once only: a second time raises AlreadyImported and
    changes nothing.
    """
    now = now or utcnow()
    _check_window(consultation, now)
    fields = {
        "consultation": consultation,
        "event_name": _required_name(event_name, "the event"),
        "event_date": event_date,
        "filename": preview.filename,
        "file_sha256": preview.sha256,
        "rows_imported": len(preview.valid),
        "imported_by": user,
        "imported_at": now,
    }
    partner_name = _required_name(partner_name, "the partner organisation")
    _refuse_if_imported(consultation, preview.sha256)
    # A lost race (the same file imported at the same moment, or a partner created twice)
    # undoes the savepoint; the retry then finds the winner's rows.
    for _attempt in range(3):
        try:
            with db.session.begin_nested():
                record = WorkshopImport(partner=_partner(partner_name), **fields)
                db.session.add(record)
                _add_rows(record, preview, now)
            _flag_rows(record, consultation)
            return record
        except IntegrityError:
            _refuse_if_imported(consultation, preview.sha256)
    raise RuntimeError("could not import the workshop sheet: unique values kept clashing")


def _flag_rows(record: WorkshopImport, consultation: Consultation) -> None:
    """Workshop wishes get the same automatic flags as online ones."""
    wishes = db.session.scalars(
        select(Wish).join(Wish.submission).where(Submission.workshop_import_id == record.id)
    )
    flag_new_wishes(list(wishes), consultation)


def _check_window(consultation: Consultation, now: datetime) -> None:
    """Workshops are often keyed in after the event: accept until 30 days after closing."""
    if now < consultation.opens_at:
        raise NotAccepting(
            f"{consultation.title} opens on {local_date(consultation.opens_at)}. "
            "Workshop sheets can be imported from then."
        )
    deadline = consultation.closes_at + timedelta(days=LATE_IMPORT_DAYS)
    if now >= deadline:
        raise NotAccepting(
            f"{consultation.title} closed on {local_date(consultation.closes_at)}. Workshop "
            f"sheets could be imported until {local_date(deadline)}, "
            f"{LATE_IMPORT_DAYS} days after it closed."
        )


def _required_name(value: str, what: str) -> str:
    name = clean_text(value).replace("\n", " ")
    if not name:
        raise ImportError_(f"Enter the name of {what}.")
    if len(name) > _NAME_LENGTH:
        raise ImportError_(f"The name of {what} must be {_NAME_LENGTH} characters or fewer.")
    return name


def _token_prefix(sha256: str) -> str:
    return f"workshop:{sha256[:32]}:"


def _refuse_if_imported(consultation: Consultation, sha256: str) -> None:
    """Raise AlreadyImported if this file's rows are stored, in this or another consultation."""
    record = db.session.scalar(
        select(WorkshopImport).where(
            WorkshopImport.consultation_id == consultation.id, WorkshopImport.file_sha256 == sha256
        )
    )
    if record is None:
        # The form tokens name the file, not the consultation, so they are unique across all.
        token = Submission.form_token.startswith(_token_prefix(sha256), autoescape=True)
        row = db.session.scalar(select(Submission).where(token).limit(1))
        record = row.workshop_import if row is not None else None
        if row is not None and record is None:
            raise AlreadyImported("The rows of this file have already been imported.")
    if record is not None:
        raise AlreadyImported(_imported_message(record))


def _imported_message(record: WorkshopImport) -> str:
    by = record.imported_by.name if record.imported_by else "another officer"
    return (
        f"This file ({record.filename}) was already imported into {record.consultation.title} "
        f"on {local_datetime(record.imported_at)} by {by}: {record.rows_imported:,} rows from "
        f"{record.event_name}. Nothing was imported again."
    )


def _partner(name: str) -> Partner:
    """The partner of this name, whatever its case, or a new one. Compared in Python: SQLite's
    lower() leaves non-ASCII letters as they are, and a partnership has tens of partners."""
    key = name.casefold()
    found = (p for p in db.session.scalars(select(Partner)) if p.name.casefold() == key)
    return next(found, None) or Partner(name=name)


def _add_rows(record: WorkshopImport, preview: Preview, now: datetime) -> None:
    prefix = _token_prefix(preview.sha256)
    area_of = _area_finder(record.consultation)
    references = iter(unused_references("W", len(preview.valid), Submission.reference))
    # One flush for the whole sheet: a flush (and a postcode query) per row made a 5,000-row
    # sheet take minutes, which is why set_respondent_details is not called row by row.
    with db.session.no_autoflush:
        for row in preview.valid:
            submission = Submission(
                consultation=record.consultation,
                channel="workshop",
                received_at=now,
                form_token=f"{prefix}{row.row_number}",
                reference=next(references),
                workshop_import=record,
                sheet_row=row.row_number,
                area=area_of(row.postcode) if row.postcode else None,
            )
            submission.wishes = [
                Wish(position=i, text=text, search_key=search_key(text), created_at=now)
                for i, text in enumerate(row.wishes, start=1)
            ]
            if row.postcode or row.age_band:
                submission.details = RespondentDetails(
                    postcode=row.postcode, age_band=row.age_band, created_at=now
                )
            db.session.add(submission)
    db.session.flush()


def _area_finder(consultation: Consultation) -> Callable[[str], Area | None]:
    """Postcode to area as set_respondent_details maps it, one query per postcode district."""
    districts: dict[str, Area | None] = {}
    areas = set(consultation.areas)

    def area_of(postcode: str) -> Area | None:
        district = postcode.split(" ")[0]
        if district not in districts:
            area = find_area(postcode)
            districts[district] = area if area in areas else None
        return districts[district]

    return area_of
