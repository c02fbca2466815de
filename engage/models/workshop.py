"""Partner organisations and the workshop sheets they send in."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.extensions import db
from engage.models._types import UTCDateTime, utcnow


class Partner(db.Model):
    """An organisation in the partnership that runs workshops (a school, a residents' group …)."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class WorkshopImport(db.Model):
    """One imported workshop sheet. The file's hash is unique per consultation, so importing the
    same file twice does not double the entries."""

    __tablename__ = "workshop_imports"
    __table_args__ = (
        UniqueConstraint("consultation_id", "file_sha256", name="uq_workshop_imports_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="RESTRICT")
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    event_name: Mapped[str] = mapped_column(String(200))
    event_date: Mapped[date] = mapped_column(Date)
    filename: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    rows_imported: Mapped[int] = mapped_column(default=0)
    # The file's rows left out, as imported before or with problems to fix: None for sheets
    # imported before these were counted.
    rows_repeated: Mapped[int | None]
    rows_with_problems: Mapped[int | None]
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    partner: Mapped[Partner] = relationship()
    consultation = relationship("Consultation")
    imported_by = relationship("User")


class PendingSheet(db.Model):
    """An uploaded sheet kept, by its hash, between its check and its import (or for its rows to
    fix). In the database, so any of the app's servers can import what another one checked;
    the retention run removes it after RETENTION_WORKSHOP_SHEET_DAYS."""

    __tablename__ = "pending_sheets"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
