"""The 3 wishes journey through the test client, with CSRF on, as a browser sends it."""

from datetime import timedelta

import pytest

from engage.extensions import db
from engage.models import RespondentDetails, Submission, Wish
from engage.models._types import utcnow
from tests.conftest import hidden_fields
from tests.factories import make_area, make_consultation


@pytest.fixture
def consultation(app):
    consultation = make_consultation(slug="derby")
    consultation.areas = [make_area(code="A1", name="Abbey", districts=["DE22"])]
    db.session.commit()
    return consultation


pytestmark = pytest.mark.usefixtures("csrf_app")


def open_form(client, slug="derby"):
    page = client.get(f"/consultations/{slug}/wishes/new")
    assert page.status_code == 200
    return hidden_fields(page.text)


def send_wishes(client, *wishes, fields=None, slug="derby", **extra):
    data = dict(fields or open_form(client, slug))
    data.update({f"wish_{n}": w for n, w in enumerate(wishes, start=1)}, **extra)
    return client.post(f"/consultations/{slug}/wishes/new", data=data)


def test_three_wishes_then_about_you_then_reference(client, consultation):
    sent = send_wishes(client, "More buses", "Safer parks", "A youth club")
    assert sent.status_code == 303 and sent.location.endswith("/wishes/about-you")
    step2 = client.get(sent.location)
    assert "We have saved your wishes" in step2.text
    details = client.post(
        sent.location,
        data={
            **hidden_fields(step2.text),
            "postcode": "de22 1ab",
            "age_band": "25_34",
            "email": "Resident@Example.com",
            "email_consent": "y",
        },
    )
    assert details.status_code == 303
    confirmation = client.get(details.location)
    submission = db.session.query(Submission).one()
    assert submission.reference in confirmation.text
    assert "More buses" in confirmation.text and "A youth club" in confirmation.text
    assert submission.area.name == "Abbey" and submission.channel == "online"
    assert submission.details.postcode == "DE22 1AB" and submission.details.email_consent


def test_on_a_shared_computer_the_next_person_cannot_see_what_was_sent(client, consultation):
    sent = send_wishes(client, "More buses")
    step2 = client.get(sent.location)
    details = client.post(
        sent.location,
        data={
            **hidden_fields(step2.text),
            "postcode": "de22 1ab",
            "email": "sam@example.org",
            "email_consent": "y",
        },
    )
    confirmation = client.get(details.location)
    assert "Clear my answers from this browser" in confirmation.text
    assert "DE22 1AB" in client.get(sent.location).text  # the about-you page, filled in
    cleared = client.post("/finished", data=hidden_fields(confirmation.text))
    assert cleared.status_code == 303
    assert "cleared from this browser" in client.get(cleared.location).text
    # The next person: no answers, no confirmation; what was sent is kept.
    about_you = client.get(sent.location)
    assert about_you.status_code == 302 and about_you.location.endswith("/wishes/new")
    assert client.get(details.location).status_code in (302, 303, 404)
    submission = db.session.query(Submission).one()
    assert submission.details.postcode == "DE22 1AB" and submission.wishes[0].text == "More buses"


def test_pages_showing_what_was_sent_are_not_kept_by_the_browser(client, consultation):
    """On a shared computer, Back or the history after "Clear my answers" must not bring the
    last person's email address, postcode or wishes back from the browser's cache."""
    typed = send_wishes(client, "Less litter")
    refused = send_wishes(client, "x" * 501)
    about_you = client.get(typed.location)
    details = client.post(
        typed.location,
        data={**hidden_fields(about_you.text), "email": "sam@example.org", "email_consent": "y"},
    )
    pages = [refused, client.get(typed.location), client.get(details.location)]
    pages.append(client.get("/consultations/derby/wishes/equalities"))
    assert "sam@example.org" in pages[1].text and "Less litter" in pages[2].text
    for page in pages:
        assert page.status_code in (200, 400)
        assert "no-store" in page.headers.get("Cache-Control", ""), page.request.path
    # Pages everyone sees stay cacheable as before.
    assert "no-store" not in client.get("/consultations/derby/wall").headers.get(
        "Cache-Control", ""
    )


def test_skip_about_you_stores_no_details(client, consultation):
    sent = send_wishes(client, "More trees")
    step2 = client.get(sent.location)
    skipped = client.post(sent.location, data={**hidden_fields(step2.text), "skip": "1"})
    assert skipped.status_code == 303
    assert db.session.query(RespondentDetails).count() == 0
    assert "W-" in client.get(skipped.location).text


def test_one_wish_is_enough_and_blank_ones_are_dropped(client, consultation):
    send_wishes(client, "", "  Cleaner streets  ", "\u200b")
    assert [w.text for w in db.session.query(Wish)] == ["Cleaner streets"]


def test_no_wishes_shows_error_beside_field(client, consultation):
    page = send_wishes(client, "", " ", "\u200b\u202e")
    assert page.status_code == 400
    assert "<title>Error: " in page.text
    assert 'href="#wish_1"' in page.text and "Enter at least one wish" in page.text
    assert db.session.query(Submission).count() == 0


def test_too_long_keeps_the_text_and_says_so(client, consultation):
    long = "x" * 501
    page = send_wishes(client, "Short one", long)
    assert page.status_code == 400
    assert "Wish 2 must be 500 characters or fewer (it has 501)" in page.text
    assert long in page.text and "Short one" in page.text
    assert db.session.query(Submission).count() == 0


def test_markup_is_stored_as_text_and_escaped(client, consultation):
    send_wishes(client, '<script>alert("x")</script> & <b>parks</b>')
    page = client.get("/consultations/derby/wishes/sent")
    assert "<script>alert" not in page.text
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;parks&lt;/b&gt;"
        in page.text
    )


def test_double_submit_with_same_token_stores_one(client, consultation):
    fields = open_form(client)
    first = send_wishes(client, "More buses", fields=fields)
    second = send_wishes(client, "More buses", fields=fields)
    assert first.status_code == second.status_code == 303
    assert second.location.endswith("/wishes/sent")
    assert db.session.query(Submission).count() == 1
    assert "We already have these wishes" in client.get(second.location).text


@pytest.mark.parametrize("token", ["", "forged", None])
def test_missing_or_forged_token_keeps_text(client, consultation, token):
    fields = open_form(client)
    if token is None:
        fields.pop("form_token")
    else:
        fields["form_token"] = token
    page = send_wishes(client, "Keep my wish", fields=fields)
    assert page.status_code == 400
    assert "Keep my wish" in page.text and "<title>Error: " in page.text
    assert db.session.query(Submission).count() == 0
    resent = send_wishes(client, "Keep my wish", fields=hidden_fields(page.text))
    assert resent.status_code == 303


def test_missing_csrf_is_refused_clearly(client, consultation):
    fields = open_form(client)
    fields.pop("csrf_token")
    page = send_wishes(client, "More buses", fields=fields)
    assert page.status_code == 400
    assert db.session.query(Submission).count() == 0


HONEYPOT = (
    '<label for="website">Leave this field empty</label>\n'
    '  <input id="website" name="website" type="text" tabindex="-1" autocomplete="off" value="">'
)


def test_a_filled_honeypot_gives_the_wishes_back_saying_why_and_stores_nothing(
    client, consultation
):
    """Bots fill the hidden field, and so, now and then, does a resident's browser: the resident
    keeps their words and reads what happened; nothing is stored until it comes back empty."""
    page = send_wishes(client, "More buses at night", "Safer parks", website="http://spam.ex")
    assert page.status_code == 400 and "<title>Error: Your 3 wishes" in page.text
    assert "There is a problem" in page.text
    assert "We have not sent your wishes yet. A hidden box that catches spam" in page.text
    assert "select Continue to send them" in page.text
    assert "More buses at night" in page.text and "Safer parks" in page.text
    assert HONEYPOT in page.text and "spam.ex" not in page.text
    assert db.session.query(Submission).count() == 0
    fields = hidden_fields(page.text)
    sent = send_wishes(client, "More buses at night", "Safer parks", fields=fields)
    assert sent.status_code == 303 and db.session.query(Wish).count() == 2


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("NOT A POSTCODE", "Enter a real postcode"),
        ("DE1 2AAAAAAAAAAA" * 50, "Enter a real postcode"),
    ],
)
def test_bad_postcode_message_beside_field(client, consultation, postcode, message):
    sent = send_wishes(client, "More buses")
    step2 = client.get(sent.location)
    page = client.post(sent.location, data={**hidden_fields(step2.text), "postcode": postcode})
    assert page.status_code == 400 and message in page.text and 'href="#postcode"' in page.text
    assert db.session.query(Wish).count() == 1  # the wishes stay saved


def test_email_needs_consent(client, consultation):
    sent = send_wishes(client, "More buses")
    step2 = client.get(sent.location)
    page = client.post(sent.location, data={**hidden_fields(step2.text), "email": "a@example.com"})
    assert page.status_code == 400 and "Tick the box to agree" in page.text
    page = client.post(
        sent.location,
        data={**hidden_fields(step2.text), "email": "not-an-email", "email_consent": "y"},
    )
    assert "Enter an email address in the correct format" in page.text


def test_about_you_without_a_submission_goes_to_the_form(client, consultation):
    page = client.get("/consultations/derby/wishes/about-you")
    assert page.status_code == 302 and page.location.endswith("/wishes/new")


@pytest.mark.parametrize("state", ["upcoming", "closed"])
def test_not_open_says_so_and_accepts_nothing(client, app, state):
    now = utcnow()
    if state == "upcoming":
        make_consultation(
            slug="later", opens_at=now + timedelta(days=2), closes_at=now + timedelta(days=9)
        )
    else:
        make_consultation(
            slug="later", opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=2)
        )
    db.session.commit()
    page = client.get("/consultations/later/wishes/new")
    assert page.status_code == 200
    assert ("is not open yet" if state == "upcoming" else "has closed") in page.text
    assert "<textarea" not in page.text
    posted = client.post("/consultations/later/wishes/new", data={"wish_1": "More buses"})
    assert posted.status_code in (400, 403)
    assert db.session.query(Submission).count() == 0


def test_closing_while_the_form_is_open(client, consultation):
    fields = open_form(client)
    consultation.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    page = send_wishes(client, "More buses", fields=fields)
    assert page.status_code == 403 and "has closed" in page.text


def test_unknown_consultation_is_404(client, app):
    assert client.get("/consultations/nope/wishes/new").status_code == 404


def test_flood_from_one_address_is_limited(app, client, consultation):
    app.config.update(SUBMISSION_RATE_LIMIT=3)
    statuses = [send_wishes(client, f"Wish number {n}").status_code for n in range(5)]
    assert statuses == [303, 303, 303, 429, 429]
    refused = send_wishes(client, "Keep this text")
    assert "Keep this text" in refused.text and "try again in" in refused.text
    assert refused.headers["Retry-After"]
    assert db.session.query(Submission).count() == 3


def test_the_limit_message_counts_attempts_not_submissions(app, client, consultation):
    app.config.update(SUBMISSION_RATE_LIMIT=3)
    statuses = [send_wishes(client, "").status_code for _ in range(4)]  # Continue, empty
    assert statuses == [400, 400, 400, 429]
    refused = send_wishes(client, "Keep this text")
    assert "There have been too many attempts to send from this connection" in refused.text
    assert "submissions" not in refused.text
    assert db.session.query(Submission).count() == 0


def test_an_age_not_on_the_list_says_what_to_do_and_keeps_the_rest(client, consultation):
    """An age band no longer offered (the page was open while the list changed): a message in
    the form's own words, not "Not a valid choice", and the postcode typed comes back."""
    sent = send_wishes(client, "More buses")
    step2 = client.get(sent.location)
    refused = client.post(
        sent.location,
        data={**hidden_fields(step2.text), "postcode": "DE22 1AB", "age_band": "30_39"},
    )
    assert refused.status_code == 400
    assert "Not a valid choice" not in refused.text
    message = "Choose your age from the list, or leave it unanswered"
    assert refused.text.count(message) == 2  # the summary and the field
    assert 'value="DE22 1AB"' in refused.text
    assert db.session.query(RespondentDetails).count() == 0
