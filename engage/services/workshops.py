"""Importing a checked workshop sheet: its valid rows become workshop submissions, pending
moderation, once per file."""

import hashlib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engage.errors import EngageError, ImportError_, NotAccepting
from engage.extensions import db
from engage.models import (
    Area,
    Consultation,
    Partner,
    PendingSheet,
    RespondentDetails,
    Submission,
    User,
    Wish,
    WorkshopImport,
)
from engage.models._types import utcnow
from engage.services.moderation import flag_new_wishes
from engage.services.postcodes import find_area
from engage.services.references import unused_references
from engage.services.search import search_key
from engage.services.text import clean_text
from engage.services.workshop_sheets import Preview
from engage.template_helpers import closing_date, local_date, local_datetime

LATE_IMPORT_DAYS = 30
_NAME_LENGTH = 200


class AlreadyImported(EngageError):
    """This file has been imported before, so importing it again would double its wishes."""

    status = 409
    title = "This sheet has already been imported"


def keep_sheet(filename: str, data: bytes) -> str:
    """Keep an uploaded sheet until it is imported (or the retention run removes it); returns
    its hash, by which it is found again. The same file uploaded again is kept once, under its
    latest name and time."""
    sha256 = hashlib.sha256(data).hexdigest()
    savepoint = db.session.begin_nested()
    sheet = db.session.get(PendingSheet, sha256) or PendingSheet(sha256=sha256, data=data)
    sheet.filename, sheet.uploaded_at = filename, utcnow()
    db.session.add(sheet)
    try:
        savepoint.commit()
    except IntegrityError:  # kept by another request at the same moment: the same bytes
        savepoint.rollback()
    return sha256


def kept_sheet(sha256: str) -> tuple[str, bytes] | None:
    """The name and bytes of a kept sheet, or None once it has been removed."""
    sheet = db.session.get(PendingSheet, sha256)
    return None if sheet is None else (sheet.filename, sheet.data)


def legacy_sheets_folder(upload_folder: str | Path) -> Path:
    """Where versions before the sheets were kept in the database left them, for the retention
    run to clear."""
    return Path(upload_folder) / "workshop-sheets"


def import_workshop(
    consultation: Consultation,
    preview: Preview,
    *,
    partner_name: str,
    event_name: str,
    event_date: date,
    user: User,
    rows_repeated: int = 0,
    now: datetime | None = None,
) -> WorkshopImport:
    """Store each valid row as a workshop submission, pending moderation. Flushes; never commits.

    The same file (by its hash) is imported once only: a second time raises AlreadyImported and
    changes nothing. ``rows_repeated`` counts the file's rows left out of ``preview`` as
    imported before (see workshop_overlap.rows_to_import); its rows with problems are counted
    as well.
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
        "rows_repeated": rows_repeated,
        "rows_with_problems": len(preview.problems),
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
            f"{consultation.title} closed on {closing_date(consultation.closes_at)}. Workshop "
            f"sheets could be imported until {closing_date(deadline)}, "
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


def earlier_import(consultation: Consultation, sha256: str) -> str | None:
    """Where and when this file's rows were stored, in this or another consultation, or None."""
    record = db.session.scalar(
        select(WorkshopImport).where(
            WorkshopImport.consultation_id == consultation.id, WorkshopImport.file_sha256 == sha256
        )
    )
    if record is None:
        # The form tokens name the file, not the consultation, so they are unique across all.
        token = Submission.form_token.startswith(_token_prefix(sha256), autoescape=True)
        row = db.session.scalar(select(Submission).where(token).limit(1))
        if row is None:
            return None
        record = row.workshop_import
        if record is None:
            return "The rows of this file have already been imported."
    by = record.imported_by.name if record.imported_by else "another officer"
    rows = "1 row" if record.rows_imported == 1 else f"{record.rows_imported:,} rows"
    return (
        f"This file ({record.filename}) was already imported into {record.consultation.title} "
        f"on {local_datetime(record.imported_at)} by {by}: {rows} from {record.event_name}."
    )


def _refuse_if_imported(consultation: Consultation, sha256: str) -> None:
    """Raise AlreadyImported if this file's rows are stored, in this or another consultation."""
    if earlier := earlier_import(consultation, sha256):
        raise AlreadyImported(f"{earlier} Nothing was imported again.")


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
