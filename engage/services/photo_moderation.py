"""Officers' decisions on photo entries: the queue, and approving or rejecting with the wishes'
reasons, logged under entry_type "photo".

A photo is published only with everything its entrant gave for it: an entry withdrawn by its
entrant, one without every consent or one without a description for people who cannot see it
is never approved, one by one or in a bulk selection; a withdrawn entry is not decided at all.
"""

from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select

from engage.extensions import db
from engage.models import ModerationDecision, ModerationStatus, PhotoEntry, User
from engage.models.photo import WITHDRAWN
from engage.services.moderation import DecisionError, check_decision, log_decisions

PHOTO_DECISIONS = ("approve", "reject")

# What an entrant confirms when entering, as the officer is told it is missing.
CONSENTS = {
    "took_photo": "they took it",
    "people_consented": "the people shown agreed",
    "accepted_rules": "they accept the rules and the licence",
}
# A competition with no rules asks its entrants for the licence alone.
LICENCE_ONLY = "they give the licence"


def photo_queue_query(competition_id: int | None = None) -> Select:
    """Entries waiting for a decision (new, or published and reported), oldest first. One its
    entrant withdrew after it was reported keeps its report, but no decision is taken on it."""
    reported = and_(
        PhotoEntry.status == ModerationStatus.APPROVED, PhotoEntry.reported_at.is_not(None)
    )
    query = select(PhotoEntry).where(or_(PhotoEntry.status == ModerationStatus.PENDING, reported))
    if competition_id:
        query = query.where(PhotoEntry.competition_id == competition_id)
    return query.order_by(PhotoEntry.created_at, PhotoEntry.id)


def waiting_photos() -> int:
    """How many photo entries wait for a decision, in every competition."""
    return db.session.scalar(select(func.count()).select_from(photo_queue_query().subquery()))


def refused_photos(entries: list[PhotoEntry], action: str) -> dict[int, str]:
    """The entries this decision cannot be taken on, by id, each with words for the officer
    that name the entry and say why."""
    refused = {}
    for entry in entries:
        name = f"{entry.reference} “{entry.title}”"
        if entry.status_reason == WITHDRAWN or not entry.master_key:
            refused[entry.id] = (
                f"{name} was withdrawn by its entrant when they had their details erased"
            )
        elif action == "approve" and (problems := _unpublishable(entry)):
            refused[entry.id] = f"{name} {' and '.join(problems)}"
    return refused


def _unpublishable(entry: PhotoEntry) -> list[str]:
    words = dict(CONSENTS)
    if not (entry.competition.rules or "").strip():
        words["accepted_rules"] = LICENCE_ONLY
    missing = [said for field, said in words.items() if not getattr(entry, field)]
    problems = [f"does not have the entrant’s word that {' and '.join(missing)}"] if missing else []
    if not (entry.alt_text or "").strip():
        problems.append("has no description for people who cannot see it")
    return problems


def decide_photos(
    entries: list[PhotoEntry],
    action: str,
    moderator: User,
    *,
    reason: str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> list[ModerationDecision]:
    """Approve, or reject with one of the wishes' reasons; log every decision. Refused whole
    when any entry cannot take the decision (see refused_photos): callers leave those out."""
    _check_decision(entries, action, reason, note)
    if refused := refused_photos(entries, action):
        raise DecisionError("; ".join(refused.values()))
    for entry in entries:
        rejected = action == "reject"
        entry.status = ModerationStatus.REJECTED if rejected else ModerationStatus.APPROVED
        entry.status_reason = reason if rejected else None
        entry.reported_at = None
        if rejected:
            entry.shortlisted = False
    return log_decisions("photo", entries, action, moderator, reason=reason, note=note, now=now)


def _check_decision(entries, action, reason, note) -> None:
    """The rules every entry's decision follows (check_decision), said of photos, which have
    no redacted version."""
    if not entries:
        raise DecisionError("Select at least one photo", "selected")
    if action not in PHOTO_DECISIONS:
        raise DecisionError("Choose approve or reject")
    check_decision(entries, action, reason, note, None)
