"""Residents' comments on the draft strategy's priorities: taking them in once and only once,
flags on arrival, the officers' queue and decisions, and what the public sees."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from engage.errors import EngageError, NotAccepting
from engage.extensions import db
from engage.models import (
    STANCES,
    Comment,
    Flag,
    ModerationDecision,
    ModerationStatus,
    Priority,
    StrategyVersion,
    Submission,
    User,
)
from engage.models._types import utcnow

# The same rules as for wishes: a reason to reject, a note for 'other', one redaction at once.
from engage.services.moderation import check_decision, log_decisions
from engage.services.references import new_reference
from engage.services.strategy import current_version

MAX_COMMENT_LENGTH = 1000
RECENT_FOR_DUPLICATES = 500


class CommentError(EngageError):
    status = 400
    title = "This comment could not be sent"


@dataclass(frozen=True)
class ReceivedComment:
    comment: Comment
    created: bool


def get_comment_by_token(token: str) -> Comment | None:
    return db.session.scalar(
        select(Comment).join(Comment.submission).where(Submission.form_token == token)
    )


def get_comment(comment_id: int) -> Comment | None:
    return db.session.get(Comment, comment_id)


def accepts_comments(priority: Priority, now: datetime | None = None) -> bool:
    """Open for comment: the priority is in the current version, published for comment, and
    the strategy's comment period is running."""
    version = priority.theme.version
    strategy = version.strategy
    return (
        version.status == "consultation"
        and current_version(strategy) is version
        and strategy.comments_open(now)
    )


def submit_comment(
    priority: Priority,
    stance: str,
    text: str,
    *,
    form_token: str | None = None,
    now: datetime | None = None,
) -> ReceivedComment:
    """Store a comment, pending moderation, and flag what needs a look. A form token already
    used returns the comment stored under it, so a double click stores one comment."""
    now = now or utcnow()
    if form_token and (existing := get_comment_by_token(form_token)):
        return ReceivedComment(existing, created=False)
    if not accepts_comments(priority, now):
        raise NotAccepting("This draft is not open for comments now.")
    if stance not in STANCES:
        raise CommentError("Choose whether you support this priority")
    if not text.strip():
        raise CommentError("Enter your comment")
    if len(text) > MAX_COMMENT_LENGTH:
        raise CommentError(f"Your comment must be {MAX_COMMENT_LENGTH} characters or fewer")
    strategy = priority.theme.version.strategy
    submission = Submission(
        consultation_id=strategy.consultation_id,
        channel="online",
        received_at=now,
        form_token=form_token,
    )
    comment = Comment(priority=priority, stance=stance, text=text, created_at=now)
    comment.submission = submission
    stored = _insert_with_reference(comment, form_token)
    if stored is comment:
        flag_new_comment(comment)
    return ReceivedComment(stored, created=stored is comment)


def _insert_with_reference(comment: Comment, form_token: str | None) -> Comment:
    """Insert under a fresh reference; a lost race on the form token yields the winner's row."""
    for _attempt in range(5):
        comment.submission.reference = new_reference("C")
        savepoint = db.session.begin_nested()
        db.session.add(comment)
        try:
            savepoint.commit()
            return comment
        except IntegrityError:
            savepoint.rollback()
            if form_token and (existing := get_comment_by_token(form_token)):
                return existing
    raise RuntimeError("could not allocate a unique reference")


def flag_new_comment(comment: Comment) -> list[Flag]:
    """Run the moderation detectors on a new comment, against recent comments on the draft."""
    from engage.services.flags import detect_flags

    others = list(
        db.session.scalars(
            select(Comment.text)
            .join(Comment.priority)
            .where(Priority.version_id == comment.priority.version_id, Comment.id != comment.id)
            .order_by(Comment.id.desc())
            .limit(RECENT_FOR_DUPLICATES)
        )
    )
    flags = [
        Flag(entry_type="comment", entry_id=comment.id, kind=f.kind, detail=f.detail[:500])
        for f in detect_flags(comment.text, others)
    ]
    db.session.add_all(flags)
    return flags


# What the public sees


def stance_counts(priorities: Sequence[Priority]) -> dict[str, int]:
    """Published comments on these priorities, by stance, in the order of STANCES."""
    counts = dict.fromkeys(STANCES, 0)
    if priorities:
        rows = db.session.execute(
            select(Comment.stance, func.count(Comment.id))
            .where(
                Comment.priority_id.in_([p.id for p in priorities]),
                Comment.status == ModerationStatus.APPROVED,
            )
            .group_by(Comment.stance)
        )
        for stance, n in rows:
            counts[stance] = n
    return counts


def published_comments_query(priorities: Sequence[Priority]) -> Select:
    """Published comments on these priorities, oldest first."""
    return (
        select(Comment)
        .where(
            Comment.priority_id.in_([p.id for p in priorities]),
            Comment.status == ModerationStatus.APPROVED,
        )
        .order_by(Comment.created_at, Comment.id)
    )


def published_comments(priorities: Sequence[Priority], limit: int | None = None) -> list[Comment]:
    """Published comments on these priorities, oldest first."""
    if not priorities:
        return []
    query = published_comments_query(priorities)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def published_comments_of(version: StrategyVersion) -> list[Comment]:
    return published_comments(version.priorities)


# The officers' queue


def comment_queue_query() -> Select:
    """Comments waiting for a decision, oldest first."""
    return (
        select(Comment)
        .where(Comment.status == ModerationStatus.PENDING)
        .order_by(Comment.created_at, Comment.id)
    )


def waiting_comments() -> int:
    """How many comments wait for a decision."""
    return db.session.scalar(
        select(func.count(Comment.id)).where(Comment.status == ModerationStatus.PENDING)
    )


def decide_comments(
    comments: Sequence[Comment],
    action: str,
    moderator: User,
    *,
    reason: str | None = None,
    note: str = "",
    redacted_text: str | None = None,
    now: datetime | None = None,
) -> list[ModerationDecision]:
    """Approve, reject (with a reason) or approve a redacted version; log every decision.

    As for wishes, a redacted version stays until another one replaces it.
    """
    check_decision(comments, action, reason, note, redacted_text)
    for comment in comments:
        rejected = action == "reject"
        comment.status = ModerationStatus.REJECTED if rejected else ModerationStatus.APPROVED
        comment.status_reason = reason if rejected else None
        if action == "approve_redacted":
            comment.redacted_text = redacted_text
    return log_decisions("comment", comments, action, moderator, reason=reason, note=note, now=now)
