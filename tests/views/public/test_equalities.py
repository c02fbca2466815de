"""The optional equalities questions after wishes, a photo entry and a comment: stored under a
random pseudonym with no link to the entry, changeable from the same browser only, and read
only as suppressed counts."""

import re

import pytest

from engage.extensions import db
from engage.models import EQUALITIES_QUESTIONS, EqualitiesResponse, Submission
from engage.services.equalities import equalities_report, save_answers
from tests.conftest import hidden_fields
from tests.factories import make_consultation


@pytest.fixture
def consultation(app):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    return consultation


def _send_wishes(client):
    page = client.get("/consultations/derby/wishes/new")
    return client.post(
        "/consultations/derby/wishes/new",
        data={**hidden_fields(page.text), "wish_1": "More buses"},
    )


ANSWERS = {
    "sex": "female",
    "gender_identity": "yes",
    "disability": "limited_a_little",
    "ethnic_group": "white_roma",
    "religion": "prefer_not",
    "sexual_orientation": "bisexual",
    "carer": "20_34",
}


def test_offered_after_wishes_and_stored_apart(client, consultation):
    _send_wishes(client)
    sent = client.get("/consultations/derby/wishes/sent").text
    assert 'href="/consultations/derby/wishes/equalities"' in sent
    page = client.get("/consultations/derby/wishes/equalities")
    assert page.status_code == 200
    for question in ANSWERS:
        assert EQUALITIES_QUESTIONS[question]["label"].replace("'", "&#39;") in page.text
    assert page.text.count('value="prefer_not"') == len(ANSWERS)  # age is asked in about you
    assert "What is your age?" not in page.text
    saved = client.post(
        "/consultations/derby/wishes/equalities", data={**hidden_fields(page.text), **ANSWERS}
    )
    assert saved.status_code == 303 and saved.location.endswith("/wishes/sent")
    row = db.session.query(EqualitiesResponse).one()
    assert {q: getattr(row, q) for q in ANSWERS} == ANSWERS and row.age_band is None
    assert (row.source, row.consultation_id) == ("wish", consultation.id)
    assert re.fullmatch(r"[0-9a-f]{32}", row.pseudonym)
    submission = db.session.query(Submission).one()
    # Nothing on the submission's side names the pseudonym, and the row names no entry.
    columns = {c.name for c in EqualitiesResponse.__table__.columns}
    assert not columns & {"id", "submission_id", "reference", "created_at", "wish_id"}
    assert row.pseudonym not in repr(vars(submission)) + repr(vars(submission.wishes[0]))


def test_answers_can_be_changed_from_the_same_browser_only(client, app, consultation):
    _send_wishes(client)
    page = client.get("/consultations/derby/wishes/equalities")
    client.post(
        "/consultations/derby/wishes/equalities", data={**hidden_fields(page.text), "sex": "male"}
    )
    page = client.get("/consultations/derby/wishes/equalities")
    client.post(
        "/consultations/derby/wishes/equalities", data={**hidden_fields(page.text), "sex": "female"}
    )
    assert [r.sex for r in db.session.query(EqualitiesResponse)] == ["female"]
    other = app.test_client()
    assert other.get("/consultations/derby/wishes/equalities").status_code == 302


def test_skip_and_bad_answers(client, consultation):
    _send_wishes(client)
    page = client.get("/consultations/derby/wishes/equalities")
    fields = hidden_fields(page.text)
    skipped = client.post("/consultations/derby/wishes/equalities", data={**fields, "skip": "1"})
    assert skipped.status_code == 303 and db.session.query(EqualitiesResponse).count() == 0
    bad = client.post(
        "/consultations/derby/wishes/equalities",
        data={**fields, "religion": "<script>x</script>", "sex": "female"},
    )
    assert bad.status_code == 400 and "Error: " in bad.text
    assert "Choose one of the answers" in bad.text and 'value="female" checked' in bad.text
    assert db.session.query(EqualitiesResponse).count() == 0


def test_needs_an_entry_from_this_browser(client, consultation):
    response = client.get("/consultations/derby/wishes/equalities")
    assert response.status_code == 302 and response.location.endswith("/wishes/new")


def test_after_a_photo_entry_age_is_asked(client, app):
    from tests.photo_factories import make_competition, make_photo_entry

    competition = make_competition(make_consultation(slug="derby"), slug="photos")
    entry = make_photo_entry(competition)
    db.session.commit()
    with client.session_transaction() as session:
        session["photo_entries"] = [entry.id]
    assert "/competitions/photos/equalities" in client.get("/competitions/photos/entered").text
    page = client.get("/competitions/photos/equalities")
    assert "What is your age?" in page.text
    client.post(
        "/competitions/photos/equalities",
        data={**hidden_fields(page.text), "age_band": "65_74"},
    )
    row = db.session.query(EqualitiesResponse).one()
    assert (row.source, row.age_band) == ("photo", "65_74")


def test_after_a_comment(client, app):
    from tests.strategy_factories import make_comment, make_strategy

    strategy = make_strategy(make_consultation(slug="derby"))
    comment = make_comment(strategy.versions[0].priorities[0])
    db.session.commit()
    with client.session_transaction() as session:
        session["comments"] = [comment.id]
    sent = client.get("/consultations/derby/strategy/comments/sent").text
    assert "/consultations/derby/strategy/comments/equalities" in sent
    page = client.get("/consultations/derby/strategy/comments/equalities")
    client.post(
        "/consultations/derby/strategy/comments/equalities",
        data={**hidden_fields(page.text), "carer": "no"},
    )
    assert db.session.query(EqualitiesResponse).one().source == "comment"


def test_report_suppresses_small_counts(app, consultation):
    for n in range(25):
        save_answers(consultation, "wish", {"sex": "female" if n < 14 else "male"})
    for _ in range(3):
        save_answers(consultation, "photo", {"sex": "prefer_not", "religion": "sikh"})
    db.session.commit()
    report = {r.question: r for r in equalities_report(consultation)}
    sex = dict(report["sex"].rows)
    # 3 is hidden, and so is the next smallest count: 28 - 14 would give it away otherwise.
    assert sex == {"Female": "14", "Male": "not shown", "Prefer not to say": "fewer than 10"}
    assert report["sex"].answered == "28"
    religion = [*dict(report["religion"].rows).values(), report["religion"].answered]
    assert "fewer than 10" in religion and "3" not in religion[:-1]
    assert sum(v in ("fewer than 10", "not shown") for v in religion) >= 2


def test_strategy_team_sees_only_counts(client, app, consultation, login_as):
    for n in range(12):
        save_answers(consultation, "wish", {"carer": "no", "religion": "jewish" if n < 2 else None})
    db.session.commit()
    login_as("strategy")
    page = client.get(f"/staff/reports/equalities?consultation={consultation.id}")
    assert page.status_code == 200
    assert "12 people answered" in page.text and ">12<" in page.text
    assert "fewer than 10" in page.text and ">2<" not in page.text
    for row in db.session.query(EqualitiesResponse):
        assert row.pseudonym not in page.text
    assert client.get("/staff/reports/equalities?consultation=99999").status_code == 404
