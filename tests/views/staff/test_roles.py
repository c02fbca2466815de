"""The role matrix: every staff endpoint in app.url_map refuses anonymous visitors, residents
(visitors with a session from sending wishes) and the wrong roles."""

import pytest

from engage.models import Role
from tests.conftest import hidden_fields, make_staff, sign_in

STAFF_BLUEPRINTS = {
    "moderation": {Role.OFFICER},
    "admin": set(),
    "judging": {Role.JUDGE},
    "workspace": {Role.STRATEGY},
    "reports": {Role.STRATEGY},
}


def _staff_rules(app):
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0]
        if blueprint in STAFF_BLUEPRINTS:
            yield rule, STAFF_BLUEPRINTS[blueprint]


def _url(rule) -> str:
    values = {}
    for arg in rule.arguments:
        converter = rule._converters[arg]
        kind = type(converter).__name__
        if kind == "IntegerConverter":
            values[arg] = 1
        elif kind == "AnyConverter":
            values[arg] = sorted(converter.items)[0]
        else:
            values[arg] = "a" * 64
    return rule.build(values)[1]


def _requests(client, app):
    token = hidden_fields(client.get("/staff/sign-in").text).get("csrf_token", "")
    for rule, roles in _staff_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method == "POST" else None
            yield rule, roles, method, client.open(_url(rule), method=method, data=data)


def test_there_are_staff_endpoints(app):
    endpoints = {rule.endpoint for rule, _roles in _staff_rules(app)}
    assert len(endpoints) >= 10
    # The queues and pages of every kind of entry, the admin's builders and the judges' pages.
    for endpoint in (
        "moderation.comment_queue",
        "moderation.decide_comment_entries",
        "moderation.photo_queue",
        "moderation.staff_photo_image",
        "admin.strategies",
        "admin.competitions",
        "judging.index",
    ):
        assert endpoint in endpoints, endpoint


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    for rule, _roles, method, response in _requests(client, app):
        assert response.status_code == 302, (rule, method)
        assert "/staff/sign-in" in response.location


def test_residents_are_refused(app, client):
    from tests.factories import make_consultation

    make_consultation(slug="derby")
    page = client.get("/consultations/derby/wishes/new")
    client.post(
        "/consultations/derby/wishes/new", data={**hidden_fields(page.text), "wish_1": "More buses"}
    )
    for rule, _roles, method, response in _requests(client, app):
        assert response.status_code == 302, (rule, method)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_only_its_own(app, client, role):
    sign_in(client, make_staff(role.value))
    for rule, roles, method, response in _requests(client, app):
        allowed = role == Role.ADMIN or role in roles
        if allowed:
            assert response.status_code not in (302, 401, 403), (role, rule, method)
        else:
            assert response.status_code == 403, (role, rule, method)
