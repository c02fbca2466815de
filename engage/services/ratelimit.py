"""Fixed-window rate limits counted in the database.

Counters live in a table rather than in process memory, so the limit holds across every worker
process and app server that shares the database. One atomic upsert counts a hit and returns the
new count, on SQLite and PostgreSQL alike.
"""

import math
import time

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from engage.errors import RateLimited
from engage.extensions import db
from engage.models import RateLimitHit

_DIALECT_INSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def hit(key: str, limit: int, window: int, now: float | None = None) -> None:
    """Count one hit for key; raise RateLimited if it is over `limit` in this window."""
    if limit <= 0:
        return
    now = time.time() if now is None else now
    window_start = int(now // window) * window
    hits = _upsert(key, window, now)
    if hits > limit:
        retry_after = max(1, math.ceil(window_start + window - now))
        raise RateLimited(
            # Failed attempts count too (they cost as much to check), so the message speaks of
            # attempts, which is true whether or not anything was sent.
            "There have been too many attempts to send from this connection in a short time. "
            f"Please try again in {_minutes(retry_after)}.",
            retry_after=retry_after,
        )


def count(key: str, window: int, now: float | None = None) -> int:
    """Hits recorded for key in the current window (for limits on failures only)."""
    now = time.time() if now is None else now
    window_start = int(now // window) * window
    hits = db.session.scalar(
        select(RateLimitHit.hits).where(
            RateLimitHit.key == key, RateLimitHit.window_start == window_start
        )
    )
    return hits or 0


def record(key: str, window: int, now: float | None = None) -> int:
    """Record one hit for key without a limit (e.g. a failed sign-in); returns the new count."""
    return _upsert(key, window, time.time() if now is None else now)


def prune(before: float) -> int:
    """Delete counters of windows that started before `before`; returns how many."""
    result = db.session.execute(delete(RateLimitHit).where(RateLimitHit.window_start < before))
    return result.rowcount


def _upsert(key: str, window: int, now: float) -> int:
    """Count a hit atomically and return the window's new total."""
    window_start = int(now // window) * window
    insert = _DIALECT_INSERT[db.session.get_bind().dialect.name]
    statement = (
        insert(RateLimitHit)
        .values(key=key, window_start=window_start, hits=1)
        .on_conflict_do_update(
            index_elements=["key", "window_start"],
            set_={"hits": RateLimitHit.hits + 1},
        )
        .returning(RateLimitHit.hits)
    )
    return db.session.execute(statement).scalar_one()


def _minutes(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
