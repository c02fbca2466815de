"""Submissions (one card or form) and the wishes they carry.

The details that identify or profile a person live in RespondentDetails, apart from the wish
text, and are joined only for aggregate reports.
"""

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.extensions import db
from engage.models._types import UTCDateTime, utcnow

CHANNELS = {
    "online": "Online form",
    "paper_card": "Paper wish card",
    "wish_tree": "Wish tree",
    "workshop": "Workshop",
}

AGE_BANDS = {
    "under_16": "Under 16",
    "16_24": "16 to 24",
    "25_34": "25 to 34",
    "35_44": "35 to 44",
    "45_54": "45 to 54",
    "55_64": "55 to 64",
    "65_74": "65 to 74",
    "75_plus": "75 or over",
    "prefer_not": "Prefer not to say",
}


class ModerationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Submission(db.Model):
    """One form or card sent by a resident: up to three wishes."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("form_token", name="uq_submissions_form_token"),
        Index("ix_submissions_card", "consultation_id", "card_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="RESTRICT"), index=True
    )
    channel: Mapped[str] = mapped_column(String(20), default="online")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    form_token: Mapped[str | None] = mapped_column(String(64))
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    # Paper cards and the wish tree: the number printed on the card, and who keyed it in.
    card_number: Mapped[str | None] = mapped_column(String(40))
    keyed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    # Workshops: the sheet a row came from, and its row number there.
    workshop_import_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop_imports.id", ondelete="RESTRICT"), index=True
    )
    sheet_row: Mapped[int | None]

    consultation = relationship("Consultation")
    workshop_import = relationship("WorkshopImport")
    area = relationship("Area")
    wishes: Mapped[list["Wish"]] = relationship(
        back_populates="submission", order_by="Wish.position", cascade="all, delete-orphan"
    )
    details: Mapped["RespondentDetails | None"] = relationship(
        back_populates="submission", cascade="all, delete-orphan", uselist=False
    )


class Wish(db.Model):
    """One wish: the free text a resident gave, with its moderation status."""

    __tablename__ = "wishes"
    __table_args__ = (
        UniqueConstraint("submission_id", "position", name="uq_wishes_submission_position"),
        Index("ix_wishes_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    # What the public sees when a moderator approved a redacted version; the original is kept.
    redacted_text: Mapped[str | None] = mapped_column(Text)
    # Folded lemmas of the public text, for word search (see engage.services.search).
    search_key: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ModerationStatus] = mapped_column(
        SAEnum(ModerationStatus, name="moderation_status", native_enum=False, length=16),
        default=ModerationStatus.PENDING,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The latest decision's reason (for rejections) and when a visitor last reported it.
    status_reason: Mapped[str | None] = mapped_column(String(20))
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    submission: Mapped[Submission] = relationship(back_populates="wishes")

    entry_type = "wish"

    @property
    def public_text(self) -> str:
        return self.redacted_text if self.redacted_text is not None else self.text


class RespondentDetails(db.Model):
    """Who sent a submission: optional, personal, and kept apart from what they said."""

    __tablename__ = "respondent_details"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), unique=True
    )
    postcode: Mapped[str | None] = mapped_column(String(10))
    age_band: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    email_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="details")
