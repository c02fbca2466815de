"""In a real browser, with axe on every page: the equalities questions after wishes, the
privacy, accessibility and cookies pages, and a resident's rights request, download and
erasure."""

import re
from pathlib import Path

from engage.extensions import db
from engage.mail import outbox
from engage.models import EqualitiesResponse, RespondentDetails


def test_equalities_questions_after_wishes(page, live_server, derby, assert_accessible):
    page.goto(f"{live_server}/consultations/derby/wishes/new")
    page.get_by_label("Your first wish").fill("A bigger library")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="About you").wait_for()
    page.get_by_role("button", name="Skip this step").click()
    page.locator(".govuk-panel").wait_for()
    page.get_by_role("link", name="Answer the equalities questions").click()
    page.get_by_role("heading", name="Equalities questions").wait_for()
    assert_accessible(page, "equalities questions")
    page.get_by_role("group", name="What is your religion?").get_by_label("Sikh").check()
    page.get_by_role("group", name=re.compile("^Do you look after")).get_by_label(
        "Prefer not to say"
    ).check()
    page.get_by_role("button", name="Save my answers").click()
    page.locator(".govuk-panel").wait_for()
    assert "your answers are saved" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page, "confirmation after equalities")
    db.session.rollback()
    row = db.session.query(EqualitiesResponse).one()
    assert (row.religion, row.carer, row.sex) == ("sikh", "prefer_not", None)


def test_privacy_accessibility_and_cookies_pages(page, live_server, app, assert_accessible):
    page.goto(live_server)
    for name, heading in [
        ("Privacy", "Privacy notice"),
        ("Accessibility", "Accessibility statement"),
        ("Cookies", "Cookies"),
    ]:
        page.locator(".govuk-footer").get_by_role("link", name=name, exact=True).click()
        page.get_by_role("heading", name=heading, exact=True).wait_for()
        assert_accessible(page, heading)


def test_rights_request_download_and_erasure(
    page, live_server, derby, app, assert_accessible, tmp_path
):
    from tests.factories import make_wish

    wish = make_wish(derby, text="Lights on the canal path")
    wish.submission.details = RespondentDetails(email="sam@example.com", email_consent=True)
    db.session.commit()
    reference = wish.submission.reference
    outbox(app).clear()

    def ask():
        page.goto(f"{live_server}/your-data")
        page.get_by_label("Reference number").fill(reference)
        page.get_by_label("Email address").fill("sam@example.com")
        page.get_by_role("button", name="Send me a link").click()
        page.get_by_role("heading", name="Check your email").wait_for()
        return re.search(r"(/your-data/\S+)", outbox(app)[-1].body).group(1)

    page.goto(f"{live_server}/your-data")
    assert_accessible(page, "rights request, empty")
    page.get_by_role("button", name="Send me a link").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page, "rights request, error")
    link = ask()
    assert_accessible(page, "rights request sent")
    page.goto(f"{live_server}{link}")
    assert_accessible(page, "rights link")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download a copy").click()
    saved = Path(download.value.path()).read_bytes()
    assert saved[:2] == b"PK" and download.value.suggested_filename == "your-data.zip"
    page.goto(f"{live_server}{link}")
    page.get_by_role("heading", name="This link does not work").wait_for()
    assert_accessible(page, "used link")

    page.goto(f"{live_server}{ask()}")
    page.get_by_role("button", name="Erase my details").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page, "erase, not confirmed")
    page.get_by_label(re.compile("I understand")).check()
    page.get_by_role("button", name="Erase my details").click()
    page.get_by_role("heading", name="Your details are erased").wait_for()
    assert_accessible(page, "erased")
    db.session.rollback()
    assert db.session.query(RespondentDetails).count() == 0


def test_the_cookies_page_reflows_at_320_px(browser, live_server, assert_accessible):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server}/cookies")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert "engage_voter" in page.locator("main").inner_text()
    assert_accessible(page, "cookies, 320 px")
    context.close()
