"""Staff sign-in: password, authenticator code, throttling, timeouts and server-side sign-out."""

import re
from datetime import timedelta

import pyotp
import pytest

from engage.errors import EngageError
from engage.extensions import db
from engage.models import Role, StaffSession
from engage.models._types import utcnow
from engage.services.auth import create_user
from tests.conftest import STAFF_PASSWORD, current_code, hidden_fields, make_staff, sign_in


def test_first_sign_in_enrols_the_authenticator(client, app):
    user = make_staff("officer", enrolled=False)
    page = client.get("/staff/sign-in")
    response = client.post(
        "/staff/sign-in",
        data={**hidden_fields(page.text), "email": user.email.upper(), "password": STAFF_PASSWORD},
    )
    assert response.location.endswith("/staff/sign-in/set-up")
    enrol = client.get(response.location)
    assert "<svg" in enrol.text and "QR code for your authenticator app" in enrol.text
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', enrol.text).group(1).replace(" ", "")
    code = pyotp.TOTP(secret).now()
    done = client.post(response.location, data={**hidden_fields(enrol.text), "code": code})
    assert done.status_code == 303 and done.location.endswith("/staff/queue")
    db.session.rollback()  # end this test's read snapshot to see what the request saved
    db.session.refresh(user)
    assert user.totp_secret == secret
    assert client.get("/staff/queue").status_code == 200


def test_an_email_beyond_ascii_signs_in_whatever_its_case(client, app):
    user = make_staff("officer", email="Zoë.Ørsted@example.org")
    assert user.email == "zoë.ørsted@example.org"
    assert sign_in(client, user, email="ZOË.ØRSTED@EXAMPLE.ORG").status_code == 303
    assert client.get("/staff/queue").status_code == 200


def test_wrong_password_then_throttled(client, app):
    user = make_staff("officer")
    for _ in range(5):
        page = client.get("/staff/sign-in")
        wrong = client.post(
            "/staff/sign-in",
            data={**hidden_fields(page.text), "email": user.email, "password": "not the password"},
        )
        assert wrong.status_code == 400
        assert "Enter a correct email address and password" in wrong.text
        assert "not the password" not in wrong.text
    page = client.get("/staff/sign-in")
    right = client.post(
        "/staff/sign-in",
        data={**hidden_fields(page.text), "email": user.email, "password": STAFF_PASSWORD},
    )
    assert right.status_code == 429 and "Too many failed attempts" in right.text


def test_unknown_email_gets_the_same_message(client, app):
    page = client.get("/staff/sign-in")
    response = client.post(
        "/staff/sign-in",
        data={**hidden_fields(page.text), "email": "nobody@example.org", "password": "whatever1"},
    )
    assert (
        response.status_code == 400
        and "Enter a correct email address and password" in response.text
    )


def test_code_is_needed_and_cannot_be_replayed_or_stale(app):
    user = make_staff("officer")
    first, second = app.test_client(), app.test_client()
    code = current_code(user)
    assert sign_in(first, user, code).status_code == 303
    replay = sign_in(second, user, code)
    assert replay.status_code == 400 and "Enter the current 6-digit code" in replay.text
    stale = sign_in(second, user, current_code(user, offset=-4))
    assert stale.status_code == 400
    assert second.get("/staff/queue").status_code == 302


def test_a_wrong_code_is_shown_on_its_field_and_the_summary_links_to_it(app):
    """A screen reader user on the code field hears that the code was wrong (WCAG 3.3.1)."""
    user = make_staff("officer")
    page = sign_in(app.test_client(), user, code="000000")
    assert page.status_code == 400
    assert page.text.startswith("<!DOCTYPE html>") and "<title>Error: " in page.text
    assert '<a href="#code">Enter the current 6-digit code' in page.text
    assert 'id="code-error"' in page.text
    field = re.search(r"<input[^>]*id=\"code\"[^>]*>", page.text).group(0)
    assert 'aria-describedby="code-hint code-error"' in field
    assert 'autocomplete="one-time-code"' in field and 'inputmode="numeric"' in field


def test_password_alone_does_not_sign_in(client, app):
    user = make_staff("officer")
    page = client.get("/staff/sign-in")
    client.post(
        "/staff/sign-in",
        data={**hidden_fields(page.text), "email": user.email, "password": STAFF_PASSWORD},
    )
    assert client.get("/staff/queue").status_code == 302


def test_sign_out_ends_the_session_on_the_server(app, client, login_as):
    login_as("officer")
    stolen = client.get_cookie("session").value
    page = client.get("/staff/queue")
    client.post("/staff/sign-out", data=hidden_fields(page.text))
    other = app.test_client()
    other.set_cookie("session", stolen)
    assert other.get("/staff/queue").status_code == 302
    assert db.session.query(StaffSession).one().ended_at is not None


def test_disabling_an_account_ends_its_sessions(app, client, login_as):
    officer = login_as("officer")
    admin_client = app.test_client()
    admin = make_staff("admin")
    sign_in(admin_client, admin)
    page = admin_client.get("/staff/admin/users")
    assert officer.email in page.text
    admin_client.post(f"/staff/admin/users/{officer.id}/disable", data=hidden_fields(page.text))
    assert client.get("/staff/queue").status_code == 302


@pytest.mark.parametrize(
    "field,age",
    [("last_seen_at", timedelta(minutes=31)), ("created_at", timedelta(hours=12, minutes=1))],
)
def test_sessions_time_out(app, client, login_as, field, age):
    login_as("officer")
    assert client.get("/staff/queue").status_code == 200
    staff_session = db.session.query(StaffSession).one()
    setattr(staff_session, field, utcnow() - age)
    if field == "created_at":
        staff_session.last_seen_at = utcnow()
    db.session.commit()
    assert client.get("/staff/queue").status_code == 302


def test_a_form_sent_after_the_session_ended_says_so_and_returns_to_its_page(app, client, login_as):
    from engage.models import ModerationStatus
    from tests.factories import make_wish

    user = login_as("officer")
    wish = make_wish(text="More buses", status=ModerationStatus.PENDING)
    db.session.commit()
    queue = client.get("/staff/queue?status=pending")
    staff_session = db.session.query(StaffSession).one()
    staff_session.last_seen_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    sent = client.post(
        "/staff/queue",
        data={
            **hidden_fields(queue.text),
            "entry_ids": str(wish.id),
            "action": "reject",
            "reason": "other",
            "note": "Duplicate of a card",
        },  # fmt: skip
        headers={"Referer": "http://localhost/staff/queue?status=pending"},
    )
    assert sent.status_code == 302
    assert "next=/staff/queue?status%3Dpending" in sent.location.replace("%2F", "/")
    page = client.get(sent.location).text
    assert "Your session has ended" in page and "What you were sending was not saved" in page
    assert "govuk-notification-banner--success" not in page
    client.post(sent.location, data={**hidden_fields(page), "email": user.email,
                                     "password": STAFF_PASSWORD})  # fmt: skip
    code = client.get("/staff/sign-in/code")
    done = client.post(
        "/staff/sign-in/code", data={**hidden_fields(code.text), "code": current_code(user, 1)}
    )
    assert done.location == "/staff/queue?status=pending"  # a page that opens, not the POST
    assert client.get(done.location).status_code == 200
    # A plain sign-out leaves no such message.
    client.post("/staff/sign-out", data=hidden_fields(client.get("/staff/queue").text))
    assert "Your session has ended" not in client.get("/staff/sign-in").text


def test_activity_keeps_the_session_alive(app, client, login_as):
    login_as("officer")
    staff_session = db.session.query(StaffSession).one()
    staff_session.last_seen_at = utcnow() - timedelta(minutes=29)
    db.session.commit()
    assert client.get("/staff/queue").status_code == 200
    db.session.rollback()  # a fresh snapshot
    assert utcnow() - db.session.query(StaffSession).one().last_seen_at < timedelta(minutes=1)


def test_stay_signed_in_keeps_the_session_and_the_warning_is_on_staff_pages(app, client, login_as):
    assert client.get("/staff/session").status_code == 401
    login_as("officer")
    assert 'id="session-timeout"' in client.get("/staff/queue").text
    staff_session = db.session.query(StaffSession).one()
    staff_session.last_seen_at = utcnow() - timedelta(minutes=28)
    db.session.commit()
    kept = client.get("/staff/session")
    assert kept.status_code == 204 and kept.headers["Cache-Control"] == "no-store"
    db.session.rollback()  # a fresh snapshot
    assert utcnow() - db.session.query(StaffSession).one().last_seen_at < timedelta(minutes=1)


@pytest.mark.parametrize(
    "password,ok",
    [
        ("short7!", False),
        ("password", False),
        ("Password1", False),
        ("qwerty123", False),
        ("correct horse battery staple", True),
        ("a" * 9 + "Zq", True),
        ("x" * 256, True),
        ("x" * 257, False),
    ],
)
def test_password_rules(app, password, ok):
    if ok:
        create_user(f"{len(password)}@example.org", "Someone", Role.OFFICER, password)
    else:
        with pytest.raises(EngageError):
            create_user("someone@example.org", "Someone", Role.OFFICER, password)


def test_next_page_is_kept_but_only_on_this_site(client, app):
    user = make_staff("officer")
    assert client.get("/staff/decisions").location.startswith("/staff/sign-in?next=")
    page = client.get("/staff/sign-in?next=//evil.example/")
    client.post(
        "/staff/sign-in?next=//evil.example/",
        data={**hidden_fields(page.text), "email": user.email, "password": STAFF_PASSWORD},
    )
    page = client.get("/staff/sign-in/code")
    done = client.post(
        "/staff/sign-in/code", data={**hidden_fields(page.text), "code": current_code(user)}
    )
    assert done.location.endswith("/staff/queue")
