"""The privacy notice, accessibility statement and cookies page: linked from every page, and
saying what the app really does (its retention settings, its only cookies)."""

import re

from tests.conftest import hidden_fields
from tests.factories import make_consultation


def test_linked_from_the_footer_of_every_page(client, app):
    footer = client.get("/").text
    for path in ("/privacy", "/accessibility", "/cookies", "/your-data"):
        assert f'href="{path}"' in footer
        assert client.get(path).status_code == 200


def test_every_page_says_how_to_contact_the_partnership(client, app):
    app.config["PARTNERSHIP_EMAIL"] = "have.your.say@council.example"
    link = 'href="mailto:have.your.say@council.example"'
    for path in ("/", "/privacy", "/accessibility"):
        page = client.get(path).text
        assert link in page, path
    assert client.get("/accessibility").text.count(link) == 2  # the footer, and the statement
    assert client.get("/privacy").text.count(link) == 2  # the footer, and the rights


def test_privacy_notice_gives_the_configured_retention(client, app):
    app.config["RETENTION_CONTACT_MONTHS"] = 7
    app.config["RETENTION_CLIENT_ADDRESS_DAYS"] = 30
    page = client.get("/privacy").text
    assert (
        "7 months after the consultation closes" in page and "Internet addresses: 30 days" in page
    )
    assert "entry form that you did not send: 1 day." in page
    assert "A workshop sheet a partner sent us, as a file: 7 days" in page
    app.config["RETENTION_HELD_PHOTO_DAYS"] = 2
    assert "entry form that you did not send: 2 days." in client.get("/privacy").text


def test_cookies_page_lists_every_cookie_the_site_sets(client, app):
    from engage.extensions import db

    make_consultation(slug="derby")
    db.session.commit()
    page = client.get("/consultations/derby/wishes/new")
    client.post(
        "/consultations/derby/wishes/new", data={**hidden_fields(page.text), "wish_1": "Buses"}
    )
    names = {cookie.key for cookie in client._cookies.values()}
    listed = client.get("/cookies").text
    assert names and names <= {"session", "engage_voter"}
    for name in {"session", "engage_voter"}:
        assert re.search(rf'summary-card__title">\s*{name}\s*</h3>', listed)
    assert "analytics" in listed
