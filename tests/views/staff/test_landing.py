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
