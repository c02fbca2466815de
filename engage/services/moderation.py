"""The moderation queue: flags on arrival, decisions with an append-only log, visitor reports
and the public transparency counts. Moderation hides, redacts or rejects; it never deletes."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, exists, func, or_, select, update

from engage.errors import EngageError
from engage.extensions import db
from engage.models import (
    REJECT_REASONS,
    Area,
    Consultation,
    Flag,
    ModerationDecision,
    ModerationStatus,
    Submission,
    User,
    Wish,
)
from engage.models._types import utcnow
from engage.services.search import search_key

# How many recent entries a new one is compared with, to spot near-duplicates.
RECENT_FOR_DUPLICATES = 500
DECISIONS = ("approve", "reject", "approve_redacted")


class DecisionError(EngageError):
    status = 400
    title = "That decision could not be made"

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        # The part of the decision to change ("selected", "reason", "note", "redacted_text"),
        # so the officer's page can point at it; None when no field would put it right.
        self.field = field


class NotReportable(DecisionError):
    """A visitor's report on an entry taken off the site since they opened it."""

    status = 409
    title = "This can no longer be reported"


@dataclass(frozen=True)
class QueueFilters:
    consultation_id: int | None = None
    channel: str | None = None
    area_id: int | None = None
    flag: str | None = None


def flag_new_wishes(wishes: Sequence[Wish], consultation: Consultation) -> list[Flag]:
    """Run the detectors on newly arrived wishes and store what they find."""
    from engage.services.flags import detect_flags

    others = list(
        db.session.scalars(
            select(Wish.text)
            .join(Wish.submission)
            .where(
                Submission.consultation_id == consultation.id,
                Wish.id.not_in([w.id for w in wishes]),
            )
            .order_by(Wish.id.desc())
            .limit(RECENT_FOR_DUPLICATES)
        )
    )
    flags = []
    for wish in wishes:
        for found in detect_flags(wish.text, others):
            flags.append(
                Flag(
                    entry_type="wish", entry_id=wish.id, kind=found.kind, detail=found.detail[:500]
                )
            )
        others.append(wish.text)
    db.session.add_all(flags)
    return flags


def queue_query(filters: QueueFilters) -> Select:
    """Wishes waiting for a decision (new, or published and reported), oldest first."""
    query = (
        select(Wish)
        .join(Wish.submission)
        .where(or_(Wish.status == ModerationStatus.PENDING, Wish.reported_at.is_not(None)))
    )
    if filters.consultation_id:
        query = query.where(Submission.consultation_id == filters.consultation_id)
    if filters.channel:
        query = query.where(Submission.channel == filters.channel)
    if filters.area_id:
        query = query.where(Submission.area_id == filters.area_id)
    if filters.flag:
        query = query.where(
            exists().where(
                Flag.entry_type == "wish",
                Flag.entry_id == Wish.id,
                Flag.kind == filters.flag,
                Flag.resolved_at.is_(None),
            )
        )
    return query.order_by(Wish.created_at, Wish.id)


def waiting_wishes() -> int:
    """How many wishes wait for a decision, in every consultation."""
    return db.session.scalar(
        select(func.count()).select_from(queue_query(QueueFilters()).subquery())
    )


def flags_for(entry_type: str, ids: Sequence[int]) -> dict[int, list[Flag]]:
    """Open flags of these entries, by entry id."""
    found: dict[int, list[Flag]] = {i: [] for i in ids}
    if ids:
        rows = db.session.scalars(
            select(Flag)
            .where(
                Flag.entry_type == entry_type, Flag.entry_id.in_(ids), Flag.resolved_at.is_(None)
            )
            .order_by(Flag.id)
        )
        for flag in rows:
            found[flag.entry_id].append(flag)
    return found


def lock_entries(model, ids: Collection[int]) -> list:
    """The entries of ``model`` (a wish, photo or comment) with these ids, locked until the
    request ends: decisions on one entry sent at once (two officers, a visitor's report) wait
    for each other, and each is then checked against what the one before did."""
    if not ids:
        return []
    query = select(model).where(model.id.in_(ids)).order_by(model.id).with_for_update()
    return list(db.session.scalars(query))


def count_decisions(entry_type: str, ids: Collection[int]) -> dict[int, int]:
    """How many lines of the decision log each of these entries has (0: none yet). A queue
    page says it of each entry it shows, for a decision sent from it to be checked against
    what happened since (decisions_since): the log only grows, whatever the clocks say."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(ModerationDecision.entry_id, func.count())
        .where(ModerationDecision.entry_type == entry_type, ModerationDecision.entry_id.in_(ids))
        .group_by(ModerationDecision.entry_id)
    )
    return dict.fromkeys(ids, 0) | {n: count for n, count in rows}


def decisions_since(entry_type: str, seen: dict[int, int]) -> dict[int, list[ModerationDecision]]:
    """What happened to these entries after a page showed them: for each entry whose log has
    more lines than the page showed (``seen``, see count_decisions), the lines beyond those,
    oldest first. Entries with none are left out."""
    lines: dict[int, list[ModerationDecision]] = {}
    if seen:
        query = (
            select(ModerationDecision)
            .where(ModerationDecision.entry_type == entry_type)
            .where(ModerationDecision.entry_id.in_(seen))
            .order_by(ModerationDecision.id)
        )
        for decision in db.session.scalars(query):
            lines.setdefault(decision.entry_id, []).append(decision)
    return {n: found[seen[n] :] for n, found in lines.items() if len(found) > seen[n]}


def decide(
    wishes: Sequence[Wish],
    action: str,
    moderator: User,
    *,
    reason: str | None = None,
    note: str = "",
    redacted_text: str | None = None,
    now: datetime | None = None,
) -> list[ModerationDecision]:
    """Approve, reject (with a reason) or approve a redacted version; log every decision.

    A redacted version stays until another one replaces it: approving a reported entry again
    keeps what was published, never the original the redaction hid.
    """
    check_decision(wishes, action, reason, note, redacted_text)
    for wish in wishes:
        wish.status = ModerationStatus.REJECTED if action == "reject" else ModerationStatus.APPROVED
        wish.status_reason = reason if action == "reject" else None
        if action == "approve_redacted":
            wish.redacted_text = redacted_text
        wish.search_key = search_key(wish.public_text)
        wish.reported_at = None
    return log_decisions("wish", wishes, action, moderator, reason=reason, note=note, now=now)


def log_decisions(
    entry_type: str,
    entries: Sequence,
    action: str,
    moderator: User,
    *,
    reason: str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> list[ModerationDecision]:
    """Append one decision per entry to the log and resolve the entries' open flags.

    Shared by every kind of entry (wish, photo, comment): the caller has already checked
    the decision and changed the entries' status. A redacted version is logged when the
    entry has one (``redacted_text``).
    """
    now = now or utcnow()
    decisions = [
        ModerationDecision(
            entry_type=entry_type,
            entry_id=entry.id,
            action=action,
            reason=reason if action == "reject" else None,
            note=note,
            redacted_text=getattr(entry, "redacted_text", None),
            moderator=moderator,
            created_at=now,
        )
        for entry in entries
    ]
    db.session.add_all(decisions)
    db.session.execute(
        update(Flag)
        .where(
            Flag.entry_type == entry_type,
            Flag.entry_id.in_([e.id for e in entries]),
            Flag.resolved_at.is_(None),
        )
        .values(resolved_at=now)
    )
    db.session.flush()
    return decisions


def check_decision(
    entries: Sequence, action: str, reason: str | None, note: str, redacted_text: str | None
) -> None:
    """Refuse a decision that breaks the rules shared by every kind of text entry.

    There must be at least one entry and a known action; a rejection needs one of
    REJECT_REASONS, and a note when the reason is "other"; a redacted version is for one entry
    at a time and needs its text. Raises DecisionError with a message for the moderator.
    """
    if not entries:
        raise DecisionError("Select at least one entry", "selected")
    if action not in DECISIONS:
        raise DecisionError("Choose approve, reject or approve a redacted version")
    if action == "reject" and reason not in REJECT_REASONS:
        raise DecisionError("Choose a reason for rejecting", "reason")
    if action == "reject" and reason == "other" and not note.strip():
        raise DecisionError("Add a note to say why, when the reason is “other”", "note")
    if action == "approve_redacted" and (len(entries) != 1 or not (redacted_text or "").strip()):
        raise DecisionError(
            "A redacted version needs its text, for one entry at a time", "redacted_text"
        )


def report_entry(entry, reason: str, now: datetime | None = None) -> None:
    """A visitor reports a published wish or photo: it goes back to the queue with their reason.

    ``entry`` is any moderated entry with ``status``, ``reported_at`` and ``entry_type``. It is
    locked and read again first: an officer's decision on it sent at the same moment is waited
    for, so a report never puts back in the queue an entry they have just rejected.
    """
    db.session.refresh(entry, with_for_update=True)
    if entry.status != ModerationStatus.APPROVED:
        raise NotReportable(
            "It was taken off the site after you opened this page, so there is nothing to report."
        )
    now = now or utcnow()
    entry.reported_at = now
    kind = entry.entry_type
    db.session.add(
        Flag(
            entry_type=kind,
            entry_id=entry.id,
            kind="reported",
            detail=reason[:500],
            created_at=now,
        )
    )
    db.session.add(
        ModerationDecision(
            entry_type=kind, entry_id=entry.id, action="report", note=reason, created_at=now
        )
    )
    db.session.flush()


def decision_log_query() -> Select:
    """Every decision and visitor report, newest first, for the log's pages."""
    return select(ModerationDecision).order_by(ModerationDecision.id.desc())


def list_decisions(entry_type: str | None = None, entry_id: int | None = None, limit: int = 200):
    query = select(ModerationDecision).order_by(ModerationDecision.id.desc()).limit(limit)
    if entry_type and entry_id:
        query = query.where(
            ModerationDecision.entry_type == entry_type, ModerationDecision.entry_id == entry_id
        )
    return list(db.session.scalars(query))


def transparency_counts(consultation: Consultation) -> dict:
    """Entries received, published, rejected (by reason) and waiting, for the public page."""
    rows = db.session.execute(
        select(Wish.status, Wish.status_reason, func.count(Wish.id))
        .join(Wish.submission)
        .where(Submission.consultation_id == consultation.id)
        .group_by(Wish.status, Wish.status_reason)
    ).all()
    counts = {"received": 0, "published": 0, "rejected": 0, "pending": 0, "by_reason": {}}
    for status, reason, n in rows:
        counts["received"] += n
        key = {"approved": "published", "rejected": "rejected", "pending": "pending"}[status]
        counts[key] += n
        if status == ModerationStatus.REJECTED:
            label = REJECT_REASONS.get(reason or "other", "Other")
            counts["by_reason"][label] = counts["by_reason"].get(label, 0) + n
    return counts


def list_areas_for_filter() -> list[Area]:
    return list(db.session.scalars(select(Area).order_by(Area.name)))


def warm_up() -> None:
    """Load the detectors' word lists and model now rather than inside a first request."""
    from engage.services.flags import detect_flags

    detect_flags("Warm up the detectors: more buses, call 07700 900123", ["more buses"])
