"""A resident gives 3 wishes in a real browser, and every page of the journey passes axe in its
empty, error and success states."""

import re

from engage.extensions import db
from engage.models import Submission
from tests.factories import make_consultation, make_wish


def test_resident_gives_three_wishes(page, live_server, derby, assert_accessible):
    page.goto(f"{live_server}/consultations/derby")
    assert_accessible(page, "consultation home")
    page.get_by_role("button", name="Give your 3 wishes").click()

    assert_accessible(page, "wishes form, empty")
    page.get_by_label("Your first wish").fill("More buses in the evening")
    page.get_by_label("Your second wish (optional)").fill("Safer parks for children")
    page.get_by_label("Your third wish (optional)").fill("A youth club in every ward")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="About you").wait_for()
    assert_accessible(page, "about you, empty")
    page.get_by_label("Postcode").fill("DE22 1AB")
    page.get_by_label("25 to 34").check()
    page.get_by_role("button", name="Send").click()

    panel = page.locator(".govuk-panel")
    panel.wait_for()
    assert_accessible(page, "confirmation")
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"W-[0-9A-Z]{4}-[0-9A-Z]{2}", reference)
    assert "Thank you: we have your wishes" in panel.inner_text()
    assert page.get_by_text("A youth club in every ward").is_visible()
    db.session.rollback()  # a fresh snapshot
    stored = db.session.query(Submission).one()
    assert stored.reference == reference and stored.area.name == "Abbey"


def test_errors_are_summarised_and_linked(page, live_server, derby, assert_accessible):
    page.goto(f"{live_server}/consultations/derby/wishes/new")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error: ")
    assert_accessible(page, "wishes form, error")
    summary.get_by_role("link", name="Enter at least one wish").click()
    assert page.evaluate("document.activeElement.id") == "wish_1"

    page.get_by_label("Your first wish").fill("More trees")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Postcode").fill("not a postcode")
    page.get_by_label("Email address").fill("me@example.com")
    page.get_by_role("button", name="Send").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page, "about you, error")
    text = page.locator(".govuk-error-summary").inner_text()
    assert "Enter a real postcode" in text and "Tick the box to agree" in text


def test_works_without_javascript_by_keyboard_on_a_small_phone(
    browser, live_server, derby, assert_accessible
):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server}/consultations/derby/wishes/new")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # partnership name
    for _ in range(2):
        page.keyboard.press("Tab")  # back link, then the first wish
        if page.evaluate("document.activeElement.id") == "wish_1":
            break
    assert page.evaluate("document.activeElement.id") == "wish_1"
    page.keyboard.type("Cleaner streets")
    page.locator("#wish_3").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="About you").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("button", name="Skip this step").press("Enter")
    page.locator("#reference").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


def test_wish_wall_states_are_accessible(page, live_server, derby, assert_accessible):
    page.goto(f"{live_server}/consultations/derby/wall")
    assert page.get_by_text("Nothing has been published yet").is_visible()
    assert_accessible(page, "wish wall, empty")
    for n in range(25):
        make_wish(derby, text=f"More buses on route {n}", area=derby.areas[0])
    db.session.commit()
    page.goto(f"{live_server}/consultations/derby/wall")
    assert_accessible(page, "wish wall, results")
    page.get_by_label("Search wishes").fill("bus")
    page.get_by_label("Area").select_option("A1")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name=re.compile("25 wishes matching")).wait_for()
    page.get_by_role("link", name="Next").click()
    assert "page=2" in page.url
    assert_accessible(page, "wish wall, page 2")
    page.goto(f"{live_server}/consultations/derby/wall?q=" + "x" * 300)
    assert_accessible(page, "wish wall, error")


def test_other_pages_are_accessible(page, live_server, derby, assert_accessible):
    for path, label in [("/", "home"), ("/consultations/nope", "not found")]:
        page.goto(f"{live_server}{path}")
        assert_accessible(page, label)
    closed = make_consultation(slug="closed", closes_at=derby.opens_at)
    closed.opens_at = derby.opens_at.replace(year=derby.opens_at.year - 1)
    db.session.commit()
    page.goto(f"{live_server}/consultations/closed/wishes/new")
    assert page.get_by_role("heading", name=re.compile("has closed")).is_visible()
    assert_accessible(page, "closed consultation")
