"""Adding a criterion to a competition, or taking a criterion or a judge off, sent twice (a
double click, or two admins at the same moment), is done once; the second copy is told it was
added or removed already."""

import html
import re

import pytest

from engage.admin import competitions as competition_views
from engage.extensions import db
from engage.models import Criterion, JudgeAppointment, Score, User
from engage.services import competitions as competition_services
from tests.at_once import send_at_once
from tests.conftest import make_staff, sign_in
from tests.photo_factories import make_competition, make_criteria, make_photo_entry

pytestmark = pytest.mark.usefixtures("csrf_app")


@pytest.fixture
def competition(app, client):
    sign_in(client, make_staff("admin", email="admin@example.org"))
    competition = make_competition()
    make_criteria(competition)
    judge = make_staff("judge", email="judge@example.org")
    judge.name = "Bo Judge"
    db.session.add(JudgeAppointment(competition=competition, user=judge))
    db.session.commit()
    return competition


def _form(client, competition, action):
    """The fields of the one form on the competition's page that posts to `action` (its token,
    and what it removes), as a browser sends them."""
    page = client.get(f"/staff/admin/competitions/{competition.id}").text
    found = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', page, re.S)
    assert found, action
    inputs = re.findall(r"<input[^>]*>", found.group(1))
    fields = [(re.search(r'name="([^"]*)"', i), re.search(r'value="([^"]*)"', i)) for i in inputs]
    return {name[1]: html.unescape(value[1]) for name, value in fields if name and value}


def _urls(competition):
    base = f"/staff/admin/competitions/{competition.id}"
    criterion = competition.criteria[1]
    appointment = db.session.scalars(
        db.select(JudgeAppointment).filter_by(competition_id=competition.id)
    ).one()
    return f"{base}/criteria/{criterion.id}/remove", f"{base}/judges/{appointment.id}/remove"


def _counts(competition_id):
    db.session.rollback()  # end this test's own read, to see what the requests left
    criteria = db.session.query(Criterion).filter_by(competition_id=competition_id).count()
    judges = db.session.query(JudgeAppointment).filter_by(competition_id=competition_id).count()
    return criteria, judges


def _told(clients, answers):
    assert [a.status_code for a in answers] == [303] * len(answers)
    return [clients[i].get(a.location).text for i, a in enumerate(answers)]


JUDGE_GONE = "Bo Judge no longer judges this competition"


def test_a_criterion_or_judge_removed_twice_says_it_was_removed_already(client, competition):
    for url, done, already in [
        (_urls(competition)[0], "Removed the criterion “Impact”", "The criterion “Impact” was"),
        (_urls(competition)[1], JUDGE_GONE, "Bo Judge was removed as a judge already"),
    ]:
        form = _form(client, competition, url)
        first, again = [_told([client], [client.post(url, data=form)])[0] for _ in range(2)]
        assert done in first
        assert already in again and "Not saved" not in again
    assert _counts(competition.id) == (2, 0)


def test_a_removal_sent_again_without_its_name_still_says_so(client, competition):
    criterion_url, judge_url = _urls(competition)
    for url in (criterion_url, judge_url):
        form = _form(client, competition, url)
        client.post(url, data=form)
        tokens_only = {"csrf_token": form["csrf_token"]}
        page = client.get(client.post(url, data=tokens_only).location).text
        assert "was removed already" in page and "Not saved" not in page


def _two_admins(app, client):
    other = app.test_client()
    sign_in(other, make_staff("admin"))
    return [client, other]


def test_a_criterion_removed_twice_at_once_is_removed_once(app, client, competition, monkeypatch):
    """Both copies would be past the check that the criterion is there before either removed
    it (on PostgreSQL both were told "Removed"); the second waits for the first and is told."""
    url = _urls(competition)[0]
    clients = _two_admins(app, client)
    forms = [_form(each, competition, url) for each in clients]
    sends = [lambda i=i: clients[i].post(url, data=forms[i]) for i in (0, 1)]
    # The check that no judge has scored comes after the one that the criterion is there.
    answers = send_at_once(monkeypatch, competition_services, "scoring_started", sends)
    told = _told(clients, answers)
    assert sum("Removed the criterion “Impact”" in t for t in told) == 1
    assert sum("The criterion “Impact” was removed already" in t for t in told) == 1
    assert _counts(competition.id) == (2, 1)


def test_a_judge_removed_twice_at_once_is_removed_once(app, client, competition, monkeypatch):
    url = _urls(competition)[1]
    clients = _two_admins(app, client)
    forms = [_form(each, competition, url) for each in clients]
    sends = [lambda i=i: clients[i].post(url, data=forms[i]) for i in (0, 1)]
    told = _told(clients, send_at_once(monkeypatch, competition_views, "remove_judge", sends))
    assert sum(JUDGE_GONE in t for t in told) == 1
    assert sum("Bo Judge was removed as a judge already" in t for t in told) == 1
    assert _counts(competition.id) == (3, 0)


def _add(client, competition, name):
    """The add-a-criterion form on the competition's page, filled in with `name`."""
    url = f"/staff/admin/competitions/{competition.id}/criteria"
    return url, {**_form(client, competition, url), "name": name}


def _names(competition_id):
    db.session.rollback()  # end this test's own read, to see what the requests left
    found = db.session.query(Criterion).filter_by(competition_id=competition_id)
    return [(c.position, c.name) for c in found.order_by(Criterion.position, Criterion.id)]


THREE = [(1, "Relevance to the wish"), (2, "Impact"), (3, "Quality")]


def test_a_criterion_added_twice_says_it_was_added_already(client, competition):
    url, form = _add(client, competition, "Composition")
    first, again = [_told([client], [client.post(url, data=form)])[0] for _ in range(2)]
    assert "Added the criterion “Composition”" in first
    assert "The criterion “Composition” was added already" in again and "Not saved" not in again
    assert _names(competition.id) == [*THREE, (4, "Composition")]


def test_a_criterion_named_as_one_there_in_another_case_is_not_added_again(client, competition):
    url, form = _add(client, competition, "  iMPACT ")
    page = _told([client], [client.post(url, data=form)])[0]
    assert "The criterion “iMPACT” was added already" in page and "Not saved" not in page
    assert _names(competition.id) == THREE


def test_a_criterion_added_twice_at_once_is_added_once(app, client, competition, monkeypatch):
    """Both copies would be past the check that no criterion of that name is there before
    either added it (both added, at the same position); the second waits and is told."""
    clients = _two_admins(app, client)
    sent = [_add(each, competition, "Composition") for each in clients]
    sends = [lambda i=i: clients[i].post(sent[i][0], data=sent[i][1]) for i in (0, 1)]
    # The check that no judge has scored comes after the one for a criterion of that name.
    answers = send_at_once(monkeypatch, competition_services, "scoring_started", sends)
    told = _told(clients, answers)
    assert sum("Added the criterion “Composition”" in t for t in told) == 1
    assert sum("The criterion “Composition” was added already" in t for t in told) == 1
    assert _names(competition.id) == [*THREE, (4, "Composition")]


def _described(competition_id):
    db.session.rollback()  # end this test's own read, to see what the requests left
    found = db.session.query(Criterion).filter_by(competition_id=competition_id)
    return [(c.name, c.description) for c in found.order_by(Criterion.position)][3:]


def test_a_criterion_added_again_described_otherwise_says_neither_was_saved(client, competition):
    url, form = _add(client, competition, "Composition")
    client.post(url, data={**form, "description": "Balance and framing"})
    again = client.post(url, data={**form, "name": "composition", "description": "Light"})
    assert again.status_code == 409
    assert "<title>Error: " in again.text
    assert (
        "The criterion “Composition” is on this competition already, described as “Balance and "
        "framing”: what you typed was not saved, and its description was not changed. To "
        "describe it as you typed, remove it and add it again"
    ) in html.unescape(again.text)
    assert 'href="#name"' in again.text  # the error summary leads to the field
    assert 'value="composition"' in again.text and 'value="Light"' in again.text  # kept
    assert _described(competition.id) == [("Composition", "Balance and framing")]


def test_a_criterion_added_by_two_admins_at_once_described_otherwise_is_added_once(
    app, client, competition, monkeypatch
):
    """The second admin's copy was told "was added already", their description dropped."""
    clients = _two_admins(app, client)
    sent = [_add(each, competition, "Composition") for each in clients]
    for (_url, form), description in zip(sent, ["Balance", "Light"], strict=True):
        form["description"] = description
    sends = [lambda i=i: clients[i].post(sent[i][0], data=sent[i][1]) for i in (0, 1)]
    answers = send_at_once(monkeypatch, competition_services, "scoring_started", sends)
    assert sorted(a.status_code for a in answers) == [303, 409]
    added = next(i for i in (0, 1) if answers[i].status_code == 303)
    assert "Added the criterion “Composition”" in _told([clients[added]], [answers[added]])[0]
    refused = html.unescape(answers[1 - added].text)
    assert "is on this competition already" in refused and "was not saved" in refused
    assert _described(competition.id) == [("Composition", sent[added][1]["description"])]


def test_a_removal_of_an_id_never_the_competitions_is_not_found(client, competition):
    """A hand-edited form: the id of another competition's criterion or judge, now or removed
    from it, is not told it was removed already."""
    other = make_competition()
    removed_there, still_there = (c.id for c in make_criteria(other, ("Light", "Colour")))
    their_judge = JudgeAppointment(competition=other, user=make_staff("judge"))
    db.session.add(their_judge)
    db.session.commit()
    url = f"/staff/admin/competitions/{other.id}/criteria/{removed_there}/remove"
    client.post(url, data=_form(client, other, url))  # removed from the other competition
    criterion_url, judge_url = _urls(competition)
    form = _form(client, competition, criterion_url)
    for made_up, kind in [
        (re.sub(r"/criteria/[0-9]+/", f"/criteria/{removed_there}/", criterion_url), "criterion"),
        (re.sub(r"/criteria/[0-9]+/", f"/criteria/{still_there}/", criterion_url), "criterion"),
        (re.sub(r"/judges/[0-9]+/", f"/judges/{their_judge.id}/", judge_url), "judge"),
    ]:
        page = client.post(made_up, data=form)
        assert page.status_code == 404, made_up
        assert f"That {kind} is not one of this competition" in html.unescape(page.text)
        assert "removed already" not in page.text
    assert _counts(competition.id) == (3, 1)
    assert _counts(other.id) == (1, 1)


def test_an_id_no_row_has_nor_any_record_may_have_been_removed_already(client, competition):
    """A removal made before removals were recorded (migration 0012) left no record, and
    nothing still refers to a removed criterion or appointment: its id, sent again from a page
    opened before, cannot be told from a made-up one. Both are not found, say it may have been
    removed already, and change nothing; neither is told it was removed, as a double click is."""
    criterion_url, judge_url = _urls(competition)
    forms = [_form(client, competition, url) for url in (criterion_url, judge_url)]
    impact, appointment = (
        int(re.findall(r"/([0-9]+)/remove", u)[0]) for u in (criterion_url, judge_url)
    )
    # Removed as before 0012: the rows deleted, and no record of it kept.
    db.session.execute(db.delete(Criterion).where(Criterion.id == impact))
    db.session.execute(db.delete(JudgeAppointment).where(JudgeAppointment.id == appointment))
    db.session.commit()
    made_up = [
        re.sub(r"/[0-9]+/remove", "/99999/remove", url) for url in (criterion_url, judge_url)
    ]
    for url, form, told in [
        (criterion_url, forms[0], "That criterion was not found: it may have been removed already"),
        (judge_url, forms[1], "That judge was not found: they may have been removed already"),
        (made_up[0], forms[0], "That criterion was not found: it may have been removed already"),
        (made_up[1], forms[0], "That judge was not found: they may have been removed already"),
    ]:
        page = client.post(url, data=form)
        assert page.status_code == 404, url
        text = html.unescape(page.text)
        assert f"{told}. Nothing was changed" in text
        assert "not one of this competition" not in text
    assert _counts(competition.id) == (2, 0)


def test_a_removal_sent_again_takes_off_nothing_added_since(client, competition):
    """A criterion or judge removed, another added, then the removal sent again from a page
    opened before it (the back button, or a second admin's page): the one added is kept. On
    SQLite the one added was given the removed one's id, and the removal took it off."""
    base = f"/staff/admin/competitions/{competition.id}"
    quality = competition.criteria[2]  # the last added: the largest id
    criterion_url = f"{base}/criteria/{quality.id}/remove"
    judge_url = _urls(competition)[1]
    cy = make_staff("judge", email="cy@example.org")
    cy.name = "Cy Judge"
    db.session.commit()
    stale = [(url, _form(client, competition, url)) for url in (criterion_url, judge_url)]
    for url, form in stale:
        client.post(url, data=form)
    url, form = _add(client, competition, "Composition")
    client.post(url, data=form)
    appoint = f"{base}/judges"
    client.post(appoint, data={**_form(client, competition, appoint), "judge": str(cy.id)})
    told = [_told([client], [client.post(url, data=form)])[0] for url, form in stale]
    assert "The criterion “Quality” was removed already" in told[0]
    assert "Bo Judge was removed as a judge already" in told[1]
    assert _names(competition.id) == [*THREE[:2], (3, "Composition")]
    judges = db.session.scalars(
        db.select(JudgeAppointment).filter_by(competition_id=competition.id)
    )
    assert [j.user.name for j in judges] == ["Cy Judge"]


def _appoint_form(client, competition, name):
    """The appoint-a-judge form on the competition's page, with the account of that name."""
    url = f"/staff/admin/competitions/{competition.id}/judges"
    judge = db.session.scalars(db.select(User).filter_by(name=name)).one()
    return url, {**_form(client, competition, url), "judge": str(judge.id)}


def _judges(competition_id):
    db.session.rollback()  # end this test's own read, to see what the requests left
    found = db.select(JudgeAppointment).filter_by(competition_id=competition_id)
    return sorted(a.user.name for a in db.session.scalars(found))


@pytest.fixture
def cy(app):
    judge = make_staff("judge", email="cy@example.org")
    judge.name = "Cy Judge"
    db.session.commit()
    return judge


def test_a_judge_appointed_twice_says_they_judge_it_already(client, competition, cy):
    url, form = _appoint_form(client, competition, "Cy Judge")
    first, again = [_told([client], [client.post(url, data=form)])[0] for _ in range(2)]
    assert "Cy Judge now judges this competition" in first
    assert "Cy Judge judges this competition already" in again and "Not saved" not in again
    assert _judges(competition.id) == ["Bo Judge", "Cy Judge"]


def test_a_judge_appointed_by_two_admins_at_once_is_appointed_once(
    app, client, competition, cy, monkeypatch
):
    """Both copies would be past the look for an appointment before either made it (on
    PostgreSQL the second broke the one-appointment rule, and was told "Not saved")."""
    clients = _two_admins(app, client)
    sent = [_appoint_form(each, competition, "Cy Judge") for each in clients]
    sends = [lambda i=i: clients[i].post(sent[i][0], data=sent[i][1]) for i in (0, 1)]
    # The look for an appointment comes before the new appointment's id is chosen.
    answers = send_at_once(monkeypatch, competition_services, "_new_id", sends)
    told = _told(clients, answers)
    assert sum("Cy Judge now judges this competition" in t for t in told) == 1
    assert sum("Cy Judge judges this competition already" in t for t in told) == 1
    assert not any("Not saved" in t for t in told)
    assert _judges(competition.id) == ["Bo Judge", "Cy Judge"]


def test_no_judge_is_appointed_once_the_results_are_published(client, competition, cy):
    """As none is removed: the results, and the count of judges who scored, stand."""
    url, form = _appoint_form(client, competition, "Cy Judge")
    competition.results_published_at = competition.voting_close_at
    db.session.commit()
    page = client.get(f"/staff/admin/competitions/{competition.id}").text
    assert f'action="{url}"' not in page
    assert "The results are published: the judges can no longer change" in page
    told = _told([client], [client.post(url, data=form)])[0]
    assert "Not saved: The results are published: the judges can no longer change" in told
    assert _judges(competition.id) == ["Bo Judge"]


def test_a_criterion_sent_once_judges_have_scored_keeps_what_was_typed(client, competition):
    """The page was opened before a judge's first score: the criterion typed is refused, and
    was lost with the page (sent back to it with "Not saved")."""
    url, form = _add(client, competition, "Composition")
    form["description"] = "Balance and framing"
    entry = make_photo_entry(competition, shortlisted=True)
    bo = db.session.scalars(db.select(User).filter_by(name="Bo Judge")).one()
    criterion = competition.criteria[0]
    db.session.add(Score(judge_id=bo.id, entry_id=entry.id, criterion_id=criterion.id, value=4))
    db.session.commit()
    assert f'action="{url}"' not in client.get(f"/staff/admin/competitions/{competition.id}").text
    refused = client.post(url, data=form)
    assert refused.status_code == 409
    assert "<title>Error: " in refused.text
    text = html.unescape(refused.text)
    assert (
        "Judges have started scoring: the criteria can no longer change. What you typed was "
        "not saved"
    ) in text
    assert 'value="Composition"' in text and 'value="Balance and framing"' in text
    assert _names(competition.id) == THREE
