"""The photo competition: "turn your wishes into photographs".

A competition belongs to a consultation and has its own dates for entering and for the people's
vote. Entries are moderated like wishes (status here, decisions in the shared log under
entry_type "photo"); judges appointed by an admin score shortlisted entries against criteria;
the admin publishes the awards.
"""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.extensions import db
from engage.models._types import UTCDateTime, utcnow
from engage.models.submission import ModerationStatus

AWARDS = {
    "winner": "Winner",
    "runner_up": "Runner-up",
    "peoples_choice": "People's choice",
}


class Competition(db.Model):
    """A photo competition with its own entry and voting windows."""

    __tablename__ = "photo_competitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="RESTRICT"), index=True
    )
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    rules: Mapped[str] = mapped_column(Text, default="")
    entries_open_at: Mapped[datetime] = mapped_column(UTCDateTime())
    entries_close_at: Mapped[datetime] = mapped_column(UTCDateTime())
    voting_open_at: Mapped[datetime] = mapped_column(UTCDateTime())
    voting_close_at: Mapped[datetime] = mapped_column(UTCDateTime())
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    consultation = relationship("Consultation")
    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="competition", order_by="Criterion.position, Criterion.id"
    )

    def entries_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.entries_open_at <= now < self.entries_close_at

    def voting_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.voting_open_at <= now < self.voting_close_at

    def results_due(self, now: datetime | None = None) -> bool:
        """Entries and voting have both closed, so the results can be published."""
        now = now or utcnow()
        return now >= max(self.entries_close_at, self.voting_close_at)

    @property
    def results_published(self) -> bool:
        return self.results_published_at is not None


class PhotoCopies:
    """The storage keys and sizes of a processed photo's three copies: the full-size copy
    (never served publicly), the display copy (at most 1600 px) and the thumbnail."""

    master_key: Mapped[str] = mapped_column(String(80))
    master_type: Mapped[str] = mapped_column(String(20))
    display_key: Mapped[str] = mapped_column(String(80))
    thumb_key: Mapped[str] = mapped_column(String(80))
    width: Mapped[int]
    height: Mapped[int]
    display_width: Mapped[int]
    display_height: Mapped[int]
    thumb_width: Mapped[int]
    thumb_height: Mapped[int]


# The status reason of an entry its entrant withdrew by having their details erased: its photo
# is deleted, so it can never be published again (engage.services.rights).
WITHDRAWN = "withdrawn"


class PhotoEntry(PhotoCopies, db.Model):
    """One photo entered by a resident, with what it shows and the consents they gave.

    The email is for contacting winners only and is never shown. The stored images are
    re-encoded copies without metadata (see engage.services.images); the original upload is
    not kept.
    """

    __tablename__ = "photo_entries"
    __table_args__ = (
        UniqueConstraint("form_token", name="uq_photo_entries_form_token"),
        Index("ix_photo_entries_competition_status", "competition_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("photo_competitions.id", ondelete="RESTRICT")
    )
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    form_token: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(100))
    wish: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    alt_text: Mapped[str] = mapped_column(String(500))
    entrant_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    took_photo: Mapped[bool] = mapped_column(Boolean, default=False)
    people_consented: Mapped[bool] = mapped_column(Boolean, default=False)
    accepted_rules: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ModerationStatus] = mapped_column(
        SAEnum(ModerationStatus, name="moderation_status", native_enum=False, length=16),
        default=ModerationStatus.PENDING,
    )
    status_reason: Mapped[str | None] = mapped_column(String(20))
    # Set when a visitor reports the published photo: it is back in the queue until decided.
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    shortlisted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    competition: Mapped[Competition] = relationship()

    entry_type = "photo"


class HeldPhoto(PhotoCopies, db.Model):
    """A photo kept while its entry form is corrected, so the entrant need not choose it again.

    The form carries a signed reference to it; it becomes the entry's photo when the form is
    sent, and the retention run removes it (and its copies) after RETENTION_HELD_PHOTO_DAYS.
    """

    __tablename__ = "held_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("photo_competitions.id", ondelete="RESTRICT")
    )
    file_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class Vote(db.Model):
    """The people's vote: one per voter (a signed cookie's id) per competition."""

    __tablename__ = "photo_votes"
    __table_args__ = (UniqueConstraint("competition_id", "voter_key", name="uq_photo_votes_voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("photo_competitions.id", ondelete="RESTRICT")
    )
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("photo_entries.id", ondelete="RESTRICT"), index=True
    )
    voter_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[PhotoEntry] = relationship()


class JudgeAppointment(db.Model):
    """A member of staff with the judge role, appointed to judge one competition."""

    __tablename__ = "photo_judges"
    __table_args__ = (
        UniqueConstraint("competition_id", "user_id", name="uq_photo_judges_competition_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("photo_competitions.id", ondelete="RESTRICT")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    appointed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    competition: Mapped[Competition] = relationship()
    user = relationship("User")


class Criterion(db.Model):
    """What judges score each shortlisted entry on, from 1 to 5."""

    __tablename__ = "photo_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("photo_competitions.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(default=0)

    competition: Mapped[Competition] = relationship(back_populates="criteria")


class Score(db.Model):
    """One judge's score for one entry on one criterion."""

    __tablename__ = "photo_scores"
    __table_args__ = (
        UniqueConstraint("judge_id", "entry_id", "criterion_id", name="uq_photo_scores_judge"),
        CheckConstraint("value >= 1 AND value <= 5", name="value_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("photo_entries.id", ondelete="RESTRICT"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(ForeignKey("photo_criteria.id", ondelete="RESTRICT"))
    value: Mapped[int]
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CompetitionRemoval(db.Model):
    """A criterion taken off a competition, or a judge's appointment ended: who, what, when.
    The row itself is gone; this is how a removal sent again (a double click, two admins) is
    told it was done, and an id that was never the competition's is not. Removals made before
    this was kept (migration 0012) have no record: see competitions._removed_already."""

    __tablename__ = "photo_removals"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("photo_competitions.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # "criterion" or "judge"
    removed_id: Mapped[int]  # the criterion's, or the judge's appointment's
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Award(db.Model):
    """A published result: the winner, a runner-up or the people's choice."""

    __tablename__ = "photo_awards"
    __table_args__ = (
        UniqueConstraint("competition_id", "kind", name="uq_photo_awards_competition_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("photo_competitions.id", ondelete="RESTRICT")
    )
    entry_id: Mapped[int] = mapped_column(ForeignKey("photo_entries.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20))
    # The combined judges' score or the vote count when it was published, for the record.
    score: Mapped[str] = mapped_column(String(40), default="")
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[PhotoEntry] = relationship()
