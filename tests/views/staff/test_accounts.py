"""Staff accounts through the admin's pages: a disabled account enabled again, and a sign-in
reset for a forgotten password or a lost phone."""

import json
import re

from engage.admin import routes as account_views
from engage.extensions import db
from engage.models import StaffSession, User
from tests.at_once import send_at_once
from tests.conftest import STAFF_PASSWORD, current_code, hidden_fields, make_staff, sign_in

NEW_PASSWORD = "a new long passphrase for spring"


def _admin_client(app):
    admin_client = app.test_client()
    sign_in(admin_client, make_staff("admin"))
    return admin_client


def test_a_disabled_account_can_be_enabled_again(app, client, login_as):
    officer = login_as("officer")
    admin = _admin_client(app)
    page = admin.get("/staff/admin/users")
    admin.post(f"/staff/admin/users/{officer.id}/disable", data=hidden_fields(page.text))
    page = admin.get("/staff/admin/users").text
    assert f'action="/staff/admin/users/{officer.id}/enable"' in page
    assert client.get("/staff/queue").status_code == 302  # its session ended
    response = admin.post(f"/staff/admin/users/{officer.id}/enable", data=hidden_fields(page))
    assert response.status_code == 303
    assert "can sign in again" in admin.get(response.location).text
    db.session.expire_all()
    assert db.session.get(User, officer.id).active
    assert sign_in(app.test_client(), officer, current_code(officer, 1)).status_code == 303


def test_a_sign_in_reset_sets_a_new_password_and_a_new_authenticator(app, client, login_as):
    officer = login_as("officer")
    admin = _admin_client(app)
    url = f"/staff/admin/users/{officer.id}/reset"
    form = admin.get(url)
    assert form.status_code == 200 and officer.email in form.text
    weak = admin.post(url, data={**hidden_fields(form.text), "password": "password"})
    assert weak.status_code == 400 and "<title>Error: " in weak.text
    done = admin.post(url, data={**hidden_fields(form.text), "password": NEW_PASSWORD})
    assert done.status_code == 303
    assert "sign-in: they are signed out everywhere" in admin.get(done.location).text
    assert client.get("/staff/queue").status_code == 302  # signed out everywhere
    db.session.expire_all()
    assert db.session.get(User, officer.id).totp_secret is None
    assert all(s.ended_at for s in db.session.query(StaffSession).filter_by(user_id=officer.id))

    fresh = app.test_client()
    page = fresh.get("/staff/sign-in")
    old = fresh.post("/staff/sign-in", data={**hidden_fields(page.text), "email": officer.email,
                                             "password": STAFF_PASSWORD})  # fmt: skip
    assert old.status_code == 400  # the old password no longer works
    page = fresh.get("/staff/sign-in")
    new = fresh.post("/staff/sign-in", data={**hidden_fields(page.text), "email": officer.email,
                                             "password": NEW_PASSWORD})  # fmt: skip
    assert new.status_code == 303 and new.location.endswith("/staff/sign-in/set-up")


def test_admins_cannot_disable_or_reset_their_own_account(app, client):
    admin = make_staff("admin")
    sign_in(client, admin)
    page = client.get("/staff/admin/users").text
    assert not re.search(rf"/staff/admin/users/{admin.id}/(disable|reset|enable)", page)
    assert client.get(f"/staff/admin/users/{admin.id}/reset").status_code == 400
    assert client.post(f"/staff/admin/users/{admin.id}/enable",
                       data=hidden_fields(page)).status_code == 400  # fmt: skip


def test_only_admins_reach_the_account_pages(app, client, login_as):
    officer = login_as("officer")
    assert client.get(f"/staff/admin/users/{officer.id}/reset").status_code == 403
    page = client.get("/staff/queue").text
    enable = client.post(f"/staff/admin/users/{officer.id}/enable", data=hidden_fields(page))
    assert enable.status_code == 403


def test_a_new_account_needs_a_name_that_is_more_than_spaces(app):
    admin = _admin_client(app)
    url = "/staff/admin/users"
    details = {"email": "sam@example.org", "role": "officer", "password": NEW_PASSWORD}
    blank = admin.post(url, data={**hidden_fields(admin.get(url).text), **details,
                                  "name": " \u200b\t "})  # fmt: skip
    assert blank.status_code == 400 and "<title>Error: " in blank.text
    assert 'href="#name">Enter their name' in blank.text
    assert db.session.query(User).filter_by(email="sam@example.org").count() == 0
    # A control character pasted with the name (PostgreSQL would refuse a NUL) is dropped.
    added = admin.post(url, data={**hidden_fields(admin.get(url).text), **details,
                                  "name": "Sam\x00 Jones\x07"})  # fmt: skip
    assert added.status_code == 303
    assert "Added Sam Jones (" in admin.get(added.location).text
    assert db.session.query(User).filter_by(email="sam@example.org").one().name == "Sam Jones"


def test_disabling_an_account_asks_first(app, client, login_as):
    officer = login_as("officer")
    admin = _admin_client(app)
    url = f"/staff/admin/users/{officer.id}/disable"
    assert f'href="{url}">Disable' in admin.get("/staff/admin/users").text
    page = admin.get(url)
    assert page.status_code == 200
    assert f"Disable {officer.name}'s account?" in page.text
    assert "They are signed out everywhere at once" in page.text
    assert 'href="/staff/admin/users">Cancel, keep it' in page.text
    assert client.get("/staff/queue").status_code == 200  # asking signs nobody out
    done = admin.post(url, data=hidden_fields(page.text))
    assert done.status_code == 303
    assert (
        f"Disabled {officer.name}: they are signed out everywhere" in admin.get(done.location).text
    )
    assert client.get("/staff/queue").status_code == 302
    assert "The account is disabled already" in admin.get(url).text


def _disabled_events(app, user):
    with open(app.config["AUDIT_LOG"], encoding="utf-8") as log:
        lines = [json.loads(line) for line in log]
    return [x for x in lines if x["event"] == "user_disabled" and x["target_user"] == user.id]


def _empty_audit_log(app):
    with open(app.config["AUDIT_LOG"], "w"):
        pass


def test_disabling_confirmed_twice_says_the_account_was_disabled_already(app):
    _empty_audit_log(app)
    officer = make_staff("officer")
    admin = _admin_client(app)
    url = f"/staff/admin/users/{officer.id}/disable"
    form = hidden_fields(admin.get(url).text)
    done = admin.post(url, data=form)
    assert "they are signed out everywhere" in admin.get(done.location).text
    again = admin.post(url, data=form)  # a double click sends the same form
    assert again.status_code == 303 and again.location == "/staff/admin/users"
    page = admin.get(again.location).text
    assert f"{officer.name}&#39;s account was disabled already" in page
    assert "they are signed out everywhere" not in page
    assert len(_disabled_events(app, officer)) == 1  # the log says it was done once


def test_disabling_confirmed_twice_at_once_disables_once(app, monkeypatch):
    _empty_audit_log(app)
    officer = make_staff("officer")
    admins = [_admin_client(app), _admin_client(app)]
    url = f"/staff/admin/users/{officer.id}/disable"
    forms = [hidden_fields(each.get(url).text) for each in admins]
    sends = [lambda i=i: admins[i].post(url, data=forms[i]) for i in (0, 1)]
    answers = send_at_once(monkeypatch, account_views, "disable_user", sends)
    assert [a.status_code for a in answers] == [303, 303]
    told = [admins[i].get(answers[i].location).text for i in (0, 1)]
    assert sum(f"Disabled {officer.name}: they are signed out" in t for t in told) == 1
    assert sum(f"{officer.name}&#39;s account was disabled already" in t for t in told) == 1
    assert len(_disabled_events(app, officer)) == 1
    db.session.rollback()  # end this test's own read, to see what the two requests left
    assert not db.session.get(User, officer.id).active


def _password_step(client, user):
    page = client.get("/staff/sign-in")
    sent = client.post("/staff/sign-in", data={**hidden_fields(page.text), "email": user.email,
                                               "password": STAFF_PASSWORD})  # fmt: skip
    assert sent.status_code == 303


def test_a_reset_ends_a_sign_in_half_done_with_the_old_password(app, client):
    officer = make_staff("officer")
    _password_step(client, officer)  # someone with the old password, before the reset
    admin = _admin_client(app)
    url = f"/staff/admin/users/{officer.id}/reset"
    page = admin.get(url)
    admin.post(url, data={**hidden_fields(page.text), "password": NEW_PASSWORD})
    # The old password must not let them set up an authenticator of their own.
    assert client.get("/staff/sign-in/set-up").status_code == 302
    page = client.get("/staff/sign-in/code")
    assert page.status_code == 302 and page.location.endswith("/staff/sign-in")


def test_a_disabled_account_cannot_finish_a_sign_in_begun_before(app, client):
    officer = make_staff("officer")
    _password_step(client, officer)
    code_page = client.get("/staff/sign-in/code")
    assert code_page.status_code == 200
    admin = _admin_client(app)
    page = admin.get(f"/staff/admin/users/{officer.id}/disable")
    admin.post(f"/staff/admin/users/{officer.id}/disable", data=hidden_fields(page.text))
    sent = client.post("/staff/sign-in/code", data={**hidden_fields(code_page.text),
                                                    "code": current_code(officer)})  # fmt: skip
    assert sent.status_code == 302 and sent.location.endswith("/staff/sign-in")
    assert db.session.query(StaffSession).filter_by(user_id=officer.id).count() == 0


def test_an_account_sent_twice_is_added_once(app):
    admin = _admin_client(app)
    url = "/staff/admin/users"
    form = {**hidden_fields(admin.get(url).text), "name": "Sam Jones", "role": "officer",
            "email": "sam@example.org", "password": NEW_PASSWORD}  # fmt: skip
    assert admin.post(url, data=form).status_code == 303
    again = admin.post(url, data=form)  # a double click sends the same form
    assert again.status_code == 303
    assert "Sam Jones has an account already (Officer)" in admin.get(again.location).text
    assert db.session.query(User).filter_by(email="sam@example.org").count() == 1
    other = admin.post(url, data={**form, "name": "Sam Smith"})  # someone else, same address
    assert other.status_code == 400 and "There is already an account for sam" in other.text
