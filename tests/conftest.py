"""Fixtures: an app on a fresh schema (SQLite by default, PostgreSQL with ENGAGE_TEST_DB=postgres),
a client, and helpers for forms."""

import itertools
import os
import re
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import inspect, text

from config import TestConfig
from engage import create_app
from engage.extensions import db
from engage.mail import outbox
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
        upgrade(revision="heads")
        db.engine.dispose()
    return database_url


def _config(database_url, instance):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        UPLOAD_FOLDER = str(instance / "uploads")
        AUDIT_LOG = str(instance / "audit.log")
        MAIL_FOLDER = str(instance / "mail")

    return Config


class FreshContextClient(FlaskClient):
    """Each request in an app context of its own, as in production: the test's own context
    (held open by the `app` fixture) must not share `g` or the database session with it."""

    def open(self, *args, **kwargs):
        if has_app_context():
            # Save what the test set up and end its read snapshot, so the request sees the
            # test's data and the test then sees what the request saved (SQLite WAL, PostgreSQL).
            db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def _app(_schema, tmp_path_factory):
    # One app for the session: compiling the templates once keeps the suite fast.
    app = create_app(_config(_schema, tmp_path_factory.mktemp("instance")))
    app.test_client_class = FreshContextClient
    yield app
    with app.app_context():
        db.engine.dispose()  # close pooled connections before the server stops


@pytest.fixture
def app(_app):
    """The app in a context, on empty tables; config changes are undone afterwards."""
    saved = dict(_app.config)
    outbox(_app).clear()  # mail another test sent is not this test's
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
def csrf_app(app):
    """The app with CSRF protection on, as in production (most tests leave it off). A module
    whose forms must be sent with their tokens says ``pytestmark =
    pytest.mark.usefixtures("csrf_app")``."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


_HIDDEN_NAMES = (
    "csrf_token|form_token|held_photo|held_file|seen_at|seen-[0-9]+|seen|shown|version_id|"
    "theme_title|priority_title"
)
_HIDDEN = re.compile(rf'<input[^>]*name="({_HIDDEN_NAMES})"[^>]*value="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden fields of a rendered form (CSRF and form tokens, a kept photo's reference, an
    imported file's signed copy, what a queue page showed of each entry, what an edited
    priority said, which theme or priority a confirmation removes), as a browser would send
    them back."""
    return {name: value for name, value in _HIDDEN.findall(html)}


def post_form(client, page_url: str, url: str, data: dict):
    """Open the page a form is on and send the form to `url` with its hidden fields (tokens)
    and `data`, as a browser would."""
    page = client.get(page_url)
    return client.post(url, data={**hidden_fields(page.text), **data})


def post_multipart(client, url: str, fields: dict, file_field: str, filename: str, data: bytes):
    """POST a multipart body built in memory: werkzeug's builder spools a big body to a file
    that nothing closes. A list value sends the field once per item (a date's parts)."""
    boundary = "engage-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode()
        for name, value in fields.items()
        for item in (value if isinstance(value, list) else [value])
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    )
    parts.append(head.encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def payload_lines() -> list[str]:
    """Every hostile string of the public lists in tests/data/payloads/ (from ../shared)."""
    import json

    lines = [s for s in json.loads((PAYLOADS / "blns.json").read_text(encoding="utf-8")) if s]
    for path in sorted(PAYLOADS.glob("*.txt")):
        lines += [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    return lines


STAFF_PASSWORD = "correct horse battery staple"
_STAFF_NUMBERS = itertools.count(1)  # unique addresses (an id() is reused once freed)


def make_staff(role="officer", email=None, enrolled=True):
    """A staff account with a known password and, if enrolled, an authenticator secret."""
    import pyotp

    from engage.models import Role
    from engage.services.auth import create_user

    user = create_user(
        email or f"{role}-n{next(_STAFF_NUMBERS)}@example.org",
        role.title(),
        Role(role),
        STAFF_PASSWORD,
    )
    if enrolled:
        user.totp_secret = pyotp.random_base32()
    db.session.commit()
    return user


def current_code(user, offset=0):
    import pyotp

    from engage.models._types import utcnow

    totp = pyotp.TOTP(user.totp_secret)
    return totp.generate_otp(totp.timecode(utcnow()) + offset)


def sign_in(client, user, code=None, email=None):
    """Sign in through the real pages: password, then the current code (the account's email,
    or `email` as typed)."""
    page = client.get("/staff/sign-in")
    client.post(
        "/staff/sign-in",
        data={**hidden_fields(page.text), "email": email or user.email, "password": STAFF_PASSWORD},
    )
    page = client.get("/staff/sign-in/code")
    return client.post(
        "/staff/sign-in/code", data={**hidden_fields(page.text), "code": code or current_code(user)}
    )


@pytest.fixture
def login_as(app, client):
    """login_as("officer") signs the test client in as a new member of staff with that role."""

    def login(role="officer"):
        user = make_staff(role)
        response = sign_in(client, user)
        assert response.status_code == 303, response.text
        return user

    return login


@pytest.fixture
def team(client):
    """A member of the strategy team, signed in on the test client."""
    user = make_staff("strategy")
    sign_in(client, user)
    return user
