"""Residents' rights requests: a single-use, expiring link to a copy of what they sent, or to
erase their details. Only a hash of the link's token is stored, so the database alone cannot
open a link."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db
from engage.models._types import UTCDateTime, utcnow


class RightsRequest(db.Model):
    """One link sent to the email address given with a reference number."""

    __tablename__ = "rights_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The address the link went to, lower case: the entries it covers are those sent with it.
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # "download" or "erase", once used.
    used_for: Mapped[str | None] = mapped_column(String(16))
