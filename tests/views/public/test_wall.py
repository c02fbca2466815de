"""The public wish wall: approved wishes only, search by words, filter by area, pages."""

import pytest

from engage.extensions import db
from engage.models import Flag, ModerationStatus, Wish
from tests.conftest import hidden_fields
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


@pytest.mark.parametrize("number", [4, 16, 0, -5, 99999999999999999999])
def test_a_page_that_does_not_exist_is_not_found(app, client, number):
    consultation = make_consultation(slug="big")
    for n in range(45):
        make_wish(consultation, text=f"Wish number {n}")
    db.session.commit()
    page = client.get(f"/consultations/big/wall?page={number}")
    assert page.status_code == 404 and "Page not found" in page.text
    assert "Wish number" not in page.text


def test_page_1_of_an_empty_wall(app, client):
    make_consultation(slug="new")
    db.session.commit()
    for query in ("", "?page=1", "?q=buses"):
        page = client.get(f"/consultations/new/wall{query}")
        assert page.status_code == 200 and "No wishes found" in page.text
    assert client.get("/consultations/new/wall?page=2").status_code == 404


def test_a_search_too_long_says_so_and_lists_nothing(client, wall):
    page = client.get("/consultations/derby/wall?q=" + "bus " * 60)
    assert page.status_code == 400
    assert "Your search must be 200 characters or fewer" in page.text
    assert "Field cannot be longer" not in page.text
    assert "<title>Error: Wish wall" in page.text
    assert "results-heading" not in page.text and "More buses at night" not in page.text
    assert "bus bus" in page.text  # the search is kept, to shorten
    # The summary comes first in the main content, where a screen reader starts reading.
    main = page.text.split('id="main-content"', 1)[1]
    assert main.index("govuk-error-summary") < main.index("<h1")


@pytest.mark.parametrize("search", ["🚌", "🌳🌳", "?!", "— ..."])
def test_a_search_with_no_words_says_how_to_search_and_lists_nothing(client, wall, search):
    """Only emoji or punctuation: the wall must not list every wish as if they all matched."""
    page = client.get("/consultations/derby/wall", query_string={"q": search})
    assert page.status_code == 400 and "<title>Error: Wish wall" in page.text
    assert "Search with words or numbers, like ‘buses’ or ‘park’" in page.text
    assert "results-heading" not in page.text and "More buses at night" not in page.text
    assert f'value="{search}"' in page.text  # the search is kept, to change


def report(client, reason):
    wish = db.session.query(Wish).filter_by(status=ModerationStatus.APPROVED).first()
    url = f"/consultations/derby/wishes/{wish.id}/report"
    return client.post(url, data={**hidden_fields(client.get(url).text), "reason": reason})


@pytest.mark.parametrize("blank", ["   ", "\u200b\u200b", " \u00a0\ufeff "])
def test_a_report_of_only_spaces_is_refused(client, wall, blank):
    response = report(client, blank)
    assert response.status_code == 400 and "Tell us what is wrong with this wish" in response.text
    assert db.session.query(Flag).filter_by(kind="reported").count() == 0


def test_a_report_over_500_characters_names_the_limit(client, wall):
    response = report(client, "r" * 501)
    assert response.status_code == 400
    assert "Your report must be 500 characters or fewer" in response.text
    assert "Field cannot be longer" not in response.text


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
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


def test_a_title_about_wishes_reads_well_on_the_wall_and_the_numbers(app, client):
    make_consultation(slug="derby-2026", title="3 wishes for Derby in 2026")
    db.session.commit()
    for path in ("wall", "moderation"):
        page = client.get(f"/consultations/derby-2026/{path}").text
        assert '<span class="govuk-caption-l">3 wishes for Derby in 2026</span>' in page
        assert "for 3 wishes for Derby" not in page
