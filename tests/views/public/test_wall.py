"""The public wish wall: approved wishes only, search by words, filter by area, pages."""

import html
import re
import unicodedata
from urllib.parse import parse_qs, urlsplit

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


@pytest.fixture
def accents(app):
    consultation = make_consultation(slug="derby")
    make_wish(consultation, text="A café by the river")
    make_wish(consultation, text="More creche places")
    make_wish(consultation, text="Less naïve planning")
    make_wish(consultation, text="Fix the STRASSE sign")
    db.session.commit()
    return consultation


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("cafe", "A café by the river"),
        ("CAFÉS", "A café by the river"),
        ("cafe\u0301", "A café by the river"),  # the accent typed as a combining mark
        ("crèche", "More creche places"),
        ("Creches", "More creche places"),
        ("naive", "Less naïve planning"),
        ("naïve", "Less naïve planning"),
        ("straße", "Fix the STRASSE sign"),
    ],
)
def test_search_ignores_accents_and_case_both_ways(client, accents, search, found):
    """A search for "cafe" finds "café" and one for "crèche" finds "creche"."""
    page = client.get("/consultations/derby/wall", query_string={"q": search})
    assert page.status_code == 200
    shown = unicodedata.normalize("NFC", search)  # as the search box keeps it
    assert f"1 wish matching “{shown}”" in page.text
    assert found in page.text


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


@pytest.mark.parametrize("number", [4, 16, 99999999999999999999])
def test_a_page_past_the_last_shows_the_last_page(app, client, number):
    consultation = make_consultation(slug="big")
    for n in range(45):
        make_wish(consultation, text=f"Wish number {n}")
    db.session.commit()
    page = client.get(f"/consultations/big/wall?page={number}")
    assert page.status_code == 302
    assert wall_place(page.location) == ("/consultations/big/wall", {"page": ["3"]})
    last = client.get(page.location)
    assert last.status_code == 200 and "(page 3 of 3)" in last.text
    assert last.text.count('class="engage-wish-wall__item"') == 5


@pytest.mark.parametrize("number", [0, -5])
def test_a_page_before_the_first_is_not_found(app, client, number):
    consultation = make_consultation(slug="big")
    for n in range(45):
        make_wish(consultation, text=f"Wish number {n}")
    db.session.commit()
    page = client.get(f"/consultations/big/wall?page={number}")
    assert page.status_code == 404 and "Page not found" in page.text
    assert "Wish number" not in page.text


def test_a_page_number_that_is_not_a_number_is_the_first_page(app, client):
    consultation = make_consultation(slug="big")
    for n in range(45):
        make_wish(consultation, text=f"Wish number {n}")
    db.session.commit()
    page = client.get("/consultations/big/wall?page=abc")
    assert page.status_code == 200 and "45 wishes" in page.text
    assert "(page" not in page.text and 'href="/consultations/big/wall?page=2"' in page.text


def test_a_page_past_the_last_keeps_the_search_and_area_and_nothing_else(app, client, wall):
    app.config["WISHES_PER_PAGE"] = 1
    query = "q=buses&area=S1&page=7&next=https://evil.example"
    page = client.get(f"/consultations/derby/wall?{query}")
    where = ("/consultations/derby/wall", {"q": ["buses"], "area": ["S1"]})
    assert page.status_code == 302 and wall_place(page.location) == where
    shown = client.get(page.location)
    assert "1 wish matching “buses” in Spondon" in shown.text
    assert "Buses to the hospital" in shown.text


def test_page_1_of_an_empty_wall(app, client):
    make_consultation(slug="new")
    db.session.commit()
    for query in ("", "?page=1", "?q=buses"):
        page = client.get(f"/consultations/new/wall{query}")
        assert page.status_code == 200 and "No wishes found" in page.text
    gone = client.get("/consultations/new/wall?page=2")
    assert gone.status_code == 302 and wall_place(gone.location) == ("/consultations/new/wall", {})
    assert "No wishes found" in client.get(gone.location).text


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


THANKS = "Thank you. A moderator will look at this wish again."


def link_to(page_html: str, pattern: str) -> str:
    """The first address in page_html matching pattern, as a browser would follow it."""
    return html.unescape(re.search(pattern, page_html).group(1))


def wall_place(location: str) -> tuple[str, dict]:
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc  # the same site, never another
    return parts.path, parse_qs(parts.query)


def test_a_report_from_page_3_of_a_search_comes_back_to_that_page(app, client, wall):
    app.config["WISHES_PER_PAGE"] = 2
    for n in range(6):
        make_wish(wall, text=f"Buses on route {n}", area=wall.areas[1])
    db.session.commit()
    shown = client.get("/consultations/derby/wall?q=buses&area=S1&page=3")
    assert "(page 3 of 4)" in shown.text
    url = link_to(shown.text, r'href="([^"]*/report[^"]*)"')
    form = client.get(url)
    back = link_to(form.text, r'href="([^"]*)">Back to the wish wall')
    where = ("/consultations/derby/wall", {"q": ["buses"], "area": ["S1"], "page": ["3"]})
    assert wall_place(back) == where
    # The form, sent empty and then with a reason, keeps the wall's place: no script needed.
    action = link_to(form.text, r'<form method="post" action="([^"]*)"')
    refused = client.post(action, data={**hidden_fields(form.text), "reason": " "})
    assert refused.status_code == 400
    action = link_to(refused.text, r'<form method="post" action="([^"]*)"')
    sent = client.post(action, data={**hidden_fields(refused.text), "reason": "It names someone"})
    assert sent.status_code == 303 and wall_place(sent.location) == where
    again = client.get(sent.location)
    assert THANKS in again.text and "(page 3 of 4)" in again.text
    assert "matching “buses” in Spondon" in again.text
    assert db.session.query(Flag).filter_by(kind="reported").count() == 1


def test_a_report_from_a_page_gone_since_comes_back_to_the_last_page(app, client, wall):
    app.config["WISHES_PER_PAGE"] = 2
    for n in range(6):
        make_wish(wall, text=f"Buses on route {n}", area=wall.areas[1])
    db.session.commit()
    shown = client.get("/consultations/derby/wall?q=buses&area=S1&page=4")
    assert "(page 4 of 4)" in shown.text
    form = client.get(link_to(shown.text, r'href="([^"]*/report[^"]*)"'))
    # Meanwhile moderators take down three of the wishes: the search has two pages now.
    hidden = ["Buses on route 0", "Buses on route 1", "Buses on route 2"]
    for wish in db.session.query(Wish).filter(Wish.text.in_(hidden)):
        wish.status = ModerationStatus.REJECTED
    db.session.commit()
    action = link_to(form.text, r'<form method="post" action="([^"]*)"')
    sent = client.post(action, data={**hidden_fields(form.text), "reason": "It names someone"})
    assert sent.status_code == 303
    back = client.get(sent.location)
    assert back.status_code == 302
    where = ("/consultations/derby/wall", {"q": ["buses"], "area": ["S1"], "page": ["2"]})
    assert wall_place(back.location) == where
    last = client.get(back.location)
    assert last.status_code == 200 and THANKS in last.text and "(page 2 of 2)" in last.text
    assert "4 wishes matching “buses” in Spondon" in last.text
    assert db.session.query(Flag).filter_by(kind="reported").count() == 1


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("q=buses&page=2&next=https://evil.example", {"q": ["buses"], "page": ["2"]}),
        ("q=buses&area=NOPE&page=2", {"q": ["buses"], "page": ["2"]}),
        ("area=S1&q=%F0%9F%9A%8C&page=abc", {"area": ["S1"]}),
        ("area=S1&q=" + "bus+" * 60, {"area": ["S1"]}),
        ("q=buses&page=1", {"q": ["buses"]}),
        ("q=buses&page=0", {"q": ["buses"]}),
        ("q=buses&page=-2", {"q": ["buses"]}),
        ("area=%00&page=99999999999999999999", {}),
        ("page=//evil.example&area=https://evil.example", {}),
    ],
)
def test_a_report_goes_back_only_to_the_walls_own_valid_place(app, client, wall, query, kept):
    app.config["WISHES_PER_PAGE"] = 1
    wish = db.session.query(Wish).filter_by(text="Buses to the hospital").one()
    url = f"/consultations/derby/wishes/{wish.id}/report?{query}"
    form = client.get(url)
    assert form.status_code == 200
    sent = client.post(url, data={**hidden_fields(form.text), "reason": "It names someone"})
    assert sent.status_code == 303
    assert wall_place(sent.location) == ("/consultations/derby/wall", kept)
    page = client.get(sent.location)
    assert page.status_code == 200 and THANKS in page.text


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
