"""Each form a resident fills in, and the page it is reached from, says until when it takes
answers: a resident who opens a priority or the wishes form from a shared link has not seen
the consultation's home page, where the dates are."""

import re
from datetime import timedelta
from html import unescape

from engage.extensions import db
from engage.models._types import utcnow
from engage.services.strategy import get_priority_in
from engage.template_helpers import closing_datetime, last_comment_day_text, local_datetime
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
