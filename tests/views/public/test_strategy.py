"""The draft strategy through residents' pages, with CSRF on: reading it, commenting on a
priority (with the optional "about you" step), and every kind of bad request."""

from datetime import timedelta

import pytest

from engage.extensions import db
from engage.models import Comment, ModerationStatus, RespondentDetails
from engage.models._types import utcnow
from engage.services.strategy import get_priority_in
from engage.services.strategy_evidence import cite_wishes
from engage.services.strategy_revisions import start_revision
from engage.template_helpers import LOCAL_TZ
from tests.conftest import hidden_fields
from tests.factories import make_area, make_consultation, make_wish
from tests.strategy_factories import make_comment, make_strategy

pytestmark = pytest.mark.usefixtures("csrf_app")


@pytest.fixture
def strategy(app):
    consultation = make_consultation(slug="derby")
    consultation.areas = [make_area(code="A1", name="Abbey", districts=["DE22"])]
    strategy = make_strategy(consultation)
    db.session.commit()
    return strategy


def priority_of(strategy, key="feeling-safe-at-night"):
    return get_priority_in(strategy.versions[0], key)


def comment_url(priority):
    return f"/consultations/derby/strategy/priorities/{priority.id}/comment"


def send_comment(client, priority, fields=None, **data):
    form = dict(fields or hidden_fields(client.get(comment_url(priority)).text))
    return client.post(comment_url(priority), data={**form, **data})


def test_comment_pages_showing_what_was_sent_are_not_kept_by_the_browser(client, strategy):
    """As for wishes: a shared computer's cache must not give the next person these pages."""
    sent = send_comment(client, priority_of(strategy), stance="oppose", text="Too vague")
    about_you = client.get(sent.location)
    details = client.post(
        sent.location, data={**hidden_fields(about_you.text), "postcode": "DE22 1AB"}
    )
    pages = [client.get(sent.location), client.get(details.location)]
    pages.append(client.get("/consultations/derby/strategy/comments/equalities"))
    assert "DE22 1AB" in pages[0].text and "Too vague" in pages[1].text
    for page in pages:
        assert "no-store" in page.headers.get("Cache-Control", ""), page.request.path


def test_contents_theme_and_priority_pages(client, strategy):
    home = client.get("/consultations/derby").text
    assert "Read Derby 2026: our community strategy" in home
    contents = client.get("/consultations/derby/strategy")
    assert contents.status_code == 200
    for theme in ("Children &amp; Young People", "Sustainable Development"):
        assert theme in contents.text
    assert "open for comments until" in contents.text
    theme = client.get(
        "/consultations/derby/strategy/versions/1/themes/safer-and-stronger-communities"
    )
    assert "Feeling safe at night" in theme.text and "Residents having a say" in theme.text
    priority = priority_of(strategy)
    page = client.get(f"/consultations/derby/strategy/priorities/{priority.id}").text
    assert "We will make streets, parks and the city centre feel safe after dark." in page
    assert "Better street lighting on main walking routes" in page
    assert "Residents who feel safe outside after dark" in page
    assert "Comment on this priority" in page


def test_priority_page_shows_counts_comments_and_evidence(client, strategy):
    priority = priority_of(strategy)
    make_comment(priority, "Yes, more lights", "support")
    make_comment(priority, "Only with changes", "support_with_changes")
    make_comment(priority, "Not yet checked", "oppose", status=ModerationStatus.PENDING)
    make_comment(priority, "Rude words", "oppose", status=ModerationStatus.REJECTED)
    page = client.get(f"/consultations/derby/strategy/priorities/{priority.id}").text
    assert "Yes, more lights" in page and "Only with changes" in page
    assert "Not yet checked" not in page and "Rude words" not in page
    counts = page[page.index('id="stance-counts"') :]
    assert "Support</th>" in counts and "Oppose</th>" in counts
    cells = counts.split("govuk-table__cell--numeric")[1:5]
    assert [c[c.index(">") + 1 : c.index("<")].strip() for c in cells] == ["1", "1", "0", "0"]

    abbey = strategy.consultation.areas[0]
    wishes = [make_wish(strategy.consultation, area=abbey), make_wish(strategy.consultation)]
    revision = start_revision(strategy)
    cite_wishes(get_priority_in(revision, priority.key), wishes)
    db.session.commit()
    # The draft revision is not public; its evidence shows once published.
    assert (
        client.get(
            f"/consultations/derby/strategy/priorities/{revision.priorities[0].id}"
        ).status_code
        == 404
    )


def test_evidence_line(client, app):
    consultation = make_consultation(slug="derby")
    abbey, spondon = make_area(), make_area()
    strategy = make_strategy(consultation, published=False)
    priority = strategy.versions[0].priorities[0]
    cite_wishes(priority, [make_wish(consultation, area=a) for a in (abbey, abbey, spondon)])
    from engage.services.strategy_revisions import publish

    publish(strategy.versions[0], "consultation")
    db.session.commit()
    page = client.get(f"/consultations/derby/strategy/priorities/{priority.id}").text
    assert "3 wishes from 2 areas asked for this" in page


def test_comment_then_about_you_then_reference(client, strategy):
    priority = priority_of(strategy)
    sent = send_comment(
        client, priority, stance="support_with_changes", text="Light the river path"
    )
    assert sent.status_code == 303 and sent.location.endswith("/strategy/comments/about-you")
    step2 = client.get(sent.location)
    assert "We have saved your comment" in step2.text
    details = client.post(
        sent.location,
        data={**hidden_fields(step2.text), "postcode": "de22 1ab", "age_band": "25_34"},
    )
    assert details.status_code == 303
    confirmation = client.get(details.location).text
    comment = db.session.query(Comment).one()
    assert comment.reference in confirmation and "Light the river path" in confirmation
    assert (comment.stance, comment.status) == ("support_with_changes", ModerationStatus.PENDING)
    assert comment.submission.area.name == "Abbey"
    assert db.session.query(RespondentDetails).one().age_band == "25_34"
    # Not published until an officer approves it.
    page = client.get(f"/consultations/derby/strategy/priorities/{priority.id}").text
    assert "Light the river path" not in page


def test_about_you_can_be_skipped(client, strategy):
    sent = send_comment(client, priority_of(strategy), stance="no_view", text="Fine by me")
    step2 = client.get(sent.location)
    skipped = client.post(sent.location, data={**hidden_fields(step2.text), "skip": "1"})
    assert skipped.location.endswith("/strategy/comments/sent")
    assert db.session.query(RespondentDetails).count() == 0


def test_a_double_submitted_comment_is_stored_once(client, strategy):
    priority = priority_of(strategy)
    fields = hidden_fields(client.get(comment_url(priority)).text)
    first = send_comment(client, priority, fields, stance="support", text="Twice")
    second = send_comment(client, priority, fields, stance="support", text="Twice")
    assert first.status_code == second.status_code == 303
    assert second.location.endswith("/strategy/comments/sent")
    assert "We already have this comment" in client.get(second.location).text
    assert db.session.query(Comment).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "No stance"}, "Choose whether you support this priority"),
        ({"stance": "maybe", "text": "Odd stance"}, "Choose whether you support this priority"),
        ({"stance": "support", "text": "   "}, "Enter your comment"),
        ({"stance": "oppose", "text": "x" * 1001}, "1000 characters or fewer"),
    ],
)
def test_bad_comments_keep_the_text_and_say_why(client, strategy, data, message):
    response = send_comment(client, priority_of(strategy), **data)
    assert response.status_code == 400
    assert message in response.text and "Error: " in response.text
    if data["text"].strip():
        assert data["text"][:50] in response.text
    assert db.session.query(Comment).count() == 0


def test_missing_or_forged_form_token(client, strategy):
    priority = priority_of(strategy)
    fields = hidden_fields(client.get(comment_url(priority)).text)
    fields["form_token"] = "forged"
    response = send_comment(client, priority, fields, stance="support", text="Keep this text")
    assert response.status_code == 400 and "Keep this text" in response.text
    other = priority_of(strategy, "getting-around")
    fields = hidden_fields(client.get(comment_url(other)).text)
    response = send_comment(client, priority, fields, stance="support", text="Wrong form")
    assert response.status_code == 400 and "not for this page" in response.text
    assert db.session.query(Comment).count() == 0


def test_missing_csrf_is_refused(client, strategy):
    response = client.post(comment_url(priority_of(strategy)), data={"stance": "support"})
    assert response.status_code == 400
    assert db.session.query(Comment).count() == 0


def test_a_filled_honeypot_gives_the_comment_back_saying_why_and_stores_nothing(client, strategy):
    """As for wishes: a browser's autofill may fill the hidden field; the words come back."""
    priority = priority_of(strategy)
    text = "Better lighting on the canal path"
    page = send_comment(client, priority, stance="oppose", text=text, website="spam.ex")
    assert page.status_code == 400 and "<title>Error: Comment on" in page.text
    assert "We have not sent your comment yet. A hidden box that catches spam" in page.text
    assert text in page.text and 'value="oppose" checked' in page.text
    assert 'tabindex="-1" autocomplete="off" value="">' in page.text
    assert "spam.ex" not in page.text and db.session.query(Comment).count() == 0
    sent = send_comment(client, priority, hidden_fields(page.text), stance="oppose", text=text)
    assert sent.status_code == 303 and db.session.query(Comment).count() == 1


def test_closed_draft_refuses_comments(client, strategy):
    priority = priority_of(strategy)
    fields = hidden_fields(client.get(comment_url(priority)).text)
    strategy.comments_close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(comment_url(priority)).status_code == 403
    response = send_comment(client, priority, fields, stance="support", text="Too late")
    assert response.status_code == 403 and "Comments closed at the end of" in response.text
    last_day = (strategy.comments_close_at - timedelta(seconds=1)).astimezone(LOCAL_TZ)
    assert f"{last_day:%-d %B %Y}" in response.text  # the last day, not the day after
    page = client.get(f"/consultations/derby/strategy/priorities/{priority.id}").text
    assert "Comment on this priority" not in page
    assert db.session.query(Comment).count() == 0


def test_old_versions_take_no_comments(client, strategy):
    from engage.services.strategy_revisions import publish

    priority = priority_of(strategy)
    fields = hidden_fields(client.get(comment_url(priority)).text)
    publish(start_revision(strategy), "final")
    db.session.commit()
    assert client.get(comment_url(priority)).status_code == 403
    response = send_comment(client, priority, fields, stance="support", text="On the old version")
    assert response.status_code == 403 and "not the one we are asking about" in response.text
    old = client.get(f"/consultations/derby/strategy/priorities/{priority.id}").text
    assert "This is an earlier version" in old


def test_a_form_on_a_replaced_draft_leads_to_the_same_priority_in_the_new_one(client, strategy):
    """A resident typed on version 1 while version 2 went out for comment: their words come
    back with a link to comment on the same priority in version 2."""
    from engage.services.strategy_revisions import publish

    old = priority_of(strategy)
    fields = hidden_fields(client.get(comment_url(old)).text)
    revision = start_revision(strategy)
    publish(revision, "consultation")
    db.session.commit()
    new = get_priority_in(revision, "feeling-safe-at-night")
    response = send_comment(client, old, fields, stance="support", text="Brighter streets")
    assert response.status_code == 403
    assert "Brighter streets" in response.text  # kept to copy
    assert "This priority is in the current draft, version 2" in response.text
    assert f'href="{comment_url(new)}"' in response.text
    assert client.get(comment_url(new)).status_code == 200
    assert db.session.query(Comment).count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/consultations/derby/strategy/priorities/999999",
        "/consultations/derby/strategy/priorities/999999/comment",
        "/consultations/derby/strategy/priorities/abc/comment",
        "/consultations/nowhere/strategy",
        "/consultations/derby/strategy/versions/7",
        "/consultations/derby/strategy/versions/1/themes/no-such-theme",
        "/consultations/derby/strategy/compare",
    ],
)
def test_unknown_things_are_404(client, strategy, url):
    assert client.get(url).status_code == 404


def test_comment_on_a_missing_priority_is_404(client, strategy):
    fields = hidden_fields(client.get(comment_url(priority_of(strategy))).text)
    response = client.post(
        "/consultations/derby/strategy/priorities/999999/comment",
        data={**fields, "stance": "support", "text": "Where?"},
    )
    assert response.status_code == 404 and db.session.query(Comment).count() == 0


def test_an_unpublished_strategy_is_not_public(client, app):
    consultation = make_consultation(slug="derby")
    strategy = make_strategy(consultation, published=False)
    db.session.commit()
    assert client.get("/consultations/derby/strategy").status_code == 404
    priority = strategy.versions[0].priorities[0]
    assert client.get(f"/consultations/derby/strategy/priorities/{priority.id}").status_code == 404
    assert "The draft strategy" not in client.get("/consultations/derby").text


def test_you_said_before_any_revision(client, strategy):
    page = client.get("/consultations/derby/strategy/you-said-we-did")
    assert page.status_code == 200 and "We have not revised the draft yet" in page.text
