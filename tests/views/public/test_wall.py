"""The public wish wall: approved wishes only, search by words, filter by area, pages."""

import pytest

from engage.extensions import db
from engage.models import ModerationStatus
from tests.factories import make_area, make_consultation, make_wish


@pytest.fixture
def wall(app):
    abbey = make_area(code="A1", name="Abbey", districts=["DE22"])
    spondon = make_area(code="S1", name="Spondon", districts=["DE21"])
    consultation = make_consultation(slug="derby")
    consultation.areas = [abbey, spondon]
    make_wish(consultation, text="More buses at night", area=abbey)
    make_wish(consultation, text="Help for small business", area=spondon)
    make_wish(consultation, text="Buses to the hospital", area=spondon)
    make_wish(consultation, text="Secret pending wish", status=ModerationStatus.PENDING)
    make_wish(consultation, text="Rejected wish", status=ModerationStatus.REJECTED)
    db.session.commit()
    return consultation


def test_shows_approved_only(client, wall):
    page = client.get("/consultations/derby/wall")
    assert page.status_code == 200 and "3 wishes" in page.text
    assert "More buses at night" in page.text
    assert "Secret pending wish" not in page.text and "Rejected wish" not in page.text


def test_search_matches_words_not_parts_of_words(client, wall):
    page = client.get("/consultations/derby/wall?q=bus")
    assert "2 wishes matching “bus”" in page.text
    assert "Help for small business" not in page.text


def test_area_filter(client, wall):
    page = client.get("/consultations/derby/wall?q=buses&area=S1")
    assert "1 wish matching “buses” in Spondon" in page.text
    assert "Buses to the hospital" in page.text and "More buses at night" not in page.text


def test_empty_results_say_so(client, wall):
    page = client.get("/consultations/derby/wall?q=trams")
    assert "No wishes found" in page.text and "Try other words" in page.text


def test_pages(app, client):
    consultation = make_consultation(slug="big")
    for n in range(45):
        make_wish(consultation, text=f"Wish number {n}")
    db.session.commit()
    first = client.get("/consultations/big/wall")
    assert first.text.count('class="engage-wish-wall__item"') == 20
    assert 'href="/consultations/big/wall?page=2"' in first.text
    third = client.get("/consultations/big/wall?page=3")
    assert third.text.count('class="engage-wish-wall__item"') == 5
    assert "(page 3 of 3)" in third.text


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-5",
        "page=99999999999999999999",
        "area=NOPE",
        "area=%00",
        "q=%00%ff",
        "q=" + "x" * 5000,
        "q=%25_%25",
        "q[]=1&area[]=2",
    ],
)
def test_odd_parameters_never_fail(client, wall, query):
    page = client.get(f"/consultations/derby/wall?{query}")
    assert page.status_code in (200, 400)
    assert "wish" in page.text.lower()
