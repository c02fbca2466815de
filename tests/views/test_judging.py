"""Judging through the admin's and the judges' pages: create a competition, set criteria,
appoint judges, shortlist, score (with ties), publish; and who may reach which page."""

import re
from datetime import timedelta

import pytest

from engage.extensions import db
from engage.models import Award, Competition, Score
from engage.models._types import utcnow
from engage.template_helpers import LOCAL_TZ
from tests.conftest import hidden_fields, make_staff, post_form, sign_in
from tests.factories import make_consultation
from tests.photo_factories import (
    competition_data,
    make_competition,
    make_criteria,
    make_photo_entry,
)


@pytest.fixture
def judged(app):
    """A competition whose entries and voting have closed, with three criteria and three
    approved entries (two shortlisted)."""
    now = utcnow()
    competition = make_competition(
        slug="pics",
        entries_open_at=now - timedelta(days=40),
        entries_close_at=now - timedelta(days=10),
        voting_open_at=now - timedelta(days=20),
        voting_close_at=now - timedelta(hours=1),
    )
    criteria = make_criteria(competition)
    entries = [
        make_photo_entry(competition, title=title, shortlisted=shortlisted)
        for title, shortlisted in [("Oak avenue", True), ("Night bus", True), ("Park", False)]
    ]
    db.session.commit()
    return competition, criteria, entries


def appoint(client, competition, judge):
    url = f"/staff/admin/competitions/{competition.id}"
    return post_form(client, url, f"{url}/judges", {"judge": str(judge.id)})


def score(client, competition, entry, criteria, values, page_url=None):
    url = f"/staff/judging/{competition.id}"
    data = {f"criterion-{c.id}": str(v) for c, v in zip(criteria, values, strict=False)}
    return post_form(client, page_url or url, f"{url}/entries/{entry.id}", data)


def test_admin_creates_a_competition_with_criteria(client, login_as, app):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    login_as("admin")
    data = {
        "consultation": str(consultation.id),
        "title": "Picture your wish",
        "slug": "picture-your-wish",
        "summary": "Photograph a wish.",
        "rules": "One photo each.",
    }
    for name, day in [
        ("entries_open", "1"),
        ("entries_close", "20"),
        ("voting_open", "10"),
        ("voting_close", "30"),
    ]:
        data[name] = [day, "6", "2026"]
    bad = post_form(client, "/staff/admin/competitions", "/staff/admin/competitions",
                    {**data, "entries_close": ["", "6", "2026"]})  # fmt: skip
    assert bad.status_code == 400 and "Enter the date: entries close" in bad.text
    response = post_form(client, "/staff/admin/competitions", "/staff/admin/competitions", data)
    assert response.status_code == 303, response.text
    competition = db.session.query(Competition).one()
    assert competition.entries_open_at.isoformat() == "2026-05-31T23:00:00+00:00"  # UK summer
    assert competition.voting_close_at.isoformat() == "2026-06-30T23:00:00+00:00"  # end of 30th
    url = f"/staff/admin/competitions/{competition.id}"
    for name in ("Relevance to the wish", "Impact", "Quality"):
        post_form(client, url, f"{url}/criteria", {"name": name})
    page = client.get(url).text
    assert "Relevance to the wish" in page and "Quality" in page
    again = post_form(client, "/staff/admin/competitions", "/staff/admin/competitions", data)
    assert again.status_code == 400 and "is taken" in again.text


def test_the_users_page_appoints_judges(client, login_as, app):
    login_as("admin")
    page = client.get("/staff/admin/users").text
    assert 'value="judge"' in page and "Judge" in page


def test_judges_score_and_the_admin_publishes(client, app, judged):
    competition, criteria, entries = judged
    admin = make_staff("admin", email="admin@example.org")
    first = make_staff("judge", email="first@example.org")
    second = make_staff("judge", email="second@example.org")
    sign_in(client, admin)
    assert appoint(client, competition, first).status_code == 303
    assert appoint(client, competition, second).status_code == 303
    again = client.get(appoint(client, competition, first).location).text
    assert "judges this competition already" in again and "Not saved" not in again

    for judge, scores in [(first, ([5, 4, 3], [3, 3, 3])), (second, ([4, 4, 4], [5, 5, 2]))]:
        client.post("/staff/sign-out", data=hidden_fields(client.get("/staff/judging/").text))
        sign_in(client, judge, None)
        listing = client.get("/staff/judging/").text
        assert "0 of 2 shortlisted photos scored" in listing
        page = client.get(f"/staff/judging/{competition.id}").text
        assert "Oak avenue" in page and "Night bus" in page and "Park" not in page
        for entry, values in zip(entries[:2], scores, strict=True):
            assert score(client, competition, entry, criteria, values).status_code == 303
        assert "2 of 2 shortlisted photos scored" in client.get("/staff/judging/").text

    client.post("/staff/sign-out", data=hidden_fields(client.get("/staff/judging/").text))
    sign_in(client, make_staff("admin", email="another-admin@example.org"))  # codes are one-time
    page = client.get(f"/staff/admin/competitions/{competition.id}").text
    # Oak avenue: (12 + 12) / 2 = 12; Night bus: (9 + 12) / 2 = 10.5.
    scores = page[page.index('id="scores"') : page.index('id="votes"')]
    assert "12 out of 15" in scores and "10.5 out of 15" in scores and "Tied" not in scores
    assert scores.index("Oak avenue") < scores.index("Night bus")
    url = f"/staff/admin/competitions/{competition.id}"
    response = post_form(client, url, f"{url}/publish",
                         {"winner": str(entries[0].id), "runner_up": str(entries[1].id),
                          "peoples_choice": str(entries[2].id)})  # fmt: skip
    assert response.status_code == 303
    results = client.get("/competitions/pics/results").text
    assert "Winner" in results and "Oak avenue" in results and "12 out of 15" in results
    assert "Runner-up" in results and "Night bus" in results
    assert "People" in results and "Park" in results
    assert db.session.query(Award).count() == 3


def test_ties_are_shown(client, app, judged):
    competition, criteria, entries = judged
    judge = make_staff("judge")
    from engage.models import JudgeAppointment

    db.session.add(JudgeAppointment(competition=competition, user=judge))
    for entry in entries[:2]:
        for criterion in criteria:
            db.session.add(Score(judge_id=judge.id, entry_id=entry.id, criterion_id=criterion.id,
                                 value=4))  # fmt: skip
    db.session.commit()
    sign_in(client, make_staff("admin"))
    page = client.get(f"/staff/admin/competitions/{competition.id}").text
    scores = page[page.index('id="scores"') : page.index('id="votes"')]
    assert scores.count("Tied") == 2 and scores.count("12 out of 15") == 2
    assert len(re.findall(r'<td class="govuk-table__cell">1\s*<strong', scores)) == 2  # both first


def test_scores_must_cover_every_criterion_from_1_to_5(client, app, judged):
    competition, criteria, entries = judged
    judge = make_staff("judge")
    sign_in(client, make_staff("admin"))
    appoint(client, competition, judge)
    client.post("/staff/sign-out", data=hidden_fields(client.get("/staff/judging/").text))
    sign_in(client, judge)
    for values in ([5, 4], [5, 4, 9], [0, 1, 2]):
        response = score(client, competition, entries[0], criteria, values)
        assert response.status_code == 400
        assert "Give a score from 1 to 5 for every criterion" in response.text
        assert "<title>Error: " in response.text
    assert score(client, competition, entries[2], criteria, [3, 3, 3]).status_code == 400
    assert db.session.query(Score).count() == 0


def test_a_judge_not_appointed_is_refused(client, app, judged):
    competition, criteria, entries = judged
    sign_in(client, make_staff("judge"))
    assert client.get(f"/staff/judging/{competition.id}").status_code == 403
    response = score(client, competition, entries[0], criteria, [3, 3, 3], "/staff/sign-in")
    assert response.status_code == 403
    assert "not been appointed" in client.get("/staff/judging/").text


def test_scores_are_locked_once_results_are_published(client, app, judged):
    competition, criteria, entries = judged
    judge = make_staff("judge")
    sign_in(client, make_staff("admin"))
    appoint(client, competition, judge)
    url = f"/staff/admin/competitions/{competition.id}"
    post_form(client, url, f"{url}/publish", {"winner": str(entries[0].id)})
    again = post_form(client, url, f"{url}/publish", {"winner": str(entries[1].id)})
    assert "Not saved: The results are already published" in client.get(again.location).text
    client.post("/staff/sign-out", data=hidden_fields(client.get("/staff/judging/").text))
    sign_in(client, judge)
    response = score(client, competition, entries[0], criteria, [3, 3, 3])
    assert response.status_code == 400 and "scores can no longer change" in response.text


def test_the_judges_awards_go_to_the_shortlist(client, app, judged):
    competition, criteria, entries = judged
    sign_in(client, make_staff("admin"))
    url = f"/staff/admin/competitions/{competition.id}"
    response = post_form(client, url, f"{url}/publish", {"winner": str(entries[2].id)})
    assert "shortlisted" in client.get(response.location).text
    assert db.session.get(Competition, competition.id).results_published_at is None


def test_shortlist_is_saved(client, app, judged):
    competition, criteria, entries = judged
    sign_in(client, make_staff("admin"))
    url = f"/staff/admin/competitions/{competition.id}"
    post_form(client, url, f"{url}/shortlist", {"shortlisted": str(entries[2].id)})
    db.session.expire_all()
    assert [e.shortlisted for e in entries] == [False, False, True]


JUDGING_PAGES = ["/staff/judging/", "/staff/judging/1"]


@pytest.mark.parametrize("path", JUDGING_PAGES)
def test_judging_refuses_anonymous_visitors(client, app, path):
    response = client.get(path)
    assert response.status_code == 302 and "/staff/sign-in" in response.location


@pytest.mark.parametrize("role", ["officer", "strategy"])
def test_judging_refuses_other_roles(client, app, role):
    sign_in(client, make_staff(role))
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("judging."):
            url = rule.rule.replace("<int:competition_id>", "1").replace("<int:entry_id>", "1")
            method = "POST" if "POST" in rule.methods else "GET"
            token = hidden_fields(client.get("/staff/sign-in").text).get("csrf_token", "")
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 403, (rule, role)


def test_judges_cannot_reach_admin_or_moderation(client, app, judged):
    sign_in(client, make_staff("judge"))
    assert client.get("/staff/admin/competitions").status_code == 403
    assert client.get("/staff/queue").status_code == 403


def test_results_wait_until_entries_and_voting_close(client, app):
    competition = make_competition(slug="open")
    criteria = make_criteria(competition)
    entry = make_photo_entry(competition, title="Oak avenue", shortlisted=True)
    judge = make_staff("judge")
    from engage.models import JudgeAppointment

    db.session.add(JudgeAppointment(competition=competition, user=judge))
    for criterion in criteria:
        db.session.add(Score(judge_id=judge.id, entry_id=entry.id, criterion_id=criterion.id,
                             value=4))  # fmt: skip
    db.session.commit()
    sign_in(client, make_staff("admin"))
    url = f"/staff/admin/competitions/{competition.id}"
    page = client.get(url).text
    assert "The results can be published once voting closes" in page
    assert "Publish the results" not in page
    response = post_form(client, url, f"{url}/publish", {"winner": str(entry.id)})
    refused = client.get(response.location).text
    assert "Not saved: The results can be published once entries and voting have closed" in refused
    assert "govuk-notification-banner--success" not in refused  # a refusal is not a success
    assert db.session.get(Competition, competition.id).results_published_at is None
    assert client.get("/competitions/open/results").status_code in (200, 404)
    assert "Oak avenue" not in client.get("/competitions/open/results").text


def test_a_refused_criterion_keeps_what_was_typed(client, app, judged):
    competition, criteria, entries = judged
    sign_in(client, make_staff("admin"))
    url = f"/staff/admin/competitions/{competition.id}"
    name = "Relevance " * 13  # 130 characters
    response = post_form(client, url, f"{url}/criteria",
                         {"name": name, "description": "Does it show the wish?"})  # fmt: skip
    assert response.status_code == 400
    assert "<title>Error: " in response.text
    assert "Enter the criterion in 120 characters or fewer" in response.text
    assert 'href="#name"' in response.text  # the error summary links to the field
    assert name.strip() in response.text and "Does it show the wish?" in response.text
    db.session.expire_all()
    assert len(db.session.get(Competition, competition.id).criteria) == len(criteria)


def _details(competition_id, client):
    """The edit form's fields as the page fills them in."""
    page = client.get(f"/staff/admin/competitions/{competition_id}/edit")
    assert page.status_code == 200
    return page


def test_admin_changes_a_competitions_wording_and_dates(client, login_as, app):
    competition = make_competition(slug="pics", title="Picture yuor wish")
    make_competition(slug="taken")
    db.session.commit()
    login_as("admin")
    url = f"/staff/admin/competitions/{competition.id}/edit"
    page = client.get(f"/staff/admin/competitions/{competition.id}").text
    assert f'href="{url}"' in page and "Change the details and dates" in page
    form = _details(competition.id, client).text
    assert 'value="Picture yuor wish"' in form and 'value="pics"' in form

    def send(**changes):
        return post_form(client, url, url, competition_data(**{"slug": "pics", **changes}))

    taken = send(slug="taken")
    assert taken.status_code == 400 and "The web address “taken” is taken" in taken.text
    assert 'value="Picture your wish"' in taken.text  # what was typed is kept
    backwards = send(voting_close=["5", "6", "2026"])
    assert backwards.status_code == 400 and "Voting must close after it opens" in backwards.text
    db.session.refresh(competition)
    assert competition.title == "Picture yuor wish"  # nothing saved by a refused form

    done = send()
    assert done.status_code == 303
    shown = client.get(done.location).text
    assert "Saved the details of Picture your wish" in shown
    db.session.refresh(competition)
    assert competition.title == "Picture your wish"
    assert competition.voting_close_at.isoformat() == "2026-06-30T23:00:00+00:00"
    # Opened again, the form shows the last day open, as it was typed.
    again = _details(competition.id, client).text
    assert 'value="30"' in again and 'value="20"' in again


def test_published_results_keep_their_dates_and_address(client, login_as, app, judged):
    competition, _criteria, entries = judged
    competition.results_published_at = utcnow()
    db.session.commit()
    login_as("admin")
    url = f"/staff/admin/competitions/{competition.id}/edit"
    form = client.get(url)
    assert "the dates and web address cannot" in form.text
    moved = post_form(client, url, url, {"slug": "new-pics", "title": "Photos", "rules": "x",
                                          "summary": "y", **_days(competition)})  # fmt: skip
    assert moved.status_code == 400
    assert "the dates and web address can no longer change" in moved.text
    closes = competition.voting_close_at
    same = {"slug": "pics", "rules": "x", "summary": "y", **_days(competition)}
    wording = post_form(client, url, url, {**same, "title": "Photos of wishes"})
    assert wording.status_code == 303, wording.text
    db.session.refresh(competition)
    assert competition.slug == "pics" and competition.title == "Photos of wishes"
    assert competition.voting_close_at == closes  # to the hour, not moved to midnight


def _days(competition):
    """The form's four dates, as the competition has them."""

    def parts(moment, closing=False):
        # A closing moment is the start of the day after the last day open.
        day = (moment - timedelta(microseconds=1 if closing else 0)).astimezone(LOCAL_TZ)
        return [str(day.day), str(day.month), str(day.year)]

    return {
        "entries_open": parts(competition.entries_open_at),
        "entries_close": parts(competition.entries_close_at, closing=True),
        "voting_open": parts(competition.voting_open_at),
        "voting_close": parts(competition.voting_close_at, closing=True),
    }


def test_admin_removes_a_criterion_until_judges_score(client, app, judged):
    competition, criteria, entries = judged
    admin = make_staff("admin", email="admin@example.org")
    judge = make_staff("judge", email="judge@example.org")
    sign_in(client, admin)
    url = f"/staff/admin/competitions/{competition.id}"
    names = [c.name for c in criteria]
    removed = post_form(client, url, f"{url}/criteria/{criteria[1].id}/remove", {})
    assert removed.status_code == 303
    page = client.get(removed.location).text
    assert f"Removed the criterion “{names[1]}”" in page
    db.session.expire_all()
    assert [c.name for c in competition.criteria] == [names[0], names[2]]
    assert [c.position for c in competition.criteria] == [1, 2]
    other = make_competition(slug="other")
    foreign = make_criteria(other)[0]
    db.session.commit()
    wrong = post_form(client, url, f"{url}/criteria/{foreign.id}/remove", {})
    assert wrong.status_code == 404
    assert "That criterion is not one of this competition" in wrong.text
    assert client.post(f"{url}/criteria/{criteria[0].id}/remove").status_code == 400  # no token

    appoint(client, competition, judge)
    db.session.add(
        Score(
            judge_id=judge.id,
            entry_id=entries[0].id,
            criterion_id=criteria[0].id,
            value=4,
            scored_at=utcnow(),
        )
    )
    db.session.commit()
    page = client.get(url).text
    assert "Judges have started scoring: the criteria can no longer change" in page
    assert 'Remove<span class="govuk-visually-hidden"> the criterion' not in page
    late = post_form(client, url, f"{url}/criteria/{criteria[0].id}/remove", {})
    assert "Not saved: Judges have started scoring" in client.get(late.location).text
    assert len(competition.criteria) == 2


def test_a_removed_judges_scores_are_kept_and_no_longer_count(client, app, judged):
    competition, criteria, entries = judged
    admin = make_staff("admin", email="admin@example.org")
    first = make_staff("judge", email="first@example.org")
    second = make_staff("judge", email="second@example.org")
    second.name = "Bo Judge"
    sign_in(client, admin)
    for judge in (first, second):
        appoint(client, competition, judge)
    for judge, value in ((first, 5), (second, 1)):
        for criterion in criteria:
            db.session.add(
                Score(judge_id=judge.id, entry_id=entries[0].id, criterion_id=criterion.id,
                      value=value, scored_at=utcnow())
            )  # fmt: skip
    db.session.commit()
    url = f"/staff/admin/competitions/{competition.id}"
    page = client.get(url).text
    assert "9 out of 15" in page  # (15 + 3) / 2
    appointment = next(a for a in competition_appointments(competition) if a.user_id == second.id)
    removed = post_form(client, url, f"{url}/judges/{appointment.id}/remove", {})
    page = client.get(removed.location).text
    assert "Bo Judge no longer judges this competition" in page
    scores = page[page.index('id="scores"') : page.index('id="votes"')]
    assert "15 out of 15" in scores and "1 of 1" in scores
    assert db.session.query(Score).filter_by(judge_id=second.id).count() == 3  # kept
    client.post("/staff/sign-out", data=hidden_fields(page))
    sign_in(client, second, None)
    assert client.get(f"/staff/judging/{competition.id}").status_code in (403, 404)


def competition_appointments(competition):
    from engage.services.competitions import list_judges

    return list_judges(competition)
