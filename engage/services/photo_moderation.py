"""Officers' decisions on photo entries: the queue, and approving or rejecting with the wishes'
reasons, logged under entry_type "photo"."""

from datetime import datetime

from sqlalchemy import Select, func, or_, select

from engage.extensions import db
from engage.models import REJECT_REASONS, ModerationDecision, ModerationStatus, PhotoEntry, User
from engage.services.moderation import DecisionError, log_decisions

PHOTO_DECISIONS = ("approve", "reject")


def photo_queue_query(competition_id: int | None = None) -> Select:
    """Entries waiting for a decision (new, or published and reported), oldest first."""
    query = select(PhotoEntry).where(
        or_(PhotoEntry.status == ModerationStatus.PENDING, PhotoEntry.reported_at.is_not(None))
    )
    if competition_id:
        query = query.where(PhotoEntry.competition_id == competition_id)
    return query.order_by(PhotoEntry.created_at, PhotoEntry.id)


def waiting_photos() -> int:
    """How many photo entries wait for a decision, in every competition."""
    return db.session.scalar(select(func.count()).select_from(photo_queue_query().subquery()))


def decide_photos(
    entries: list[PhotoEntry],
    action: str,
    moderator: User,
    *,
    reason: str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> list[ModerationDecision]:
    """Approve, or reject with one of the wishes' reasons; log every decision."""
    _check_decision(entries, action, reason, note)
    for entry in entries:
        rejected = action == "reject"
        entry.status = ModerationStatus.REJECTED if rejected else ModerationStatus.APPROVED
        entry.status_reason = reason if rejected else None
        entry.reported_at = None
        if rejected:
            entry.shortlisted = False
    return log_decisions("photo", entries, action, moderator, reason=reason, note=note, now=now)


def _check_decision(entries, action, reason, note) -> None:
    if not entries:
        raise DecisionError("Select at least one entry")
    if action not in PHOTO_DECISIONS:
        raise DecisionError("Choose approve or reject")
    if action == "reject" and reason not in REJECT_REASONS:
        raise DecisionError("Choose a reason for rejecting")
    if action == "reject" and reason == "other" and not note.strip():
        raise DecisionError("Add a note to say why, when the reason is “other”")
