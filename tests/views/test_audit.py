"""The audit log: staff actions as UTC JSON lines, with no personal data, passwords or codes."""

import json
from datetime import datetime

import pytest

from engage import audit
from engage.extensions import db
from engage.models import JudgeAppointment, ModerationStatus
from tests.conftest import (
    STAFF_PASSWORD,
    current_code,
    hidden_fields,
    make_staff,
    post_form,
    sign_in,
)
from tests.factories import make_consultation, make_wish
from tests.photo_factories import make_competition, make_criteria


def _lines(app):
    with open(app.config["AUDIT_LOG"], encoding="utf-8") as log:
        return [json.loads(line) for line in log]


def _raw(app):
    with open(app.config["AUDIT_LOG"], encoding="utf-8") as log:
        return log.read()


@pytest.fixture
def log(app):
    with open(app.config["AUDIT_LOG"], "w"):
        pass
    return lambda: _lines(app)


def _assert_no_personal_data(text, *secrets):
    for secret in secrets:
        assert secret not in text, secret


def test_sign_in_failures_and_sign_out_are_logged(app, client, log):
    user = make_staff("officer", email="olive.officer@example.org")
    page = client.get("/staff/sign-in")
    client.post(
        "/staff/sign-in",
        data={**hidden_fields(page.text), "email": user.email, "password": "wrong password 1"},
    )
    page = client.get("/staff/sign-in")
    client.post(
        "/staff/sign-in",
        data={**hidden_fields(page.text), "email": user.email, "password": STAFF_PASSWORD},
    )
    page = client.get("/staff/sign-in/code")
    client.post("/staff/sign-in/code", data={**hidden_fields(page.text), "code": "000000"})
    good = current_code(user)
    sign_in(client, user, good)
    page = client.get("/staff/queue")
    client.post("/staff/sign-out", data=hidden_fields(page.text))
    lines = log()
    assert [line["event"] for line in lines] == [
        "sign_in_failed",
        "sign_in_failed",
        "sign_in",
        "sign_out",
    ]
    assert lines[0] == {"at": lines[0]["at"], "event": "sign_in_failed", "stage": "password"}
    assert lines[1]["stage"] == "code" and lines[1]["actor"] == user.id
    assert lines[2]["role"] == "officer" and lines[3]["actor"] == user.id
    for line in lines:
        assert datetime.fromisoformat(line["at"]).utcoffset().total_seconds() == 0
    raw = _raw(app)
    _assert_no_personal_data(
        raw, user.email, "olive", "wrong password", STAFF_PASSWORD, good, "000000", "127.0.0.1"
    )


def test_decisions_are_logged_without_the_note(app, client, login_as, log):
    consultation = make_consultation(slug="derby")
    wishes = [
        make_wish(consultation, text=f"Call Jo on 07700 90012{n}", status=ModerationStatus.PENDING)
        for n in range(2)
    ]
    officer = login_as("officer")
    page = client.get("/staff/queue")
    client.post(
        "/staff/queue",
        data={
            **hidden_fields(page.text),
            "entry_ids": ",".join(str(w.id) for w in wishes),
            "action": "reject",
            "reason": "other",
            "note": "Jo Bloggs rang about this",
        },
    )
    decision = log()[-1]
    assert decision["event"] == "decision" and decision["actor"] == officer.id
    assert decision["entry_type"] == "wish" and decision["entry_ids"] == sorted(
        w.id for w in wishes
    )
    assert (decision["action"], decision["reason"], decision["count"]) == ("reject", "other", 2)
    raw = _raw(app)
    _assert_no_personal_data(raw, "Jo Bloggs", "07700")
    # An approval sent from a form whose reason list had a choice made has no reason.
    other = make_wish(consultation, text="More buses", status=ModerationStatus.PENDING)
    page = client.get("/staff/queue")
    data = {"entry_ids": str(other.id), "action": "approve", "reason": "personal_data"}
    client.post("/staff/queue", data={**hidden_fields(page.text), **data})
    approved = log()[-1]
    assert (approved["action"], approved["reason"]) == ("approve", None)


def test_user_changes_are_logged(app, client, login_as, log):
    admin = login_as("admin")
    page = client.get("/staff/admin/users")
    client.post(
        "/staff/admin/users",
        data={
            **hidden_fields(page.text),
            "name": "Jude Judge",
            "email": "jude@example.org",
            "role": "judge",
            "password": "a long enough passphrase",
        },
    )
    created = log()[-1]
    assert created["event"] == "user_created" and created["target_role"] == "judge"
    page = client.get("/staff/admin/users")
    client.post(
        f"/staff/admin/users/{created['target_user']}/disable", data=hidden_fields(page.text)
    )
    disabled = log()[-1]
    assert disabled["event"] == "user_disabled" and disabled["actor"] == admin.id
    page = client.get("/staff/admin/users")
    client.post(
        f"/staff/admin/users/{created['target_user']}/enable", data=hidden_fields(page.text)
    )
    assert log()[-1]["event"] == "user_enabled"
    page = client.get(f"/staff/admin/users/{created['target_user']}/reset")
    client.post(
        f"/staff/admin/users/{created['target_user']}/reset",
        data={**hidden_fields(page.text), "password": "another long passphrase"},
    )
    assert log()[-1]["event"] == "user_sign_in_reset"
    raw = _raw(app)
    _assert_no_personal_data(
        raw, "Jude", "jude@example.org", "a long enough passphrase", "another long passphrase"
    )


def test_criteria_and_judges_taken_off_a_competition_are_logged(app, client, login_as, log):
    competition = make_competition()
    impact = make_criteria(competition)[1]
    judge = make_staff("judge", email="bo.judge@example.org")
    judge.name = "Bo Judge"
    appointment = JudgeAppointment(competition=competition, user=judge)
    db.session.add(appointment)
    db.session.commit()
    ids = (competition.id, impact.id, appointment.id, judge.id)
    admin = login_as("admin")
    url = f"/staff/admin/competitions/{ids[0]}"
    for _ in range(2):  # the second is a removal sent again: nothing changes, nothing is logged
        post_form(client, url, f"{url}/criteria/{ids[1]}/remove", {})
        post_form(client, url, f"{url}/judges/{ids[2]}/remove", {})
    criterion, judged = log()[1:]  # after the admin's sign-in
    assert criterion == {
        "at": criterion["at"],
        "event": "criterion_removed",
        "actor": admin.id,
        "role": "admin",
        "competition": ids[0],
        "criterion": ids[1],
    }
    assert judged == {
        "at": judged["at"],
        "event": "judge_removed",
        "actor": admin.id,
        "role": "admin",
        "competition": ids[0],
        "appointment": ids[2],
        "target_user": ids[3],
        "target_role": "judge",
    }
    _assert_no_personal_data(_raw(app), "Impact", "Bo Judge", "bo.judge@example.org")


def test_staff_downloads_are_logged_as_exports(app, client, login_as, log):
    from tests.workspace_factories import make_consultation_with_wishes, run_analysis

    run = run_analysis(make_consultation_with_wishes(n=40))
    user = login_as("strategy")
    response = client.get(f"/staff/workspace/runs/{run.id}/themes.csv")
    assert response.status_code == 200
    export = log()[-1]
    assert export["event"] == "export" and export["actor"] == user.id
    assert export["endpoint"] == "workspace.themes_csv" and export["args"] == {"run_id": run.id}


def test_fields_that_could_hold_personal_data_are_refused(app):
    with pytest.raises(audit.AuditFieldError):
        audit.record("decision", note="free text")
    with pytest.raises(audit.AuditFieldError):
        audit.record("something_else")
