"""Each form a resident fills in, and the page it is reached from, says until when it takes
answers: a resident who opens a priority or the wishes form from a shared link has not seen
the consultation's home page, where the dates are."""

import re
from datetime import UTC, datetime, time, timedelta
from html import unescape

from engage.extensions import db
from engage.models._types import utcnow
from engage.services.strategy import get_priority_in
from engage.template_helpers import (
    LOCAL_TZ,
    closing_date,
    closing_datetime,
    last_comment_day_text,
    local_datetime,
)
from tests.conftest import hidden_fields
from tests.factories import make_consultation
from tests.strategy_factories import make_strategy

KEY = "feeling-safe-at-night"


def said(response) -> str:
    """The words of the page's main content, as a screen reader or a reader reads them."""
    main = response.text.split('id="main-content"', 1)[1]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def test_the_wishes_form_says_when_the_consultation_closes(app, client):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    page = client.get("/consultations/derby/wishes/new")
    assert f"You can send your wishes until {closing_datetime(consultation.closes_at)}." in said(
        page
    )


def test_the_comment_form_and_the_priority_say_when_comments_close(app, client):
    strategy = make_strategy(make_consultation(slug="derby"))
    priority = get_priority_in(strategy.versions[0], KEY)
    db.session.commit()
    until = f"You can comment until the end of {last_comment_day_text(strategy)}."
    base = f"/consultations/derby/strategy/priorities/{priority.id}"
    assert until in said(client.get(base))
    assert until in said(client.get(f"{base}/comment"))


def test_a_priority_whose_comments_closed_says_so(app, client):
    strategy = make_strategy(make_consultation(slug="derby"))
    strategy.comments_close_at = utcnow() - timedelta(days=1)
    priority = get_priority_in(strategy.versions[0], KEY)
    db.session.commit()
    base = f"/consultations/derby/strategy/priorities/{priority.id}"
    page = client.get(base)
    assert f"Comments closed at the end of {last_comment_day_text(strategy)}." in said(page)
    assert f"{base}/comment" not in page.text


def test_a_priority_before_comments_open_says_when_they_do(app, client):
    strategy = make_strategy(make_consultation(slug="derby"))
    strategy.comments_open_at = utcnow() + timedelta(days=2)
    priority = get_priority_in(strategy.versions[0], KEY)
    db.session.commit()
    base = f"/consultations/derby/strategy/priorities/{priority.id}"
    page = client.get(base)
    opens = local_datetime(strategy.comments_open_at)
    assert f"You can comment on this priority from {opens}." in said(page)
    assert f"{base}/comment" not in page.text


def _midnight(days: int) -> datetime:
    """Midnight UK time, ``days`` days from today: a consultation closes as a day starts."""
    today = utcnow().astimezone(LOCAL_TZ).date()
    return datetime.combine(today + timedelta(days=days), time(0), LOCAL_TZ).astimezone(UTC)


def test_the_wishes_confirmation_gives_the_last_day_of_a_consultation_closing_at_midnight(
    app, client
):
    closes_at = _midnight(10)
    make_consultation(slug="derby", closes_at=closes_at)
    db.session.commit()
    form = hidden_fields(client.get("/consultations/derby/wishes/new").text)
    sent = client.post("/consultations/derby/wishes/new", data={**form, "wish_1": "More buses"})
    skipped = client.post(
        sent.location, data={**hidden_fields(client.get(sent.location).text), "skip": ""}
    )
    confirmation = said(client.get(skipped.location))
    last_day = closing_date(closes_at)
    assert f"When the consultation closes on {last_day}," in confirmation
    assert last_day != f"{closes_at.astimezone(LOCAL_TZ):%-d %B %Y}"  # not the day after


def test_the_consultation_pages_give_the_last_day_of_one_that_closed_at_midnight(app, client):
    closes_at = _midnight(-3)
    make_consultation(slug="derby", opens_at=_midnight(-30), closes_at=closes_at)
    db.session.commit()
    last_day = closing_date(closes_at)
    home = said(client.get("/consultations/derby"))
    assert f"Closes {last_day} at 11:59pm" in home
    assert f"It closed on {last_day}. Thank you" in home
    assert f"Closed on {last_day}" in said(client.get("/"))
    form = said(client.get("/consultations/derby/wishes/new"))
    assert f"It closed on {last_day} at 11:59pm, so we cannot take new wishes." in form


def test_the_consultation_pages_give_the_last_minute_of_one_open_until_midnight(app, client):
    closes_at = _midnight(12)
    make_consultation(slug="derby", closes_at=closes_at)
    make_consultation(slug="later", opens_at=_midnight(2), closes_at=closes_at)
    db.session.commit()
    until = closing_datetime(closes_at)
    assert until.endswith("at 11:59pm")
    assert f"Closes {until}" in said(client.get("/consultations/derby"))
    assert f"Open now: closes {until}" in said(client.get("/"))
    later = said(client.get("/consultations/later/wishes/new"))
    assert f"and closes on {until}. We cannot take wishes before then." in later
