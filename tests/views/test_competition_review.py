"""The photo competition as admins, judges and residents meet it: edge cases found in review."""

import re
from datetime import date, timedelta

import pytest

from engage.admin import competitions as competition_views
from engage.admin.competition_forms import start_of
from engage.extensions import db
from engage.models import Award, Competition, JudgeAppointment, ModerationStatus, User, Vote
from engage.models._types import utcnow
from engage.template_helpers import LOCAL_TZ
from tests.at_once import send_at_once
from tests.conftest import hidden_fields, make_staff, post_form, sign_in
from tests.factories import make_consultation
from tests.photo_factories import (
    competition_data,
    make_competition,
    make_criteria,
    make_photo_entry,
)


@pytest.mark.parametrize(
    "field, day, message",
    [
        # The last day there is: its end (the next midnight) cannot be worked out.
        ("voting_close", ["31", "12", "9999"], "Voting closes must be a date between"),
        ("entries_close", ["1", "1", "1999"], "Entries close must be a date between"),
        ("entries_open", ["31", "2", "2026"], "Entries open must be a real date"),
        ("voting_open", ["1", "1", "99999"], "Voting opens must be a real date"),
    ],
)
def test_a_competition_date_out_of_range_gets_a_message(client, login_as, app, field, day, message):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    login_as("admin")
    url = "/staff/admin/competitions"
    response = post_form(client, url, url, competition_data(consultation, **{field: day}))
    assert response.status_code == 400
    assert message in response.text
    assert f'href="#{field}-day"' in response.text
    assert 'value="Picture your wish"' in response.text  # what was typed is kept
    assert db.session.query(Competition).count() == 0


def closed_competition(**overrides):
    now = utcnow()
    return make_competition(
        slug="pics",
        entries_open_at=now - timedelta(days=40),
        entries_close_at=now - timedelta(days=10),
        voting_open_at=now - timedelta(days=20),
        voting_close_at=now - timedelta(hours=1),
        **overrides,
    )


def test_a_winning_photo_taken_down_later_leaves_the_results(client, app):
    competition = closed_competition()
    winner = make_photo_entry(competition, title="Oak avenue", entrant_name="Robin Vale")
    choice = make_photo_entry(competition, title="Night bus", entrant_name="Ash Lee")
    admin = make_staff("admin")
    for kind, entry in [("winner", winner), ("peoples_choice", choice)]:
        db.session.add(
            Award(competition_id=competition.id, entry=entry, kind=kind, published_by_id=admin.id)
        )
    competition.results_published_at = utcnow()
    db.session.commit()
    assert "Robin Vale" in client.get("/competitions/pics/results").text
    # Reported after the results, and rejected by an officer (say, someone did not consent).
    winner.status, winner.status_reason = ModerationStatus.REJECTED, "personal"
    db.session.commit()
    page = client.get("/competitions/pics/results").text
    assert (
        "Robin Vale" not in page and "Oak avenue" not in page and f"/photos/{winner.id}" not in page
    )
    assert "Night bus" in page and "Ash Lee" in page
    # Every awarded photo taken down: the page says the results were out, not that they are due.
    choice.status, choice.status_reason = ModerationStatus.REJECTED, "personal"
    db.session.commit()
    page = client.get("/competitions/pics/results").text
    assert "The judges have not chosen the winners yet" not in page
    assert "The awarded photos have since been taken down" in page
    assert "Night bus" not in page and "Ash Lee" not in page


def test_an_award_whose_entrant_asked_to_be_erased_says_so_to_admins(client, login_as, app):
    from engage.services.rights import erase
    from engage.storage import get_storage

    competition = closed_competition()
    winner = make_photo_entry(competition, title="Oak avenue", email="robin@example.org")
    admin = make_staff("admin")
    db.session.add(
        Award(competition_id=competition.id, entry=winner, kind="winner", published_by_id=admin.id)
    )
    competition.results_published_at = utcnow()
    erase("robin@example.org", get_storage())
    db.session.commit()
    login_as("admin")
    page = client.get(f"/staff/admin/competitions/{competition.id}").text
    assert "“Oak avenue” (its entrant's details were removed at their request)" in page
    assert "” by </li>" not in page


def test_a_vote_for_a_photo_taken_down_can_be_given_again(client, app):
    competition = make_competition(slug="pics")
    first = make_photo_entry(competition, title="Oak avenue")
    second = make_photo_entry(competition, title="Night bus")
    db.session.commit()
    page = client.get(f"/competitions/pics/photos/{first.id}")
    client.post(f"/competitions/pics/photos/{first.id}/vote", data=hidden_fields(page.text))
    first.status = ModerationStatus.REJECTED
    db.session.commit()
    # The page no longer points them to the photo they voted for (it is gone: a 404).
    page = client.get(f"/competitions/pics/photos/{second.id}")
    assert f"/photos/{first.id}" not in page.text
    assert "Vote for this photo" in page.text
    response = client.post(
        f"/competitions/pics/photos/{second.id}/vote", data=hidden_fields(page.text)
    )
    assert response.status_code == 303
    assert "your vote for “\u2068Night bus\u2069” is counted" in client.get(response.location).text
    assert [v.entry_id for v in db.session.query(Vote)] == [second.id]
    # And that vote, for a photo still in the gallery, is the one that stands.
    assert client.get(f"/competitions/pics/photos/{first.id}").status_code == 404
    # A second tab, still showing the button, cannot vote twice.
    again = client.post(
        f"/competitions/pics/photos/{second.id}/vote", data=hidden_fields(page.text)
    )
    assert again.status_code == 303, again.text
    assert "already voted" in client.get(again.headers["Location"]).text


def test_a_judge_sees_nothing_scored_before_there_are_criteria(client, app):
    competition = make_competition(slug="pics")
    make_photo_entry(competition, title="Oak avenue", shortlisted=True)
    judge = make_staff("judge")
    db.session.add(JudgeAppointment(competition=competition, user=db.session.get(User, judge.id)))
    db.session.commit()
    sign_in(client, judge)
    page = client.get("/staff/judging/").text
    assert "0 of 1 shortlisted photos scored" in page


def test_the_shortlist_message_counts_what_was_saved(client, app):
    competition = closed_competition()
    kept = make_photo_entry(competition, title="Oak avenue")
    taken_down = make_photo_entry(competition, title="Night bus")
    db.session.commit()
    sign_in(client, make_staff("admin"))
    url = f"/staff/admin/competitions/{competition.id}"
    page = client.get(url)
    # Another officer rejects a photo while the admin has the page open with both ticked.
    taken_down.status = ModerationStatus.REJECTED
    db.session.commit()
    data = {**hidden_fields(page.text), "shortlisted": [str(kept.id), str(taken_down.id)]}
    response = client.post(f"{url}/shortlist", data=data)
    assert response.status_code == 303
    assert "Shortlist saved: 1 photo" in client.get(response.location).text
    db.session.expire_all()
    assert [kept.shortlisted, taken_down.shortlisted] == [True, False]


def test_a_shortlist_sent_from_a_page_opened_before_keeps_the_photos_it_did_not_show(client, app):
    """The admin's page shows Oak avenue; Night bus is approved since and another admin
    shortlists it (its judges may have scored it). Saved with Oak ticked, the page took Night
    bus off the shortlist, unseen."""
    competition = closed_competition()
    oak = make_photo_entry(competition, title="Oak avenue")
    bus = make_photo_entry(competition, title="Night bus", status=ModerationStatus.PENDING)
    db.session.commit()
    sign_in(client, make_staff("admin"))
    url = f"/staff/admin/competitions/{competition.id}"
    page = client.get(url)
    bus.status, bus.shortlisted = ModerationStatus.APPROVED, True
    db.session.commit()
    data = {**hidden_fields(page.text), "shortlisted": [str(oak.id)]}
    response = client.post(f"{url}/shortlist", data=data)
    assert "Shortlist saved: 2 photos" in client.get(response.location).text
    db.session.expire_all()
    assert [oak.shortlisted, bus.shortlisted] == [True, True]
    # Unticked on a page that shows it, it comes off.
    page = client.get(url)
    client.post(f"{url}/shortlist", data={**hidden_fields(page.text), "shortlisted": []})
    db.session.expire_all()
    assert [oak.shortlisted, bus.shortlisted] == [False, False]


def test_closing_dates_are_the_last_day_the_admin_chose(client, app):
    # As the admin's form stores them: entries and voting close as the day after starts.
    today = utcnow().astimezone(LOCAL_TZ).date()
    last_entry_day, last_voting_day = today - timedelta(days=5), today + timedelta(days=9)
    competition = make_competition(
        slug="pics",
        entries_open_at=start_of(today - timedelta(days=30)),
        entries_close_at=start_of(last_entry_day + timedelta(days=1)),
        voting_open_at=start_of(today - timedelta(days=2)),
        voting_close_at=start_of(last_voting_day + timedelta(days=1)),
    )
    entry = make_photo_entry(competition)
    db.session.commit()

    def day(d):
        return f"{d:%-d %B %Y}"

    page = client.get("/competitions/pics").text
    assert f"Entries closed on {day(last_entry_day)}." in page
    assert f"{day(last_entry_day)} at 11:59pm" in page  # the dates list
    assert f"{day(last_voting_day)} at 11:59pm" in page
    assert day(last_entry_day + timedelta(days=1)) not in page
    assert day(last_voting_day + timedelta(days=1)) not in page
    page = client.get("/competitions/pics/enter").text
    assert f"Entries closed on {day(last_entry_day)} at 11:59pm" in page
    page = client.get(f"/competitions/pics/photos/{entry.id}").text
    assert f"Voting is open until {day(last_voting_day)} at 11:59pm" in page
    page = client.get("/competitions/pics/results").text
    assert f"after voting closes on {day(last_voting_day)}." in page


def test_publishing_twice_at_once_keeps_the_first_results(client, app):
    competition = closed_competition()
    make_criteria(competition)
    entry = make_photo_entry(competition, title="Oak avenue", shortlisted=True)
    db.session.commit()
    sign_in(client, make_staff("admin"))
    url = f"/staff/admin/competitions/{competition.id}"
    page = client.get(url)
    # A double click: the first request stores its awards while the second is on its way, and
    # the second read the competition before the first marked it published.
    first = make_staff("admin")
    db.session.add(
        Award(competition_id=competition.id, entry=entry, kind="winner", published_by_id=first.id)
    )
    db.session.commit()
    response = client.post(
        f"{url}/publish", data={**hidden_fields(page.text), "winner": str(entry.id)}
    )
    assert response.status_code == 303
    assert "already published" in client.get(response.location).text
    assert db.session.query(Award).count() == 1


def test_a_competition_created_twice_at_once_gets_a_message(client, login_as, app, monkeypatch):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    login_as("admin")
    url = "/staff/admin/competitions"
    page = client.get(url)
    # A double click: the first request creates it after the second checked the address.
    make_competition(consultation, slug="picture-your-wish")
    db.session.commit()
    # ...so the second request's check of the address finds nothing.
    real_scalar = db.session.scalar

    def scalar(statement, *args, **kwargs):
        if "photo_competitions.slug" in str(statement):
            return None
        return real_scalar(statement, *args, **kwargs)

    monkeypatch.setattr(db.session, "scalar", scalar)
    response = client.post(url, data={**hidden_fields(page.text), **competition_data(consultation)})
    monkeypatch.undo()
    assert response.status_code == 400
    assert "is taken: choose another" in response.text
    assert db.session.query(Competition).count() == 1


def test_a_criterion_left_unscored_is_marked_and_linked(client, app):
    competition = closed_competition()
    criteria = make_criteria(competition)
    entry = make_photo_entry(competition, title="Oak avenue", shortlisted=True)
    judge = make_staff("judge")
    db.session.add(JudgeAppointment(competition=competition, user=db.session.get(User, judge.id)))
    db.session.commit()
    sign_in(client, judge)
    url = f"/staff/judging/{competition.id}"
    page = client.get(url)
    data = {**hidden_fields(page.text), f"criterion-{criteria[0].id}": "4"}
    data[f"criterion-{criteria[2].id}"] = "9"  # not a score: sent by hand
    response = client.post(f"{url}/entries/{entry.id}", data=data)
    assert response.status_code == 400
    # The summary takes the judge to the first criterion without a score...
    assert f'href="#criterion-{criteria[1].id}-{entry.id}-1"' in response.text
    assert f'id="criterion-{criteria[1].id}-{entry.id}-1"' in response.text
    # ...and each one without a score says so, where the judge is; the score given is kept.
    assert response.text.count("govuk-form-group--error") == 2
    assert response.text.count("Choose a score from 1 to 5") == 2
    assert re.search(rf'id="criterion-{criteria[0].id}-{entry.id}-4"[^>]*checked', response.text)


@pytest.mark.parametrize(
    "field, limit, message",
    [
        ("title", 200, "Enter the title in 200 characters or fewer"),
        ("slug", 80, "Enter the web address in 80 characters or fewer"),
        ("summary", 2000, "Say what to photograph in 2,000 characters or fewer"),
        ("rules", 10_000, "Enter the rules in 10,000 characters or fewer"),
    ],
)
def test_a_competition_field_over_its_limit_names_it(client, login_as, app, field, limit, message):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    login_as("admin")
    url = "/staff/admin/competitions"
    data = competition_data(consultation, **{field: "a" * (limit + 1)})
    response = post_form(client, url, url, data)
    assert response.status_code == 400
    assert f'<a href="#{field}">{message}</a>' in response.text
    assert "Field cannot be longer" not in response.text


def test_voting_that_ends_before_entries_open_is_refused(client, login_as, app):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    login_as("admin")
    url = "/staff/admin/competitions"
    data = competition_data(
        consultation, voting_open=["10", "6", "2025"], voting_close=["30", "6", "2025"]
    )
    response = post_form(client, url, url, data)
    assert response.status_code == 400
    assert "Voting must close after entries open" in response.text
    assert db.session.query(Competition).count() == 0


def test_details_another_admin_saved_since_the_page_opened_are_not_undone(client, login_as, app):
    """Two admins open the details at once; one corrects the title and saves. The other's save,
    of the summary, sent every field as their page showed it: it put the typo back, unseen."""
    competition = make_competition(slug="pics", **competition_dates())
    competition.title = "Picture yuor wish"
    db.session.commit()
    url = f"/staff/admin/competitions/{competition.id}/edit"
    login_as("admin")
    other = app.test_client()
    sign_in(other, make_staff("admin"))
    mine = hidden_fields(client.get(url).text)
    assert post_form(other, url, url, competition_data(slug="pics")).status_code == 303
    typed = competition_data(slug="pics", title="Picture yuor wish", summary="Photograph it.")
    refused = client.post(url, data={**mine, **typed})
    assert refused.status_code == 409
    assert "<title>Error: " in refused.text
    assert (
        "Someone else saved this competition's details after you opened this page. Your "
        "changes are below and are not saved: check them against what is saved now, then "
        "save again"
    ) in refused.text.replace("&#39;", "'")
    assert "Photograph it." in refused.text  # what was typed is kept
    saved_now = refused.text[refused.text.index("Saved now") :]
    assert "Picture your wish" in saved_now and "Photograph a wish." in saved_now
    db.session.refresh(competition)
    assert (competition.title, competition.summary) == ("Picture your wish", "Photograph a wish.")
    # Checked, and sent again from the page that said so: saved.
    again = {**hidden_fields(refused.text), **typed, "title": "Picture your wish"}
    assert client.post(url, data=again).status_code == 303
    db.session.refresh(competition)
    assert (competition.title, competition.summary) == ("Picture your wish", "Photograph it.")


def competition_dates():
    """The dates competition_data's form gives, as stored."""
    days = [(1, 6), (21, 6), (10, 6), (1, 7)]  # closing moments: the start of the day after
    names = ["entries_open_at", "entries_close_at", "voting_open_at", "voting_close_at"]
    return {
        name: start_of(date(2026, month, day))
        for name, (day, month) in zip(names, days, strict=True)
    }


def test_details_saved_by_two_admins_at_once_keep_the_first(client, login_as, app, monkeypatch):
    """Both saves would be past the look at what is saved before either saved (the second
    undid the first unseen); the second waits for the first, and is shown it."""
    competition = make_competition(slug="pics", **competition_dates())
    db.session.commit()
    url = f"/staff/admin/competitions/{competition.id}/edit"
    login_as("admin")
    other = app.test_client()
    sign_in(other, make_staff("admin"))
    clients = [client, other]
    sent = [
        {**hidden_fields(each.get(url).text), **competition_data(slug="pics", summary=summary)}
        for each, summary in zip(clients, ["Photograph it.", "Photograph a wish."], strict=True)
    ]
    sends = [lambda i=i: clients[i].post(url, data=sent[i]) for i in (0, 1)]
    answers = send_at_once(monkeypatch, competition_views, "details_fingerprint", sends)
    assert sorted(a.status_code for a in answers) == [303, 409]
    first = next(i for i in (0, 1) if answers[i].status_code == 303)
    db.session.refresh(competition)
    assert competition.summary == sent[first]["summary"]
