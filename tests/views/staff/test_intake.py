"""Paper cards keyed in by officers."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import TimestampSigner

from engage.extensions import db
from engage.models import ModerationStatus, Submission
from engage.services.tokens import issue_form_token
from engage.template_helpers import LOCAL_TZ
from tests.conftest import hidden_fields
from tests.factories import make_consultation, make_wish


@pytest.fixture
def consultation(app):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    return consultation


def _card(client, consultation, **fields):
    page = client.get("/staff/cards/new")
    data = {
        **hidden_fields(page.text),
        "consultation": str(consultation.id),
        "channel": "paper_card",
        "card_number": "C-001",
        "wish_1": "More buses",
        **fields,
    }
    return client.post("/staff/cards/new", data=data)


def test_key_in_a_card(client, login_as, consultation):
    officer = login_as("officer")
    response = _card(
        client, consultation, wish_2="Safer parks", postcode="DE22 1AB", age_band="65_74"
    )
    assert response.status_code == 303
    submission = db.session.query(Submission).one()
    assert (submission.channel, submission.card_number, submission.keyed_by_id) == (
        "paper_card",
        "C-001",
        officer.id,
    )
    assert [w.status for w in submission.wishes] == [ModerationStatus.PENDING] * 2
    assert submission.details.age_band == "65_74"
    assert f"Saved card C-001 as {submission.reference}" in client.get(response.location).text


def test_card_number_already_entered_warns(client, login_as, consultation):
    login_as("officer")
    _card(client, consultation)
    again = _card(client, consultation, wish_1="Another wish")
    assert again.status_code == 409 and "was already keyed in" in again.text
    assert db.session.query(Submission).count() == 1
    anyway = _card(client, consultation, wish_1="Another wish", confirm_duplicate="y")
    assert anyway.status_code == 303 and db.session.query(Submission).count() == 2


def test_card_needs_a_number_and_a_wish(client, login_as, consultation):
    login_as("officer")
    page = _card(client, consultation, card_number="", wish_1="")
    assert page.status_code == 400
    assert "Enter the card number" in page.text and "Enter at least one wish" in page.text


def _old_token(app, client, monkeypatch, hours: int) -> dict:
    """The card form's hidden fields, with a form token issued `hours` ago."""
    fields = hidden_fields(client.get("/staff/cards/new").text)
    issued = int(time.time()) - hours * 3600
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: issued)
        return {**fields, "form_token": issue_form_token(app.secret_key, "keyed-card")}


def test_an_expired_card_form_comes_back_with_the_typing_kept(
    app, client, login_as, consultation, monkeypatch
):
    login_as("officer")
    typed = {
        "consultation": str(consultation.id),
        "channel": "paper_card",
        "card_number": "C-042",
        "wish_1": "A crossing by the school",
        "wish_2": "Benches on Osmaston Road",
        "postcode": "DE23 6AA",
        "age_band": "65_74",
    }
    old = _old_token(app, client, monkeypatch, hours=25)
    page = client.post("/staff/cards/new", data={**old, **typed})
    assert page.status_code == 400 and "<title>Error: Key in a card" in page.text
    summary = page.text.split('class="govuk-error-summary"')[1].split("</div>")[0:3]
    assert "This form was open for too long" in "".join(summary)
    for value in ("C-042", "A crossing by the school", "Benches on Osmaston Road", "DE23 6AA"):
        assert value in page.text
    assert 'value="65_74" checked' in page.text
    fresh = hidden_fields(page.text)
    assert fresh["form_token"] != old["form_token"]
    assert db.session.query(Submission).count() == 0
    saved = client.post("/staff/cards/new", data={**fresh, **typed})
    assert saved.status_code == 303
    submission = db.session.query(Submission).one()
    assert (submission.card_number, len(submission.wishes)) == ("C-042", 2)


def test_the_card_form_keeps_tokens_as_long_as_the_setting_says(
    app, client, login_as, consultation, monkeypatch
):
    login_as("officer")
    monkeypatch.setitem(app.config, "FORM_TOKEN_MAX_AGE", 48 * 3600)
    data = {
        **_old_token(app, client, monkeypatch, hours=25),
        "consultation": str(consultation.id),
        "channel": "paper_card",
        "card_number": "C-043",
        "wish_1": "More buses",
    }
    assert client.post("/staff/cards/new", data=data).status_code == 303
    monkeypatch.setitem(app.config, "FORM_TOKEN_MAX_AGE", 3600)
    data.update(_old_token(app, client, monkeypatch, hours=2), card_number="C-044")
    refused = client.post("/staff/cards/new", data=data)
    assert refused.status_code == 400 and "This form was open for too long" in refused.text
    assert db.session.query(Submission).count() == 1


def test_the_next_card_keeps_the_consultation_and_channel_of_the_last(
    client, login_as, consultation
):
    login_as("officer")
    older = make_consultation(slug="older", opens_at=consultation.opens_at - timedelta(days=9))
    db.session.commit()
    saved = _card(client, older, channel="wish_tree")
    assert saved.status_code == 303
    page = client.get(saved.location).text
    assert f'<option value="{older.id}" selected>' in page
    assert 'value="wish_tree" checked' in page


def test_a_card_number_keyed_in_another_case_is_the_same_card(client, login_as, consultation):
    login_as("officer")
    _card(client, consultation, card_number="AB-0042")
    again = _card(client, consultation, card_number="ab-0042", wish_1="Another wish")
    assert again.status_code == 409 and "was already keyed in" in again.text
    assert db.session.query(Submission).count() == 1


def test_the_duplicate_warning_gives_the_uk_date_and_time(client, login_as, consultation):
    login_as("officer")
    earlier = make_wish(consultation, created_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    earlier.submission.card_number = "C-777"
    db.session.commit()
    again = _card(client, consultation, card_number="C-777")
    assert again.status_code == 409
    assert "Card C-777 was already keyed in on 1 July 2026 at 12:30am" in again.text


def test_a_card_not_saved_as_a_duplicate_is_an_error_linked_to_save_it_anyway(
    client, login_as, consultation
):
    login_as("officer")
    _card(client, consultation)
    again = _card(client, consultation, wish_1="Another wish")
    assert again.status_code == 409
    assert "<title>Error: Key in a card" in again.text
    summary = again.text.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert 'href="#confirm_duplicate"' in summary and "Card C-001 was already keyed in" in summary
    assert "Another wish" in again.text


def test_a_card_too_late_gives_the_last_day_of_a_consultation_closed_at_midnight(client, login_as):
    # Midnight in winter, when UK time is UTC: the stored instant's own date is the day after.
    closes_at = datetime(2025, 1, 16, 0, 0, tzinfo=LOCAL_TZ)
    late = make_consultation(opens_at=closes_at - timedelta(days=60), closes_at=closes_at)
    db.session.commit()
    login_as("officer")
    response = _card(client, late)
    assert response.status_code == 403
    assert f"{late.title} closed on 15 January 2025. We cannot accept new wishes." in (
        response.text
    )


def test_a_card_too_early_gives_the_uk_day_the_consultation_opens(client, login_as):
    # 00:30 on 1 July in UK summer time is 23:30 on 30 June in UTC.
    opens_at = datetime(2099, 7, 1, 0, 30, tzinfo=LOCAL_TZ)
    early = make_consultation(opens_at=opens_at, closes_at=opens_at + timedelta(days=30))
    db.session.commit()
    login_as("officer")
    response = _card(client, early)
    assert response.status_code == 403
    assert f"{early.title} opens on 1 July 2099. Come back then." in response.text
