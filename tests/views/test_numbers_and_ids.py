"""Numbers and ids people send: a superscript digit or an id beyond the database's range is
a form error, nothing chosen or a 404, never a crash, in URLs, forms, query strings and
commands."""

import pytest

from engage.extensions import db
from engage.numbers import MAX_ID, parse_id, whole_number
from tests.conftest import STAFF_PASSWORD, hidden_fields, make_staff, sign_in
from tests.photo_factories import make_criteria
from tests.views.test_security_everywhere import _urls, seeded  # noqa: F401 - a fixture
from tests.views.test_workspace import run  # noqa: F401 - a fixture

HUGE = "99999999999999999999"  # beyond 64 bits
BEYOND_POSTGRES = str(MAX_ID + 1)  # fits SQLite's 64 bits, not PostgreSQL's integer column


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        ("0012", 12),
        ("1,000", None),
        ("²", None),
        ("١٢", None),  # Arabic-Indic digits: int() takes them, people do not mean them here
        ("-1", None),
        (" 1", None),
        ("1_000", None),
        ("", None),
        (None, None),
        ("9" * 5000, None),  # int() refuses so many digits
        (str(MAX_ID), MAX_ID),
        (BEYOND_POSTGRES, None),
    ],
)
def test_whole_numbers_are_ascii_digits_in_range(value, expected):
    assert whole_number(value) == expected


def test_ids_start_at_one():
    assert parse_id("0") is None and parse_id("1") == 1


# Query strings, forms and commands


@pytest.mark.parametrize("name", ["themes", "consultation"])
@pytest.mark.parametrize("value", ["%C2%B2", HUGE, "9" * 5000])
def test_the_workspace_ignores_bad_numbers_in_its_link(app, client, name, value):
    sign_in(client, make_staff("strategy"))
    assert client.get(f"/staff/workspace/?{name}={value}").status_code == 200


def test_analyse_command_with_a_superscript_digit(app):
    result = app.test_cli_runner().invoke(args=["engage", "analyse", "²"])
    assert result.exit_code != 0
    assert "No consultation with slug or id '²'" in result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit


def test_a_sign_in_code_of_superscript_digits_is_refused(app, client):
    user = make_staff("officer")
    page = client.get("/staff/sign-in")
    password = {"email": user.email, "password": STAFF_PASSWORD}
    client.post("/staff/sign-in", data={**hidden_fields(page.text), **password})
    page = client.get("/staff/sign-in/code")
    response = client.post(
        "/staff/sign-in/code", data={**hidden_fields(page.text), "code": "²²²²²²"}
    )
    assert response.status_code == 400, response.status_code


@pytest.mark.parametrize("bad", ["²", HUGE, BEYOND_POSTGRES])
def test_ids_in_forms_and_query_strings_are_bounded(app, client, seeded, login_as, bad):  # noqa: F811
    login_as("admin")
    token = hidden_fields(client.get("/staff/").text).get("csrf_token")
    ints, slug = seeded["ints"], seeded["slug"]
    competition, priority = ints["competition_id"], ints["priority_id"]
    gets = [
        f"/staff/queue?consultation={bad}&area={bad}",
        f"/staff/queue/photos?competition={bad}",
        f"/staff/comments/queue?consultation={bad}",
        f"/staff/reports/equalities?consultation={bad}",
        f"/consultations/{slug}/strategy/compare?from={bad}&to={bad}",
        f"/staff/workspace/runs/1/breakdowns/area?theme={bad}",
    ]
    for path in gets:
        assert client.get(path).status_code < 500, path
    posts = [
        ("/staff/queue", {"selected": bad, "action": "approve"}),
        ("/staff/queue/photos", {"selected": bad, "action": "approve"}),
        ("/staff/comments/queue", {"entry_ids": bad, "action": "approve"}),
        (f"/staff/admin/competitions/{competition}/shortlist", {"shortlisted": bad}),
        (f"/staff/admin/competitions/{competition}/publish", {"winner": bad}),
        (f"/staff/admin/strategy/priorities/{priority}/evidence", {"wish": bad}),
        (f"/staff/admin/strategy/priorities/{priority}/evidence/themes", {"run_theme": bad}),
    ]
    for path, data in posts:
        response = client.post(path, data={"csrf_token": token, **data})
        assert response.status_code < 500, path


@pytest.mark.parametrize("bad", ["²", HUGE, BEYOND_POSTGRES])
def test_a_judges_score_must_be_a_number(app, client, seeded, bad):  # noqa: F811
    from engage.models import Competition, PhotoEntry
    from engage.services.competitions import appoint_judge

    judge = make_staff("judge")
    competition = db.session.get(Competition, seeded["ints"]["competition_id"])
    make_criteria(competition)
    appoint_judge(competition, judge)
    entry = db.session.get(PhotoEntry, seeded["ints"]["entry_id"])
    entry.shortlisted = True
    db.session.commit()
    sign_in(client, judge)
    url = f"/staff/judging/{competition.id}"
    token = hidden_fields(client.get(url).text).get("csrf_token")
    criteria = {f"criterion-{c.id}": bad for c in competition.criteria}
    response = client.post(f"{url}/entries/{entry.id}", data={"csrf_token": token, **criteria})
    assert response.status_code < 500


@pytest.mark.parametrize("bad", ["²", HUGE, BEYOND_POSTGRES])
def test_entry_ids_and_the_theme_to_move_to_are_bounded(client, team, run, bad):  # noqa: F811
    from engage.services.analysis_runs import visible_themes

    theme = visible_themes(run)[0]
    url = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    token = hidden_fields(client.get(url).text)["csrf_token"]
    for data, message in [
        ({"action": "not_relevant", "entry": bad}, "Tick the entries first"),
        ({"action": "move", "entry": "1", "move_to": bad}, "Choose the theme to move"),
    ]:
        response = client.post(f"{url}/entries", data={"csrf_token": token, **data})
        if bad == "²" and "move_to" in data:
            message = "Invalid Choice"
        assert response.status_code == 400, (data, response.status_code)
        assert message in response.text, data


# Every URL with an id


def test_every_url_with_a_huge_id_is_not_found(app, client, seeded, login_as):  # noqa: F811
    login_as("admin")
    token = hidden_fields(client.get("/staff/").text).get("csrf_token")
    checked = 0
    for huge in (HUGE, BEYOND_POSTGRES):
        ints = {arg: int(huge) for rule in app.url_map.iter_rules() for arg in rule.arguments}
        for rule, method, path in _urls(app, {**seeded, "ints": ints}):
            if huge not in path:
                continue
            data = {"csrf_token": token} if method == "POST" else None
            response = client.open(path, method=method, data=data)
            assert response.status_code == 404, (rule.endpoint, method, path)
            checked += 1
    assert checked > 100
