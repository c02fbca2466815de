"""Security headers on every response of every rule in app.url_map, for visitors and for staff,
error pages included; cookie flags; no debugger or stack trace in production."""

import re

import pytest

from config import ProductionConfig
from engage.extensions import db
from tests.conftest import hidden_fields
from tests.factories import make_consultation, make_wish
from tests.photo_factories import make_competition, make_photo_entry
from tests.strategy_factories import make_comment, make_strategy

NONCE = re.compile(r"'nonce-[\w-]{16,}'")


@pytest.fixture
def seeded(app):
    """One of each thing the URLs name, so most rules reach their real page."""
    consultation = make_consultation(slug="derby")
    wish = make_wish(consultation)
    strategy = make_strategy(consultation)
    priority = strategy.versions[0].priorities[0]
    comment = make_comment(priority)
    competition = make_competition(consultation, slug="photos")
    entry = make_photo_entry(competition)
    db.session.commit()
    ints = {
        "wish_id": wish.id,
        "priority_id": priority.id,
        "comment_id": comment.id,
        "entry_id": entry.id,
        "competition_id": competition.id,
        "strategy_id": strategy.id,
        "number": 1,
    }
    return {"slug": "derby", "ints": ints, "competition_slug": "photos"}


def _urls(app, seeded):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {}
        for arg in rule.arguments:
            converter = type(rule._converters[arg]).__name__
            if converter == "IntegerConverter":
                values[arg] = seeded["ints"].get(arg, 1)
            elif converter == "AnyConverter":
                values[arg] = sorted(rule._converters[arg].items)[0]
            elif arg == "slug" and ("competition" in rule.endpoint or "photo" in rule.endpoint):
                values[arg] = seeded["competition_slug"]
            else:
                values[arg] = seeded["slug"] if arg == "slug" else "a-theme"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, rule.build(values)[1]


def check_headers(response, path):
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp, (path, csp)
    if response.mimetype == "text/html":
        assert NONCE.search(csp), (path, csp)
    assert response.headers.get("Strict-Transport-Security", "").startswith("max-age="), path
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert response.headers.get("Referrer-Policy"), path
    if path.startswith("/staff"):
        assert "no-store" in response.headers.get("Cache-Control", ""), path
    if response.mimetype.startswith("text/"):
        assert "Traceback" not in response.get_data(as_text=True)


def _walk(client, app, seeded, token):
    seen, found = 0, 0
    for rule, method, path in _urls(app, seeded):
        data = {"csrf_token": token} if method == "POST" else None
        response = client.open(path, method=method, data=data)
        assert response.status_code < 500, (rule.endpoint, method, path)
        check_headers(response, path)
        response.close()
        seen += 1
        found += response.status_code != 404
    assert found > seen * 0.6, (found, seen)  # most rules reached a real page
    return seen


def test_every_rule_for_a_visitor(app, client, seeded):
    token = hidden_fields(client.get("/consultations/derby/wishes/new").text)["csrf_token"]
    assert _walk(client, app, seeded, token) > 80


@pytest.mark.parametrize("role", ["admin", "judge"])
def test_every_rule_for_staff(app, client, seeded, login_as, role):
    login_as(role)
    token = hidden_fields(client.get("/staff/").text).get("csrf_token")
    token = token or hidden_fields(client.get("/staff/sign-in").text)["csrf_token"]
    assert _walk(client, app, seeded, token) > 80


@pytest.mark.parametrize(
    ("path", "method", "status"),
    [
        ("/no-such-page", "GET", 404),
        ("/staff/no-such-page", "GET", 404),
        ("/", "POST", 405),
        ("/consultations/derby/wishes/new", "POST", 400),  # no CSRF token
    ],
)
def test_error_pages_carry_the_headers(app, client, seeded, path, method, status):
    response = client.open(path, method=method)
    assert response.status_code == status
    check_headers(response, path)


def test_unexpected_error_is_generic_with_the_headers(app, client, seeded, monkeypatch):
    def broken():
        raise RuntimeError("secret internals: SELECT * FROM users")

    app.config["PROPAGATE_UNEXPECTED"] = False
    monkeypatch.setitem(app.view_functions, "public.index", broken)
    response = client.get("/")
    assert response.status_code == 500
    check_headers(response, "/")
    assert "secret internals" not in response.text and "RuntimeError" not in response.text


def test_cookies_are_secure_httponly_and_samesite(app, client, seeded):
    app.config["SESSION_COOKIE_SECURE"] = True
    https = {"base_url": "https://localhost"}
    page = client.get("/consultations/derby/wishes/new", **https)
    cookies = page.headers.getlist("Set-Cookie")
    entry = seeded["ints"]["entry_id"]
    vote = client.post(
        f"/competitions/photos/photos/{entry}/vote",
        data=hidden_fields(page.text),
        headers={"Referer": "https://localhost/competitions/photos"},
        **https,
    )
    assert vote.status_code == 303, vote.text
    cookies += vote.headers.getlist("Set-Cookie")
    assert len(cookies) >= 2
    for cookie in cookies:
        flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
        assert {"secure", "httponly", "samesite"} <= flags, cookie
        assert "samesite=none" not in cookie.lower()


def test_production_has_no_debugger_and_secure_cookies(app, database_url):
    from engage import create_app

    class Production(ProductionConfig):
        SECRET_KEY = "a-production-secret-for-this-test"
        SQLALCHEMY_DATABASE_URI = database_url

    production = create_app(Production)
    assert production.debug is False and not production.config.get("TESTING")
    assert (
        production.config["SESSION_COOKIE_SECURE"] and production.config["SESSION_COOKIE_HTTPONLY"]
    )
    assert production.config["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")

    class NoSecret(ProductionConfig):
        SECRET_KEY = None

    with pytest.raises(RuntimeError):
        create_app(NoSecret)
    with production.app_context():
        db.engine.dispose()
