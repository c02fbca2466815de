"""The strategy workspace end to end in a real browser, on the demo data: run the analysis,
rename, merge and move, run it again and see the edits kept, follow an entry that raises two
themes, open a breakdown with a hidden small count, and download every export. Axe checks
every page on the way."""

import re
from pathlib import Path

from engage.demo import seed_demo
from engage.extensions import db
from engage.models import ThemeAssignment
from tests.conftest import STAFF_PASSWORD, current_code, make_staff

NEW_NAME = "Getting around the city"


def _sign_in(page, live_server, user, assert_accessible):
    page.goto(f"{live_server}/staff/workspace/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app").fill(current_code(user))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Strategy workspace").wait_for()
    assert_accessible(page, "workspace")


def _banner(page, text):
    page.locator(".govuk-notification-banner").get_by_text(text).wait_for()


def _run(page, assert_accessible, label, leave_out=""):
    page.get_by_label("Consultation").select_option(label="3 wishes for Derby in 2026")
    page.get_by_label("Words to leave out (optional)").fill(leave_out)
    page.get_by_role("button", name="Run the analysis").click()
    page.get_by_role("heading", name=re.compile(r"Run \d+: done")).wait_for()
    assert_accessible(page, f"run {label}")
    left_out = page.locator(".govuk-summary-list__row", has_text="Words left out")
    assert left_out.locator("dd").inner_text().strip() == (leave_out or "None")
    page.get_by_role("link", name="Review the themes").click()
    page.get_by_role("heading", name="Themes", exact=True).wait_for()
    assert_accessible(page, f"themes {label}")


def test_analyse_edit_rerun_break_down_and_export(page, live_server, assert_accessible, app):
    seed_demo(approved_wishes=150)
    db.session.commit()
    _sign_in(page, live_server, make_staff("strategy"), assert_accessible)
    _run(page, assert_accessible, "first run", leave_out="Derby, city")

    first = page.locator(".engage-theme h3 a").first
    first.click()
    page.get_by_text("Change this theme").click()
    assert_accessible(page, "theme")
    page.get_by_label("New name").fill(NEW_NAME)
    page.get_by_role("button", name="Rename the theme").click()
    _banner(page, f"Renamed the theme “{NEW_NAME}”")
    assert_accessible(page, "renamed")

    page.get_by_text("Change this theme").click()
    merged_label = page.get_by_label("Theme to merge into this one").locator("option").first
    merged_label = merged_label.inner_text()
    page.get_by_label("Theme to merge into this one").select_option(label=merged_label)
    page.get_by_role("button", name="Merge into this theme").click()
    _banner(page, f"Merged “{merged_label}” into “{NEW_NAME}”")

    entry = page.locator("#entries .govuk-checkboxes__input").first
    moved_id = int(entry.get_attribute("value"))
    entry.check()
    move_to = page.get_by_label("Move the ticked entries to")
    target = move_to.locator("option").nth(1).inner_text()
    move_to.select_option(label=target)
    page.get_by_role("button", name="Move the ticked entries").click()
    _banner(page, f"Moved 1 entry to “{target}”")
    assert_accessible(page, "moved")
    db.session.rollback()
    moved = db.session.get(ThemeAssignment, moved_id)
    moved_key = (moved.entry_type, moved.entry_id)

    page.get_by_role("link", name="Workspace").click()
    _run(page, assert_accessible, "second run", leave_out="Derby, city")
    themes = page.locator(".engage-theme h3").all_inner_texts()
    assert NEW_NAME in themes
    assert merged_label not in themes
    db.session.rollback()
    again = db.session.scalars(
        db.select(ThemeAssignment)
        .where(ThemeAssignment.entry_type == moved_key[0], ThemeAssignment.entry_id == moved_key[1])
        .order_by(ThemeAssignment.run_id.desc())
    ).first()
    assert again.moved_by_team and again.theme.label == target and again.run_id != moved.run_id

    # A theme that entries of other themes raise too lists them, each with its own theme.
    raised = page.locator(".engage-theme", has_text="Also raised by").first
    raised_label = raised.locator("h3").inner_text()
    raised.locator("h3 a").click()
    page.get_by_role("heading", name="Also raised in entries of other themes").wait_for()
    assert_accessible(page, "a theme raised in other themes' entries")
    own = page.get_by_role("list", name="Also raised in entries of other themes")
    own = own.get_by_role("link").first
    own_label = own.inner_text()
    assert own_label != raised_label
    own.click()
    page.get_by_role("heading", name=own_label, exact=True).wait_for()

    page.get_by_role("link", name="Breakdowns").click()
    page.get_by_role("heading", name="Themes by area").wait_for()
    table = page.locator("#breakdown-table")
    assert table.get_by_text("fewer than 10").count() > 0
    assert_accessible(page, "breakdown by area")
    page.get_by_role("link", name="Age band", exact=True).click()
    page.get_by_label("Chart").select_option(label=NEW_NAME)
    page.get_by_role("button", name="Show the chart").click()
    page.get_by_role("heading", name=f"Entries in “{NEW_NAME}” by age band").wait_for()
    assert_accessible(page, "breakdown by age band")

    page.get_by_role("link", name="Reach").click()
    page.get_by_role("heading", name="Reach").wait_for()
    assert page.get_by_text("Under-represented").count() > 0
    assert_accessible(page, "reach")

    page.go_back()
    page.get_by_role("link", name="Exports and report").click()
    assert_accessible(page, "exports")
    for name, suffix in [
        ("Themes (CSV)", "-themes.csv"),
        ("Every entry with its theme (CSV)", "-assignments.csv"),
        ("Themes and entries (Excel, XLSX)", "-themes.xlsx"),
    ]:
        with page.expect_download() as download:
            page.get_by_role("link", name=name).click()
        assert download.value.suggested_filename.endswith(suffix)
        data = Path(download.value.path()).read_bytes()
        assert data[:2] == b"PK" if suffix.endswith("xlsx") else NEW_NAME in data.decode("utf-8")
    page.get_by_role("link", name=re.compile("Report for the partnership board")).click()
    page.get_by_role("heading", name=re.compile("What residents told us")).wait_for()
    assert page.get_by_text("Analysis library version").count() == 1
    assert_accessible(page, "report")


def test_reach_page_reflows_at_320_pixels(browser, live_server, derby, assert_accessible):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    _sign_in(page, live_server, make_staff("strategy"), assert_accessible)
    page.goto(f"{live_server}/staff/workspace/consultations/{derby.id}/reach")
    page.get_by_role("heading", name="Reach").wait_for()
    assert page.get_by_text("area_code,age_band,population").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "reach at 320 px")
    context.close()
