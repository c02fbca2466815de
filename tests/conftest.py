"""Fixtures: an app on a fresh schema (SQLite by default, PostgreSQL with ENGAGE_TEST_DB=postgres),
a client, and helpers for forms."""

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from config import TestConfig
from engage import create_app
from engage.extensions import db
from tests.postgres import PostgresServer

PAYLOADS = Path(__file__).parent / "data" / "payloads"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The test database: a SQLite file, or a throwaway PostgreSQL server."""
    if url := os.environ.get("TEST_DATABASE_URL"):
        yield url
    elif os.environ.get("ENGAGE_TEST_DB") == "postgres":
        server = PostgresServer()
        try:
            yield server.start()
        finally:
            server.stop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'engage.sqlite'}"


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    """Build the schema once, through the migrations, as production does."""
    from flask_migrate import upgrade

    app = create_app(_config(database_url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def _config(database_url, instance):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        UPLOAD_FOLDER = str(instance / "uploads")

    return Config


@pytest.fixture(scope="session")
def _app(_schema, tmp_path_factory):
    # One app for the session: compiling the templates once keeps the suite fast.
    return create_app(_config(_schema, tmp_path_factory.mktemp("instance")))


@pytest.fixture
def app(_app):
    """The app in a context, on empty tables; config changes are undone afterwards."""
    saved = dict(_app.config)
    with _app.app_context():
        yield _app
        db.session.remove()
        _empty_tables()
    _app.config.clear()
    _app.config.update(saved)


def _empty_tables():
    tables = [
        t for t in reversed(db.metadata.sorted_tables) if inspect(db.engine).has_table(t.name)
    ]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


_HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|form_token)"[^>]*value="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    """The CSRF and form tokens of a rendered form, as a browser would send them back."""
    return {name: value for name, value in _HIDDEN.findall(html)}


def payload_lines() -> list[str]:
    """Every hostile string of the public lists in tests/data/payloads/ (from ../shared)."""
    import json

    lines = [s for s in json.loads((PAYLOADS / "blns.json").read_text(encoding="utf-8")) if s]
    for path in sorted(PAYLOADS.glob("*.txt")):
        lines += [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    return lines
