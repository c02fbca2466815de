"""Consultations and the areas they cover."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.extensions import db
from engage.models._types import UTCDateTime, utcnow

consultation_areas = Table(
    "consultation_areas",
    db.metadata,
    Column("consultation_id", ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)


class Area(db.Model):
    """A ward or local partnership area, found from the postcode districts it covers."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    districts: Mapped[list["AreaPostcodeDistrict"]] = relationship(
        back_populates="area",
        cascade="all, delete-orphan",
        order_by="AreaPostcodeDistrict.district",
    )

    @property
    def postcode_districts(self) -> list[str]:
        return [d.district for d in self.districts]


class AreaPostcodeDistrict(db.Model):
    """A postcode district (the outward code, e.g. DE22) and the area it maps to."""

    __tablename__ = "area_postcode_districts"

    district: Mapped[str] = mapped_column(String(8), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    area: Mapped[Area] = relationship(back_populates="districts")


class Consultation(db.Model):
    """A time-boxed exercise that asks residents for their views."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    how_answers_are_used: Mapped[str] = mapped_column(Text, default="")
    place_name: Mapped[str] = mapped_column(String(120), default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    areas: Mapped[list[Area]] = relationship(secondary=consultation_areas, order_by=Area.name)

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.opens_at <= now < self.closes_at

    def state(self, now: datetime | None = None) -> str:
        """'upcoming', 'open' or 'closed'."""
        now = now or utcnow()
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"
