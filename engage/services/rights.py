"""Residents' rights: a single-use, expiring link to a copy of everything sent with an email
address, and erasure of their details.

How a link is earned: the resident gives a reference number and the email address they gave
with it. Only when the two match is a link made, and it is mailed to that address, never shown
on screen: so whoever opens it controls that mailbox. The link covers every entry sent with
that address (wishes, comments and photo entries); nothing sent without it or with another
address. Only the SHA-256 of the link's token is stored; a link works once and for
RIGHTS_LINK_HOURS.

Erasure removes contact and profile details (the "about you" answers and photo entrants'
names and emails), deletes the stored photo files and withdraws those entries, and forgets the
form tokens: what residents said stays, moderated as before, but nothing links it to them.
Equalities answers were never linked to anyone, so there is nothing to find or erase.
"""

import hashlib
import io
import json
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from engage.extensions import db
from engage.models import (
    STANCES,
    Comment,
    ModerationDecision,
    ModerationStatus,
    PhotoEntry,
    RespondentDetails,
    RightsRequest,
    Submission,
)
from engage.models._types import utcnow
from engage.models.photo import WITHDRAWN
from engage.services.references import normalise_reference
from engage.storage import Storage, StorageKeyError


@dataclass(frozen=True)
class Erased:
    submissions: int
    photo_entries: int
    files: int


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _normal(email: str) -> str:
    # Compared in Python, never with SQL lower(): SQLite's lower() leaves non-ASCII letters
    # as they are, so "JOSÉ@…" would never meet "josé@…" there. lower(), not casefold(): the
    # result is also where the link is mailed, and casefold() turns "ß" into "ss".
    return unicodedata.normalize("NFC", (email or "").strip()).lower()


_BATCH = 1000


def _ids_with_email(id_column, email_column, email: str) -> list[int]:
    """Ids of the rows whose address matches, read in batches of (id, email) pairs: no SQL
    function folds case the way Python does on both databases, and no column holds a folded
    copy, so the comparison is made here without holding the whole table in memory."""
    wanted, found = _normal(email), []
    if not wanted:
        return found
    rows = db.session.execute(
        select(id_column, email_column)
        .where(email_column.is_not(None), email_column != "")
        .execution_options(yield_per=_BATCH)
    )
    for partition in rows.partitions():
        found.extend(row_id for row_id, stored in partition if _normal(stored) == wanted)
    return found


def matching_email(reference: str, email: str) -> str | None:
    """The address on file when the reference and email address belong together, else None."""
    reference, email = normalise_reference(reference), _normal(email)
    if not reference or not email:
        return None
    stored = db.session.scalar(
        select(RespondentDetails.email)
        .join(RespondentDetails.submission)
        .where(Submission.reference == reference)
    )
    if stored is None:
        stored = db.session.scalar(
            select(PhotoEntry.email).where(PhotoEntry.reference == reference)
        )
    if stored and secrets.compare_digest(_normal(stored).encode(), email.encode()):
        return email
    return None


def create_link(email: str, hours: int, now: datetime | None = None) -> str:
    """Store a new request for this address and return the token for its link."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(
        RightsRequest(
            token_hash=_hash(token),
            email=_normal(email),
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    db.session.flush()
    return token


def open_link(token: str, now: datetime | None = None) -> RightsRequest | None:
    """The request behind a link, if the link is genuine, unused and not expired."""
    if not token or len(token) > 100:
        return None
    request = db.session.scalar(
        select(RightsRequest).where(RightsRequest.token_hash == _hash(token))
    )
    now = now or utcnow()
    if request is None or request.used_at is not None or request.expires_at <= now:
        return None
    return request


def use_link(request: RightsRequest, purpose: str, now: datetime | None = None) -> bool:
    """Mark the link used, once: False when another request used it first."""
    result = db.session.execute(
        update(RightsRequest)
        .where(RightsRequest.id == request.id, RightsRequest.used_at.is_(None))
        .values(used_at=now or utcnow(), used_for=purpose)
    )
    db.session.expire(request)
    return result.rowcount == 1


def _submissions(email: str) -> list[Submission]:
    return list(
        db.session.scalars(
            select(Submission)
            .join(Submission.details)
            .where(
                RespondentDetails.id.in_(
                    _ids_with_email(RespondentDetails.id, RespondentDetails.email, email)
                )
            )
            .order_by(Submission.id)
        )
    )


def _photo_entries(email: str) -> list[PhotoEntry]:
    return list(
        db.session.scalars(
            select(PhotoEntry)
            .where(PhotoEntry.id.in_(_ids_with_email(PhotoEntry.id, PhotoEntry.email, email)))
            .order_by(PhotoEntry.id)
        )
    )


def _submission_record(submission: Submission) -> dict:
    details = submission.details
    record = {
        "reference": submission.reference,
        "consultation": submission.consultation.title,
        "received_at": submission.received_at.isoformat(),
        "channel": submission.channel,
        "area": submission.area.name if submission.area else None,
        "wishes": [
            {"text": w.text, "status": w.status.value, "published_text": w.redacted_text}
            for w in submission.wishes
        ],
        "about_you": {
            "postcode": details.postcode,
            "age_band": details.age_band,
            "email": details.email,
            "agreed_to_emails": details.email_consent,
        }
        if details
        else None,
    }
    comment = db.session.scalar(select(Comment).where(Comment.submission_id == submission.id))
    if comment is not None:
        record["comment"] = {
            "priority": comment.priority.title,
            "stance": STANCES.get(comment.stance, comment.stance),
            "text": comment.text,
            "status": comment.status.value,
            "published_text": comment.redacted_text,
        }
    return record


def _photo_record(entry: PhotoEntry, file_name: str | None) -> dict:
    fields = ("title", "wish", "description", "alt_text", "entrant_name", "email")
    record = {"reference": entry.reference, "competition": entry.competition.title}
    record.update({name: getattr(entry, name) for name in fields})
    record.update(
        took_photo=entry.took_photo,
        people_consented=entry.people_consented,
        accepted_rules=entry.accepted_rules,
        received_at=entry.created_at.isoformat(),
        status=entry.status.value,
        photo_file=file_name,
    )
    return record


def _read(storage: Storage, key: str) -> bytes | None:
    try:
        with storage.open(key) as stream:
            return stream.read()
    except (FileNotFoundError, StorageKeyError):
        return None


def build_archive(email: str, storage: Storage, now: datetime | None = None) -> bytes:
    """A ZIP of everything sent with this address: data.json and the photos as stored."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        photos = []
        for entry in _photo_entries(email):
            key = entry.master_key or entry.display_key
            data = _read(storage, key) if key else None
            name = f"photos/{entry.reference}.{key.rsplit('.', 1)[-1]}" if data else None
            if data:
                archive.writestr(name, data)
            photos.append(_photo_record(entry, name))
        document = {
            "made_at": (now or utcnow()).isoformat(),
            "email": _normal(email),
            "submissions": [_submission_record(s) for s in _submissions(email)],
            "photo_entries": photos,
            "equalities_answers": "Kept with no link to you or to what you sent, so they "
            "cannot be found or included.",
        }
        archive.writestr("data.json", json.dumps(document, indent=2, ensure_ascii=False))
    return buffer.getvalue()


def erase(email: str, storage: Storage) -> Erased:
    """Remove this address's details and photos; keep what was said, linked to no one."""
    submissions = _submissions(email)
    for submission in submissions:
        db.session.delete(submission.details)
        submission.form_token = None
    files = 0
    entries = _photo_entries(email)
    for entry in entries:
        for key in {entry.master_key, entry.display_key, entry.thumb_key} - {""}:
            try:
                storage.delete(key)
                files += 1
            except StorageKeyError:
                pass
        entry.master_key = entry.display_key = entry.thumb_key = ""
        entry.email = entry.entrant_name = ""
        entry.form_token = None
        entry.status = ModerationStatus.REJECTED
        entry.status_reason = WITHDRAWN
        entry.shortlisted = False
        # In the decision log too, so the queues and the log say why it went.
        db.session.add(ModerationDecision(entry_type="photo", entry_id=entry.id, action="withdraw"))
    db.session.execute(
        update(RightsRequest)
        .where(RightsRequest.id.in_(_ids_with_email(RightsRequest.id, RightsRequest.email, email)))
        .values(email="")
    )
    db.session.flush()
    return Erased(len(submissions), len(entries), files)
