"""Residents write in Arabic, Urdu, Hebrew or Persian as well as English. What they wrote is shown
with its own direction (dir="auto" on a block of it, <bdi> inside a sentence), so a right-to-left
wish reads from the right with its punctuation where its writer put it, not as part of the
page's left-to-right English."""

import re

import pytest

from engage.extensions import db
from engage.models import Wish
from engage.services.strategy import get_priority_in
from tests.factories import make_consultation, make_wish
from tests.photo_factories import make_competition, make_photo_entry
from tests.strategy_factories import make_comment, make_strategy

ARABIC = "مزيد من الحافلات في المساء!"
URDU = "پارک میں مزید درخت؟"
HEBREW = "צלם: דנה כהן"


@pytest.fixture
def consultation(app):
    consultation = make_consultation(slug="derby")
    make_wish(consultation, text=ARABIC)
    db.session.commit()
    return consultation


def test_a_wish_on_the_wall_and_its_report_page_keep_their_direction(client, consultation):
    wall = client.get("/consultations/derby/wall").text
    assert f'dir="auto">{ARABIC}</p>' in wall
    wish = db.session.query(Wish).one()
    report = client.get(f"/consultations/derby/wishes/{wish.id}/report").text
    assert f'dir="auto">{ARABIC}</div>' in report


def test_comments_on_a_priority_keep_their_direction(client, consultation):
    strategy = make_strategy(consultation)
    priority = get_priority_in(strategy.versions[0], "feeling-safe-at-night")
    make_comment(priority, text=URDU)
    db.session.commit()
    page = client.get(f"/consultations/derby/strategy/priorities/{priority.id}").text
    assert f'dir="auto">{URDU}</p>' in page


def test_a_photo_title_wish_and_credit_keep_their_direction(client, consultation):
    competition = make_competition(consultation, slug="pics")
    entry = make_photo_entry(competition, title=URDU, wish=ARABIC, entrant_name=HEBREW)
    db.session.commit()
    gallery = client.get("/competitions/pics/gallery").text
    page = client.get(f"/competitions/pics/photos/{entry.id}").text
    for text in (URDU, ARABIC, HEBREW):
        assert f"<bdi>{text}</bdi>" in gallery
    assert f'dir="auto">{URDU}</h1>' in page and f'dir="auto">{ARABIC}</p>' in page
    assert f"<bdi>{HEBREW}</bdi>" in page


def _box(page: str, name: str) -> str:
    """The opening tag of the text box called name."""
    return re.search(rf'<(?:textarea|input)[^>]*name="{name}"[^>]*>', page).group(0)


def test_the_boxes_residents_type_in_follow_the_direction_of_what_they_type(client, consultation):
    form = client.get("/consultations/derby/wishes/new").text
    for name in ("wish_1", "wish_2", "wish_3"):
        assert 'dir="auto"' in _box(form, name)
    make_competition(consultation, slug="pics")
    db.session.commit()
    enter = client.get("/competitions/pics/enter").text
    for name in ("title", "wish", "alt_text", "description"):
        assert 'dir="auto"' in _box(enter, name)
