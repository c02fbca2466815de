"""After signing in, each role lands on a page it may use; a page asked for comes first."""

import pytest

from tests.conftest import STAFF_PASSWORD, current_code, hidden_fields, make_staff, sign_in


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("officer", "/staff/queue"),
        ("admin", "/staff/queue"),
        ("judge", "/staff/judging/"),
        ("strategy", "/staff/workspace/"),
    ],
)
def test_each_role_lands_where_it_may_go(app, client, role, landing):
    if role == "strategy" and "workspace.index" not in app.view_functions:
        landing = "/staff/"
    response = sign_in(client, make_staff(role))
    assert response.status_code == 303 and response.location == landing
    assert client.get(landing).status_code == 200


def test_strategy_lands_on_the_staff_home_without_the_workspace(app, client, monkeypatch):
    monkeypatch.delitem(app.view_functions, "workspace.index", raising=False)
    response = sign_in(client, make_staff("strategy"))
    assert response.location == "/staff/"
    home = client.get("/staff/")
    assert home.status_code == 200 and "Strategy team" in home.text
    assert "Moderation queue" not in home.text


def test_the_page_asked_for_comes_first(app, client):
    user = make_staff("judge")
    page = client.get("/staff/sign-in?next=/staff/judging/")
    client.post(
        "/staff/sign-in?next=/staff/judging/",
        data={**hidden_fields(page.text), "email": user.email, "password": STAFF_PASSWORD},
    )
    page = client.get("/staff/sign-in/code")
    done = client.post(
        "/staff/sign-in/code", data={**hidden_fields(page.text), "code": current_code(user)}
    )
    assert done.location == "/staff/judging/"


def test_staff_home_needs_sign_in(client, app):
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/sign-in" in response.location


def test_a_post_after_a_minute_idle_does_not_wait_for_its_own_lock(app, client, login_as):
    """The idle clock is touched inside a POST's own transaction, not by a second connection
    that would wait on SQLite's write lock until the busy timeout."""
    import time
    from datetime import timedelta

    from engage.extensions import db
    from engage.models import StaffSession
    from engage.models._types import utcnow

    user = login_as("admin")
    page = client.get("/staff/admin/users")
    staff_session = db.session.query(StaffSession).filter_by(user_id=user.id).one()
    staff_session.last_seen_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    started = time.monotonic()
    fields = {"name": "New Officer", "email": "new@example.org", "role": "officer"}
    response = client.post(
        "/staff/admin/users",
        data={**hidden_fields(page.text), **fields, "password": "a long passphrase here"},
    )
    assert response.status_code == 303 and time.monotonic() - started < 5
    db.session.expire_all()
    assert utcnow() - db.session.get(StaffSession, staff_session.token).last_seen_at < timedelta(
        minutes=1
    )
