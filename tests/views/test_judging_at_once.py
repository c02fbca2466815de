"""A judge's scores sent while an admin removes a criterion or the judge, or sent twice at
once: the save waits for the change (the competition's lock), and the judge is told plainly
when what they scored went meanwhile, with what they chose kept on the page."""

import re

import pytest

from engage.admin import competitions as competition_views
from engage.extensions import db
from engage.models import Criterion, JudgeAppointment, Score
from engage.services import competitions as competition_services
from engage.services import judging as judging_services
from tests.at_once import send_at_once, send_at_once_in
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.photo_factories import make_competition, make_criteria, make_photo_entry

pytestmark = pytest.mark.usefixtures("csrf_app")


@pytest.fixture
def judging(app, client):
    """A competition with three criteria and two shortlisted photos; `client` is its judge,
    Bo Judge, signed in, and the admin has a client of their own."""
    competition = make_competition(title="Picture your wish")
    make_criteria(competition)
    entries = [
        make_photo_entry(competition, title=title, shortlisted=True)
        for title in ("Oak avenue", "Night bus")
    ]
    judge = make_staff("judge", email="judge@example.org")
    judge.name = "Bo Judge"
    db.session.add(JudgeAppointment(competition=competition, user=judge))
    db.session.commit()
    sign_in(client, judge)
    admin = app.test_client()
    sign_in(admin, make_staff("admin", email="admin@example.org"))
    return competition, entries, admin


def _score_form(client, competition, entry, values):
    """The judge's score form for `entry` as sent from the page opened now: a score for each
    criterion the page shows, in order."""
    page = client.get(f"/staff/judging/{competition.id}").text
    ids = dict.fromkeys(re.findall(r'name="criterion-([0-9]+)"', page))
    url = f"/staff/judging/{competition.id}/entries/{entry.id}"
    data = {f"criterion-{i}": str(v) for i, v in zip(ids, values, strict=True)}
    return url, {**hidden_fields(page), **data}


def _admin_removes(admin, competition, what):
    base = f"/staff/admin/competitions/{competition.id}"
    if what == "criterion":
        url = f"{base}/criteria/{competition.criteria[1].id}/remove"
    else:
        appointment = db.session.scalars(db.select(JudgeAppointment)).one()
        url = f"{base}/judges/{appointment.id}/remove"
    return url, {**hidden_fields(admin.get(base).text)}


def _send(client, url_and_form):
    url, form = url_and_form
    return client.post(url, data=form)


def _scores(competition_id):
    db.session.rollback()  # end this test's own read, to see what the requests left
    rows = db.session.query(Score).join(Criterion).filter_by(competition_id=competition_id)
    return sorted((s.entry_id, s.criterion_id, s.value) for s in rows)


def test_a_criterion_removed_after_the_page_opened_is_not_scored(client, judging):
    competition, entries, admin = judging
    url, form = _score_form(client, competition, entries[0], [4, 2, 5])
    _send(admin, _admin_removes(admin, competition, "criterion"))  # "Impact"
    answer = client.post(url, data=form)
    assert answer.status_code == 400
    assert "<title>Error: " in answer.text
    assert "A criterion was removed since this page was opened" in answer.text
    assert "your scores for “Oak avenue” were not saved" in answer.text
    kept = re.findall(r'name="criterion-[0-9]+" type="radio" value="([0-9])" checked', answer.text)
    assert kept == ["4", "5"]  # what the judge chose, still chosen
    assert _scores(competition.id) == []


def test_a_judge_removed_after_the_page_opened_is_told_and_keeps_their_scores(client, judging):
    competition, entries, admin = judging
    url, form = _score_form(client, competition, entries[0], [4, 2, 5])
    assert client.post(url, data=form).status_code == 303
    saved = _scores(competition.id)
    url, form = _score_form(client, competition, entries[1], [1, 1, 1])
    _send(admin, _admin_removes(admin, competition, "judge"))
    answer = client.post(url, data=form)
    assert answer.status_code == 403
    assert "<title>Error: " in answer.text
    assert "Your scores for “Night bus” were not saved: you no longer judge" in answer.text
    assert "The scores you saved before are kept" in answer.text
    assert _scores(competition.id) == saved and len(saved) == 3


def test_the_same_scores_sent_twice_at_once_are_saved_once(app, client, judging, monkeypatch):
    """Both copies would be past the look for scores saved before either saved (on PostgreSQL
    the second's rows broke the one-score-a-criterion rule: a server error)."""
    competition, entries, _admin = judging
    url, form = _score_form(client, competition, entries[0], [4, 2, 5])
    sends = [lambda: client.post(url, data=form)] * 2
    answers = send_at_once(monkeypatch, judging_services, "scores_of", sends)
    assert [a.status_code for a in answers] == [303, 303]
    chosen = zip([c.id for c in competition.criteria], [4, 2, 5], strict=True)
    assert _scores(competition.id) == [(entries[0].id, i, v) for i, v in chosen]


def test_scores_sent_as_a_criterion_is_removed_score_only_criteria_there(
    app, client, judging, monkeypatch
):
    """The removal would be past its check that no judge has scored, and the save past its
    look at the criteria, before either saved (on PostgreSQL: a server error, or a score
    against a criterion that is gone). One waits for the other: the scores are saved and the
    removal refused, or the criterion removed and the judge told."""
    competition, entries, admin = judging
    url, form = _score_form(client, competition, entries[0], [4, 2, 5])
    removal = _admin_removes(admin, competition, "criterion")
    places = [(competition_services, "scoring_started"), (judging_services, "scores_of")]
    sends = [lambda: client.post(url, data=form), lambda: _send(admin, removal)]
    scored, removed = send_at_once_in(monkeypatch, places, sends)
    told = admin.get(removed.location).text
    remaining = [c.id for c in db.session.query(Criterion).filter_by(competition_id=competition.id)]
    if scored.status_code == 303:
        assert "Not saved: Judges have started scoring" in told and len(remaining) == 3
        assert [s[1] for s in _scores(competition.id)] == remaining
    else:
        assert scored.status_code == 400 and "A criterion was removed since" in scored.text
        assert "Removed the criterion “Impact”" in told and len(remaining) == 2
        assert _scores(competition.id) == []


def test_scores_sent_as_the_judge_is_removed_are_kept_or_refused(app, client, judging, monkeypatch):
    competition, entries, admin = judging
    url, form = _score_form(client, competition, entries[0], [4, 2, 5])
    removal = _admin_removes(admin, competition, "judge")
    places = [(competition_views, "remove_judge"), (judging_services, "scores_of")]
    sends = [lambda: client.post(url, data=form), lambda: _send(admin, removal)]
    scored, removed = send_at_once_in(monkeypatch, places, sends)
    assert "Bo Judge no longer judges this competition" in admin.get(removed.location).text
    if scored.status_code == 303:
        assert len(_scores(competition.id)) == 3  # saved first, and kept
    else:
        assert scored.status_code == 403 and "you no longer judge" in scored.text
        assert _scores(competition.id) == []


def test_a_score_for_a_made_up_criterion_is_not_told_it_was_removed(client, judging):
    competition, entries, _admin = judging
    url, form = _score_form(client, competition, entries[0], [4, 2, 5])
    answer = client.post(url, data={**form, "criterion-99999": "3"})  # a hand-edited form
    assert answer.status_code == 400
    assert "Give a score from 1 to 5 for every criterion" in answer.text
    assert "removed" not in answer.text
    assert _scores(competition.id) == []


def test_scores_for_a_criterion_removed_and_another_added_are_not_saved_against_it(client, judging):
    """The judge's page shows Quality; an admin removes it and adds Composition. On SQLite
    Composition was given Quality's id, and the score chosen for Quality was saved for it."""
    competition, entries, admin = judging
    url, form = _score_form(client, competition, entries[0], [4, 2, 5])
    base = f"/staff/admin/competitions/{competition.id}"
    quality = competition.criteria[2]  # the last added: the largest id
    _send(admin, (f"{base}/criteria/{quality.id}/remove", hidden_fields(admin.get(base).text)))
    added = {**hidden_fields(admin.get(base).text), "name": "Composition"}
    assert admin.post(f"{base}/criteria", data=added).status_code == 303
    answer = client.post(url, data=form)
    assert answer.status_code == 400
    assert "A criterion was removed since this page was opened" in answer.text
    assert _scores(competition.id) == []


def test_scores_for_a_photo_taken_off_the_shortlist_since_say_so(client, judging):
    """An admin takes the photo off the shortlist while the judge's page is open: they were
    told "Only shortlisted entries are scored", pointed to a photo no longer on the page."""
    competition, entries, _admin = judging
    url, form = _score_form(client, competition, entries[0], [4, 2, 5])
    entries[0].shortlisted = False
    db.session.commit()
    answer = client.post(url, data=form)
    assert answer.status_code == 400
    assert "<title>Error: " in answer.text
    assert (
        "“Oak avenue” is not on the shortlist now (it may have been taken off since this page "
        "was opened): your scores for it were not saved"
    ) in answer.text
    assert f'href="#entry-{entries[0].id}"' not in answer.text  # it is not on the page
    assert "Night bus" in answer.text  # the shortlist as it is now, to score
    assert _scores(competition.id) == []
