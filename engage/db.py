"""Engine set-up: SQLite tuned for several writer processes; a no-op elsewhere.

SQLite's default deferred transactions take the write lock only at the first write, so a
read-then-write transaction fails with "database is locked" when another process writes in
between. Write requests therefore start their transaction with BEGIN IMMEDIATE, which waits
(busy_timeout) for the lock instead of failing.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

_write_intent: ContextVar[bool] = ContextVar("engage_write_intent", default=False)

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=10000",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)


def set_write_intent(value: bool):
    """Mark the current context's transactions as writes; returns a token for reset."""
    return _write_intent.set(value)


def reset_write_intent(token) -> None:
    _write_intent.reset(token)


def has_write_intent() -> bool:
    """Whether this context's transactions begin IMMEDIATE (a POST, a CLI command, a job)."""
    return _write_intent.get()


@contextmanager
def write_transactions():
    """Within this block, SQLite transactions begin IMMEDIATE (CLI commands, jobs)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def configure_engine(engine: Engine) -> None:
    """Install the SQLite pragmas and transaction mode on an engine."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event, not the sqlite3 module, open transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")
