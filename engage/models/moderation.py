"""Moderation as data: automatic flags and an append-only log of decisions.

Entries of every kind (wishes now; photos and comments later) are referred to by
(entry_type, entry_id), so one queue and one log serve them all.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.extensions import db
from engage.models._types import UTCDateTime, utcnow

REJECT_REASONS = {
    "personal_data": "Personal data",
    "offensive": "Offensive",
    "spam": "Spam",
    "off_topic": "Off-topic",
    "duplicate": "Duplicate",
    "other": "Other",
}

FLAG_KINDS = {
    "personal_data": "Personal data",
    "offensive": "Offensive language",
    "spam": "Likely spam",
    "reported": "Reported by a visitor",
}

ACTIONS = {
    "approve": "Approved",
    "approve_redacted": "Approved a redacted version",
    "reject": "Rejected",
    "report": "Reported by a visitor",
    "withdraw": "Withdrawn by the entrant",
}


class Flag(db.Model):
    """Why an entry may need a closer look: found by a detector or reported by a visitor."""

    __tablename__ = "flags"
    __table_args__ = (Index("ix_flags_entry", "entry_type", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_type: Mapped[str] = mapped_column(String(16))
    entry_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Cleared by the next decision on the entry; kept for the record.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ModerationDecision(db.Model):
    """One line of the append-only decision log: who, which entry, what, why, when (UTC)."""

    __tablename__ = "moderation_decisions"
    __table_args__ = (Index("ix_decisions_entry", "entry_type", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_type: Mapped[str] = mapped_column(String(16))
    entry_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    # The public text an approve_redacted decision published.
    redacted_text: Mapped[str | None] = mapped_column(Text)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    moderator = relationship("User")

    @property
    def actor(self) -> str:
        """Who took it, as the log shows it: an officer by name, or the resident."""
        if self.moderator is not None:
            return self.moderator.name
        return "The entrant" if self.action == "withdraw" else "A visitor"
