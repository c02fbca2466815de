"""Rows of a workshop sheet that were imported before from another file: a partner's whole
corrected sheet sent back, or the same sheet saved in another format. The file's hash cannot
tell these apart, so the rows are compared by what they say."""

from collections import Counter, defaultdict, deque
from dataclasses import dataclass, replace
from itertools import groupby

from sqlalchemy import select

from engage.extensions import db
from engage.models import Consultation, RespondentDetails, Submission, Wish, WorkshopImport
from engage.services.workshop_sheets import Preview, SheetRow
from engage.services.workshops import earlier_import
from engage.template_helpers import local_date

# One matching row is no sign of a sheet sent again: at a workshop several people write "More
# buses" and nothing else. A sheet is taken for one imported before only when at least this
# many of its rows, and at least half of them, are the same as that import's rows.
MIN_SHARED_ROWS = 3

RowKey = tuple[tuple[str, ...], str | None, str | None]


@dataclass(frozen=True)
class EarlierRow:
    """A row stored from an earlier workshop import."""

    sheet_row: int | None
    reference: str


@dataclass(frozen=True)
class Match:
    """A row of the new sheet and the stored row that says the same."""

    row: SheetRow
    earlier: WorkshopImport
    sheet_row: int | None
    reference: str


@dataclass(frozen=True)
class Overlap:
    """A sheet whose rows were largely imported before, from `earlier`."""

    earlier: WorkshopImport
    total: int  # the sheet's importable rows
    shared: int  # how many of them are the same as rows of `earlier`
    matches: tuple[Match, ...]  # every row imported before: from `earlier` or its corrections
    new_rows: tuple[SheetRow, ...]

    @property
    def sources(self) -> list[WorkshopImport]:
        """The imports the matching rows are in, `earlier` first."""
        return list({m.earlier.id: m.earlier for m in self.matches}.values())


def row_key(wishes: tuple[str, ...] | list[str], postcode: str | None, age_band: str | None):
    """What a row says, compared whatever the case and spacing of its wishes."""
    return tuple(" ".join(text.split()).casefold() for text in wishes), postcode, age_band


def find_overlap(consultation: Consultation, preview: Preview) -> Overlap | None:
    """The earlier import of this consultation whose rows this sheet largely repeats, or None.

    Rows are matched one for one: two residents who wrote the same are two rows, so two such
    rows in the sheet against one stored leave one that is new.
    """
    keys = [row_key(row.wishes, row.postcode, row.age_band) for row in preview.valid]
    if len(keys) < MIN_SHARED_ROWS:
        return None
    stored = _stored_rows(consultation)
    counts = Counter(keys)
    shared = {
        import_id: sum((counts & Counter({k: len(v) for k, v in rows.items()})).values())
        for import_id, rows in stored.items()
    }
    best = max(shared, key=lambda import_id: (shared[import_id], import_id), default=None)
    if best is None or shared[best] < MIN_SHARED_ROWS or 2 * shared[best] < len(keys):
        return None
    earlier = db.session.get(WorkshopImport, best)
    order = [earlier, *_corrections(earlier, stored)]
    matches, new_rows = _match(preview.valid, keys, order, stored)
    return Overlap(earlier, len(keys), shared[best], tuple(matches), tuple(new_rows))


def rows_to_import(
    consultation: Consultation, preview: Preview, *, again: bool
) -> tuple[Preview, Overlap | None]:
    """The sheet without the rows imported before, and those rows; or, when the officer chose
    to import them `again`, the whole sheet. The very same file is left whole too: importing
    it is refused as it stands (see import_workshop)."""
    if again or earlier_import(consultation, preview.sha256):
        return preview, None
    overlap = find_overlap(consultation, preview)
    if overlap is None:
        return preview, None
    return replace(preview, valid=overlap.new_rows), overlap


def overlap_message(overlap: Overlap) -> str:
    """What the preview says of a sheet whose rows were largely imported before."""
    earlier = overlap.earlier
    share = (
        f"All {overlap.total} of these rows are"
        if overlap.shared == overlap.total
        else f"{overlap.shared} of these {overlap.total} rows are"
    )
    message = (
        f"{share} the same as rows imported from {earlier.filename} on "
        f"{local_date(earlier.imported_at)} ({earlier.event_name}, {earlier.partner.name})."
    )
    more = len(overlap.matches) - overlap.shared
    if more:
        others = _and([r.filename for r in overlap.sources[1:]])
        message += f" {more} more {'is' if more == 1 else 'are'} the same as rows from {others}."
    return f"{message} Is this the same sheet again?"


def left_out_message(overlap: Overlap) -> str:
    """Where the rows not imported again are: they are not lost."""
    left = len(overlap.matches)
    rows = "1 row was" if left == 1 else f"{left:,} rows were"
    where = _and(
        [f"{r.filename} (imported on {local_date(r.imported_at)})" for r in overlap.sources]
    )
    return (
        f"{rows} left out as imported before: {'it is' if left == 1 else 'they are'} already "
        f"in {overlap.earlier.consultation.title}, from {where}."
    )


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _corrections(earlier: WorkshopImport, stored: dict) -> list[WorkshopImport]:
    """The other imports of the same session: corrections of the sheet, sent before or after
    it, whose rows are also already in. A session is what the upload form records of it: the
    partner, the day and the name of the workshop (in any case and spacing); a partner's
    morning and afternoon sessions on one day, named apart, are two sessions whose residents
    may well write the same."""
    query = (
        select(WorkshopImport)
        .where(
            WorkshopImport.consultation_id == earlier.consultation_id,
            WorkshopImport.partner_id == earlier.partner_id,
            WorkshopImport.event_date == earlier.event_date,
            WorkshopImport.id != earlier.id,
        )
        .order_by(WorkshopImport.id)
    )
    # The names are compared in Python: SQLite's lower() leaves non-ASCII letters as they are.
    session = _session_name(earlier.event_name)
    return [
        record
        for record in db.session.scalars(query)
        if record.id in stored and _session_name(record.event_name) == session
    ]


def _session_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _match(rows, keys, imports, stored) -> tuple[list[Match], list[SheetRow]]:
    pools = {record.id: {k: deque(v) for k, v in stored[record.id].items()} for record in imports}
    matches, new_rows = [], []
    for row, key in zip(rows, keys, strict=True):
        found = next((r for r in imports if pools[r.id].get(key)), None)
        if found is None:
            new_rows.append(row)
            continue
        earlier_row = pools[found.id][key].popleft()
        matches.append(Match(row, found, earlier_row.sheet_row, earlier_row.reference))
    return matches, new_rows


def _stored_rows(consultation: Consultation) -> dict[int, dict[RowKey, list[EarlierRow]]]:
    """The rows of each earlier workshop import into this consultation, by what they say."""
    query = (
        select(
            Submission.id,
            Submission.workshop_import_id,
            Submission.sheet_row,
            Submission.reference,
            Wish.text,
            RespondentDetails.postcode,
            RespondentDetails.age_band,
        )
        .join(Wish, Wish.submission_id == Submission.id)
        .outerjoin(RespondentDetails, RespondentDetails.submission_id == Submission.id)
        .where(
            Submission.consultation_id == consultation.id,
            Submission.workshop_import_id.is_not(None),
        )
        .order_by(Submission.id, Wish.position)
    )
    stored: dict[int, dict[RowKey, list[EarlierRow]]] = defaultdict(lambda: defaultdict(list))
    for _id, wish_rows in groupby(db.session.execute(query), key=lambda r: r[0]):
        wish_rows = list(wish_rows)
        _, import_id, sheet_row, reference, _text, postcode, age_band = wish_rows[0]
        key = row_key([r.text for r in wish_rows], postcode, age_band)
        stored[import_id][key].append(EarlierRow(sheet_row, reference))
    return stored
