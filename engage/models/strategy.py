"""The draft strategy: versions of themes and priorities, residents' comments on priorities,
the wishes cited as evidence, and the recorded reason for every change between versions.

A priority belongs to one version. Its `key` stays the same from version to version, so the
same priority can be followed across versions (the lineage), even when it is reworded.
Published versions are never edited: a revision is a new draft version copied from the last.
"""

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.extensions import db
from engage.models._types import UTCDateTime, utcnow
from engage.models.submission import ModerationStatus

STANCES = {
    "support": "Support",
    "support_with_changes": "Support with changes",
    "oppose": "Oppose",
    "no_view": "No view",
}

VERSION_STATUSES = {
    "draft": "Draft (not public)",
    "consultation": "Published for comment",
    "final": "Final",
}

CHANGE_KINDS = {
    "added": "Added",
    "reworded": "Reworded",
    "merged": "Merged",
    "dropped": "Dropped",
    "unchanged": "Not changed",
}


class Strategy(db.Model):
    """A consultation's community strategy, with the period in which residents comment."""

    __tablename__ = "strategies"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="RESTRICT"), unique=True
    )
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    comments_open_at: Mapped[datetime] = mapped_column(UTCDateTime())
    comments_close_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    consultation = relationship("Consultation")
    versions: Mapped[list["StrategyVersion"]] = relationship(
        back_populates="strategy", order_by="StrategyVersion.number", cascade="all, delete-orphan"
    )

    def comments_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.comments_open_at <= now < self.comments_close_at


class StrategyVersion(db.Model):
    """One version of the strategy: a draft, a version published for comment, or the final."""

    __tablename__ = "strategy_versions"
    __table_args__ = (
        UniqueConstraint("strategy_id", "number", name="uq_strategy_versions_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategies.id", ondelete="CASCADE"))
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # What changed in this version, in a sentence or two, for the versions list.
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    strategy: Mapped[Strategy] = relationship(back_populates="versions")
    themes: Mapped[list["StrategyTheme"]] = relationship(
        back_populates="version",
        order_by="StrategyTheme.position",
        cascade="all, delete-orphan",
    )
    changes: Mapped[list["PriorityChange"]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="PriorityChange.id"
    )

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def priorities(self) -> list["Priority"]:
        return [p for theme in self.themes for p in theme.priorities]


class StrategyTheme(db.Model):
    """A theme of the strategy, such as Safer and Stronger Communities."""

    __tablename__ = "strategy_themes"
    __table_args__ = (UniqueConstraint("version_id", "slug", name="uq_strategy_themes_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("strategy_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[StrategyVersion] = relationship(back_populates="themes")
    priorities: Mapped[list["Priority"]] = relationship(
        back_populates="theme", order_by="Priority.position", cascade="all, delete-orphan"
    )


class Priority(db.Model):
    """A priority: its statement, why it matters, how success is measured and what partners do."""

    __tablename__ = "priorities"
    __table_args__ = (UniqueConstraint("version_id", "key", name="uq_priorities_version_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("strategy_versions.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("strategy_themes.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text, default="")
    # One item a line.
    outcome_measures: Mapped[str] = mapped_column(Text, default="")
    activities: Mapped[str] = mapped_column(Text, default="")

    theme: Mapped[StrategyTheme] = relationship(back_populates="priorities")
    evidence: Mapped[list["PriorityEvidence"]] = relationship(
        back_populates="priority", cascade="all, delete-orphan", order_by="PriorityEvidence.id"
    )

    @property
    def measures_list(self) -> list[str]:
        return [line for line in self.outcome_measures.split("\n") if line.strip()]

    @property
    def activities_list(self) -> list[str]:
        return [line for line in self.activities.split("\n") if line.strip()]

    def content(self) -> dict[str, str]:
        """What a resident reads: compared field by field between versions."""
        return {
            "title": self.title,
            "statement": self.statement,
            "why": self.why,
            "outcome_measures": self.outcome_measures,
            "activities": self.activities,
        }


class PriorityEvidence(db.Model):
    """Evidence for a priority: a cited wish, or a theme of an analysis run (one of the two)."""

    __tablename__ = "priority_evidence"
    __table_args__ = (
        UniqueConstraint("priority_id", "wish_id", name="uq_priority_evidence"),
        UniqueConstraint("priority_id", "run_theme_id", name="uq_priority_evidence_theme"),
        CheckConstraint("(wish_id IS NULL) <> (run_theme_id IS NULL)", name="one_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id", ondelete="CASCADE"))
    wish_id: Mapped[int | None] = mapped_column(
        ForeignKey("wishes.id", ondelete="RESTRICT"), index=True
    )
    run_theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("run_themes.id", ondelete="RESTRICT"), index=True
    )

    priority: Mapped[Priority] = relationship(back_populates="evidence")
    wish = relationship("Wish")
    run_theme = relationship("RunTheme")


class Comment(db.Model):
    """A resident's comment on a priority: a stance and their words, moderated like a wish.

    Each comment arrives as a Submission of the consultation (no wishes), which carries its
    reference, form token, channel, area and the optional "about you" details.
    """

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_priority_status", "priority_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id", ondelete="RESTRICT"))
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), unique=True
    )
    stance: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text)
    redacted_text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ModerationStatus] = mapped_column(
        SAEnum(ModerationStatus, name="moderation_status", native_enum=False, length=16),
        default=ModerationStatus.PENDING,
    )
    status_reason: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    priority: Mapped[Priority] = relationship()
    submission = relationship("Submission")

    entry_type = "comment"

    @property
    def public_text(self) -> str:
        return self.redacted_text if self.redacted_text is not None else self.text

    @property
    def reference(self) -> str:
        return self.submission.reference


change_comments = Table(
    "priority_change_comments",
    db.metadata,
    Column("change_id", ForeignKey("priority_changes.id", ondelete="CASCADE"), primary_key=True),
    Column("comment_id", ForeignKey("comments.id", ondelete="RESTRICT"), primary_key=True),
)

change_wishes = Table(
    "priority_change_wishes",
    db.metadata,
    Column("change_id", ForeignKey("priority_changes.id", ondelete="CASCADE"), primary_key=True),
    Column("wish_id", ForeignKey("wishes.id", ondelete="RESTRICT"), primary_key=True),
)


class PriorityChange(db.Model):
    """Why one priority (by key) changed, or did not, in a version; and what led to it."""

    __tablename__ = "priority_changes"
    __table_args__ = (UniqueConstraint("version_id", "key", name="uq_priority_changes_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("strategy_versions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))
    # The priority in the previous version, and the one in this version (for a merge, the
    # priority it was merged into).
    before_id: Mapped[int | None] = mapped_column(ForeignKey("priorities.id", ondelete="SET NULL"))
    after_id: Mapped[int | None] = mapped_column(ForeignKey("priorities.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    version: Mapped[StrategyVersion] = relationship(back_populates="changes")
    before: Mapped[Priority | None] = relationship(foreign_keys=[before_id])
    after: Mapped[Priority | None] = relationship(foreign_keys=[after_id])
    comments: Mapped[list[Comment]] = relationship(secondary=change_comments, order_by=Comment.id)
    wishes = relationship("Wish", secondary=change_wishes, order_by="Wish.id")
    created_by = relationship("User")
