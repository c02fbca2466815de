"""The retention policy, applied by `flask engage retention` (for example nightly, from cron).

What goes, and when (each period from config, see config.py and the privacy notice):

* contact details given with wishes and comments (email, consent, postcode):
  RETENTION_CONTACT_MONTHS after the consultation closes;
* full-size photo copies: RETENTION_PHOTO_ORIGINAL_MONTHS after the competition's voting
  closes (the display copy and thumbnail stay for the gallery);
* photo entrants' email addresses: RETENTION_ENTRANT_CONTACT_MONTHS after voting closes;
* client addresses, which live only in rate-limit counters' keys:
  RETENTION_CLIENT_ADDRESS_DAYS after their window;
* residents' rights requests (they hold an email address):
  RETENTION_RIGHTS_LINK_DAYS after the link was used or expired;
* photos kept while an entry form was corrected but never sent (held photos):
  RETENTION_HELD_PHOTO_DAYS after they were chosen;
* workshop sheets uploaded by officers (wishes and postcodes; the imported rows live on in the
  database): RETENTION_WORKSHOP_SHEET_DAYS after they were uploaded.

A month is 30 days here, so the periods do not depend on the calendar. Everything takes ``now``,
so it is tested with a frozen clock; running it twice changes nothing the second time.
"""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, or_, select

from engage.extensions import db
from engage.models import (
    Competition,
    Consultation,
    HeldPhoto,
    PendingSheet,
    PhotoEntry,
    RateLimitHit,
    RespondentDetails,
    RightsRequest,
    Submission,
)
from engage.models._types import utcnow
from engage.services.photos import release_held
from engage.storage import Storage, StorageKeyError

MONTH = timedelta(days=30)


@dataclass(frozen=True)
class Policy:
    contact_months: int = 6
    photo_original_months: int = 0
    entrant_contact_months: int = 6
    client_address_days: int = 30
    rights_link_days: int = 30
    held_photo_days: int = 1
    workshop_sheet_days: int = 7

    @classmethod
    def from_config(cls, config) -> "Policy":
        return cls(**{name: int(config[f"RETENTION_{name.upper()}"]) for name in asdict(cls())})


@dataclass(frozen=True)
class Removed:
    contact_details: int
    photo_originals: int
    entrant_emails: int
    client_address_counters: int
    rights_requests: int
    held_photos: int
    workshop_sheets: int


def apply_retention(
    policy: Policy,
    storage: Storage,
    now: datetime | None = None,
    *,
    sheet_folder: Path | None = None,
) -> Removed:
    """Remove whatever the policy says is due by ``now``; return how much of each went.

    ``sheet_folder`` is where versions before 0009 left uploaded workshop sheets
    (services.workshops.legacy_sheets_folder).
    """
    now = now or utcnow()
    return Removed(
        contact_details=_contact_details(now - policy.contact_months * MONTH),
        photo_originals=_photo_originals(now - policy.photo_original_months * MONTH, storage),
        entrant_emails=_entrant_emails(now - policy.entrant_contact_months * MONTH),
        client_address_counters=_counters(now - timedelta(days=policy.client_address_days)),
        rights_requests=_rights_requests(now - timedelta(days=policy.rights_link_days)),
        held_photos=_held_photos(now - timedelta(days=policy.held_photo_days), storage),
        workshop_sheets=_workshop_sheets(
            now - timedelta(days=policy.workshop_sheet_days), sheet_folder
        ),
    )


def _contact_details(closed_before: datetime) -> int:
    details = db.session.scalars(
        select(RespondentDetails)
        .join(RespondentDetails.submission)
        .join(Submission.consultation)
        .where(
            Consultation.closes_at <= closed_before,
            or_(RespondentDetails.email.is_not(None), RespondentDetails.postcode.is_not(None)),
        )
    ).all()
    for row in details:
        row.email, row.email_consent, row.postcode = None, False, None
    db.session.flush()
    return len(details)


def _finished_entries(voting_closed_before: datetime):
    return (
        select(PhotoEntry)
        .join(PhotoEntry.competition)
        .where(Competition.voting_close_at <= voting_closed_before)
    )


def _photo_originals(voting_closed_before: datetime, storage: Storage) -> int:
    entries = db.session.scalars(
        _finished_entries(voting_closed_before).where(PhotoEntry.master_key != "")
    ).all()
    for entry in entries:
        # The display copy stands in for the original from now on.
        if entry.master_key not in (entry.display_key, entry.thumb_key):
            try:
                storage.delete(entry.master_key)
            except StorageKeyError:
                pass
        entry.master_key = ""
    db.session.flush()
    return len(entries)


def _entrant_emails(voting_closed_before: datetime) -> int:
    entries = db.session.scalars(
        _finished_entries(voting_closed_before).where(PhotoEntry.email != "")
    ).all()
    for entry in entries:
        entry.email = ""
    db.session.flush()
    return len(entries)


def _counters(before: datetime) -> int:
    # A counter's window start is in seconds since the epoch; its address is in its key.
    cutoff = int(before.timestamp())
    result = db.session.execute(delete(RateLimitHit).where(RateLimitHit.window_start <= cutoff))
    return result.rowcount


def _rights_requests(before: datetime) -> int:
    ended = func.coalesce(RightsRequest.used_at, RightsRequest.expires_at)
    result = db.session.execute(delete(RightsRequest).where(ended <= before))
    return result.rowcount


def _held_photos(chosen_before: datetime, storage: Storage) -> int:
    held = db.session.scalars(select(HeldPhoto).where(HeldPhoto.created_at <= chosen_before)).all()
    for photo in held:
        for key in set(release_held(photo)):
            try:
                storage.delete(key)
            except StorageKeyError:
                pass
    db.session.flush()
    return len(held)


def _workshop_sheets(uploaded_before: datetime, folder: Path | None) -> int:
    """Uploaded sheets kept (for their import or their rows to fix) since before the cut-off,
    and any an earlier version left in ``folder``."""
    due = delete(PendingSheet).where(PendingSheet.uploaded_at <= uploaded_before)
    removed = db.session.execute(due).rowcount
    if folder is None or not folder.is_dir():
        return removed
    for sheet in folder.glob("*.upload"):
        if sheet.stat().st_mtime <= uploaded_before.timestamp():
            sheet.unlink(missing_ok=True)
            sheet.with_suffix(".name").unlink(missing_ok=True)
            removed += 1
    return removed
