"""Rate-limit counters kept in the database, so every worker process shares them."""

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db


class RateLimitHit(db.Model):
    """How many hits a key (an action and a client address) made in one fixed window."""

    __tablename__ = "rate_limit_hits"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)
