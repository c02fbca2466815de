"""The draft strategy end to end in a real browser: a resident comments on a priority, an
officer approves the comment, an administrator revises the priority with a reason linked to
that comment and publishes the final version, and "you said, we did" shows the change and
why. Axe checks every page on the way, as it does the pages that ask before an import replaces
a draft or a theme is removed."""

import re

from engage.extensions import db
from engage.models import Comment, ModerationStatus, PriorityChange
from engage.services.strategy import (
    PrioritySpec,
    add_priority,
    add_theme,
    get_priority_in,
    remove_priority,
)
from engage.services.strategy_evidence import cite_wishes
from engage.services.strategy_revisions import publish, record_change, start_revision
from tests.browser.test_officer import sign_in
from tests.conftest import make_staff
from tests.factories import make_wish
from tests.strategy_factories import DEMO_FILE, make_strategy

COMMENT = "Light the river path before adding more cameras"
# An address with no break opportunity in it: it must wrap, not widen the page.
LONG_WORD = "derby.gov.uk/strategy/" + "communitysafetyandlighting" * 3


def test_comment_approve_revise_publish_you_said_we_did(
    browser, live_server, derby, assert_accessible
):
    strategy = make_strategy(derby, published=False)
    priority = get_priority_in(strategy.versions[0], "feeling-safe-at-night")
    wish = make_wish(derby, text="Better street lighting on the way home", area=derby.areas[0])
    cite_wishes(priority, [wish])
    publish(strategy.versions[0], "consultation")
    db.session.commit()

    resident = browser.new_context(viewport={"width": 1024, "height": 900}).new_page()
    reference = _resident_comments(resident, live_server, assert_accessible)
    db.session.rollback()  # end the test's read snapshot: the server has written since
    comment = db.session.query(Comment).one()
    assert (comment.reference, comment.status) == (reference, ModerationStatus.PENDING)

    db.session.rollback()
    officer = browser.new_context(viewport={"width": 1024, "height": 900}).new_page()
    _officer_approves(officer, live_server, assert_accessible)

    resident.goto(f"{live_server}/consultations/derby/strategy/priorities/{priority.id}")
    resident.get_by_text(COMMENT).wait_for()
    assert_accessible(resident, "priority with a published comment")

    db.session.rollback()
    admin = browser.new_context(viewport={"width": 1024, "height": 900}).new_page()
    _admin_revises_and_publishes(admin, live_server, assert_accessible)
    db.session.rollback()
    change = db.session.query(PriorityChange).one()
    assert change.kind == "reworded" and [c.text for c in change.comments] == [COMMENT]

    _resident_reads_you_said_we_did(resident, live_server, assert_accessible)
    for page in (resident, officer, admin):
        page.context.close()


def _resident_comments(page, live_server, assert_accessible) -> str:
    page.goto(f"{live_server}/consultations/derby")
    page.get_by_role("link", name="Read Derby 2026: our community strategy").click()
    page.get_by_role("heading", name="Contents").wait_for()
    assert_accessible(page, "contents")
    page.get_by_role("link", name="3. Safer and Stronger Communities").click()
    assert_accessible(page, "theme")
    page.get_by_role("link", name="Read in full and comment on Feeling safe at night").click()
    page.get_by_text("1 wish from 1 area asked for this").wait_for()
    assert_accessible(page, "priority")
    page.get_by_role("button", name="Comment on this priority").click()
    page.get_by_role("heading", name=re.compile("Comment on")).wait_for()
    assert_accessible(page, "comment form")
    page.get_by_role("button", name="Continue").click()
    page.locator(".govuk-error-summary").wait_for()
    assert (
        "Choose whether you support this priority"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page, "comment form, errors")
    page.get_by_label("Support with changes").check()
    page.get_by_label("Your comment").fill(COMMENT)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="About you").wait_for()
    assert_accessible(page, "about you")
    page.get_by_role("button", name="Skip this step").click()
    page.get_by_text("Thank you: we have your comment").wait_for()
    assert_accessible(page, "comment sent")
    return page.locator("#reference").inner_text()


def _officer_approves(page, live_server, assert_accessible):
    sign_in(page, live_server, make_staff("officer"), assert_accessible)
    page.get_by_role("link", name="Comments (1 waiting)").click()
    page.get_by_role("heading", name="Comment queue").wait_for()
    assert_accessible(page, "comment queue")
    page.get_by_role("button", name="Approve", exact=True).click()
    page.get_by_text("Approved: 1 comment").wait_for()
    assert_accessible(page, "comment queue, empty")


def _admin_revises_and_publishes(page, live_server, assert_accessible):
    sign_in(page, live_server, make_staff("admin"), assert_accessible)
    page.get_by_role("link", name="Strategy", exact=True).click()
    assert_accessible(page, "strategy list")
    page.get_by_role("link", name="Derby 2026: our community strategy").click()
    assert_accessible(page, "strategy settings")
    page.get_by_role("button", name="Start a revision").click()
    page.get_by_role("heading", name="Version 2").wait_for()
    assert_accessible(page, "revision draft")
    page.get_by_role("link", name="Edit Feeling safe at night").click()
    assert_accessible(page, "edit priority")
    page.get_by_label("Priority", exact=True).fill("Well-lit, safe streets")
    page.get_by_role("button", name="Save priority").click()
    page.get_by_text("1 changed priority needs a reason").wait_for()
    page.get_by_role("button", name="Publish version 2").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page, "publish refused")
    page.get_by_role("link", name="Say why each priority changed").click()
    assert_accessible(page, "changes")
    page.get_by_role("link", name="Say why for Well-lit, safe streets").click()
    assert_accessible(page, "record a reason")
    page.get_by_label("Why").fill("You asked for lighting first, so the priority now says so")
    page.get_by_label(re.compile("Light the river path")).check()
    page.get_by_role("button", name="Save the reason").click()
    page.get_by_text("Recorded why").wait_for()
    page.get_by_role("link", name="Back to version 2").click()
    page.get_by_label("The final, agreed strategy").check()
    page.get_by_role("button", name="Publish version 2").click()
    page.get_by_text("The final version cannot be revised").wait_for()  # it asks first
    assert_accessible(page, "confirm the final version")
    page.get_by_role("button", name="Publish as the final strategy").click()
    page.get_by_text("Published version 2: final").wait_for()


def _resident_reads_you_said_we_did(page, live_server, assert_accessible):
    page.goto(f"{live_server}/consultations/derby/strategy")
    page.get_by_role("link", name="You said, we did").first.click()
    page.get_by_role("heading", name="You said, we did").wait_for()
    safer = page.locator("#theme-safer-and-stronger-communities").locator("..")
    text = safer.inner_text()
    assert "Feeling safe at night → Well-lit, safe streets" in text
    assert "You asked for lighting first, so the priority now says so" in text
    assert COMMENT in text and "Reworded" in text
    assert_accessible(page, "you said, we did")
    page.get_by_role("link", name="See every change side by side").click()
    page.get_by_role("heading", name=re.compile("What changed between version 1")).wait_for()
    assert page.locator("del").first.inner_text().startswith("[removed: ")
    assert_accessible(page, "compare")
    page.get_by_role("link", name="All versions").click()
    assert_accessible(page, "versions")
    page.get_by_role("link", name="Read version 1").click()
    page.get_by_text("This is an earlier version").wait_for()
    assert_accessible(page, "version 1")


def test_versions_page_reflows_at_320_pixels(browser, live_server, derby, assert_accessible):
    strategy = make_strategy(derby)
    publish(start_revision(strategy), "final")
    db.session.commit()
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server}/consultations/derby/strategy/versions")
    page.get_by_role("link", name="Compare with version 1").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert "<br>" not in page.locator("main").inner_text()
    assert_accessible(page, "versions at 320 px")
    context.close()


def test_strategy_pages_reflow_at_320_pixels_with_long_words(
    browser, live_server, derby, assert_accessible
):
    strategy = make_strategy(derby, published=False)
    first = strategy.versions[0]
    theme = first.themes[0]
    theme.title, theme.summary = f"Theme {LONG_WORD}", f"A summary naming {LONG_WORD}"
    priority = theme.priorities[0]
    priority.title, priority.statement = f"Priority {LONG_WORD}", f"See {LONG_WORD}"
    publish(first, "consultation")
    # Version 2 drops the priority and adds a new one with the same title.
    draft = start_revision(strategy)
    theme = draft.themes[0]
    removed = theme.priorities[0]
    remove_priority(removed)
    added = add_priority(theme, PrioritySpec(title=removed.title, statement=f"Now {LONG_WORD}"))
    record_change(draft, removed.key, kind="dropped", reason="Replaced", user=None)
    record_change(draft, added.key, kind="added", reason=f"Read {LONG_WORD}", user=None)
    publish(draft, "final")
    db.session.commit()

    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    for path, label in [
        ("/strategy", "contents"),
        ("/strategy/versions/1", "version 1"),
        (f"/strategy/versions/1/themes/{strategy.versions[0].themes[0].slug}", "theme"),
        ("/strategy/compare", "compare"),
    ]:
        page.goto(f"{live_server}/consultations/derby{path}")
        page.get_by_text(LONG_WORD).first.wait_for()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{label} is {width} px wide"
        assert_accessible(page, f"{label} at 320 px")
    sections = page.locator("main section")
    names = [sections.nth(i).get_attribute("aria-label") for i in range(sections.count())]
    assert len(set(names)) == len(names) == 2 and all(names)
    context.close()


def test_removing_a_theme_asks_first(browser, live_server, derby, assert_accessible):
    strategy = make_strategy(derby, published=False)
    add_theme(strategy.versions[0], "Jobs and the Economy")
    db.session.commit()
    page = browser.new_context(viewport={"width": 1024, "height": 900}).new_page()
    sign_in(page, live_server, make_staff("admin"), assert_accessible)
    page.goto(f"{live_server}/staff/admin/strategy/versions/{strategy.versions[0].id}")
    page.get_by_role("link", name="Remove the theme Jobs and the Economy").click()
    page.get_by_role("heading", name="Remove the theme Jobs and the Economy?").wait_for()
    assert_accessible(page, "confirm removing a theme")
    page.get_by_role("link", name="Cancel, keep it").click()
    page.get_by_role("heading", name="Version 1").wait_for()
    page.get_by_role("link", name="Remove the theme Jobs and the Economy").click()
    page.get_by_role("button", name="Remove the theme").click()
    page.get_by_text("Removed the theme Jobs and the Economy from version 1").wait_for()
    assert page.get_by_role("heading", name=re.compile("Jobs and the Economy")).count() == 0
    page.context.close()


def test_an_import_over_a_draft_asks_first(
    browser, live_server, derby, assert_accessible, tmp_path
):
    strategy = make_strategy(derby, published=False)
    add_theme(strategy.versions[0], "Jobs and the Economy")
    db.session.commit()
    page = browser.new_context(viewport={"width": 1024, "height": 900}).new_page()
    sign_in(page, live_server, make_staff("admin"), assert_accessible)
    page.goto(f"{live_server}/staff/admin/strategy/versions/{strategy.versions[0].id}")
    upload = tmp_path / "strategy.yaml"
    upload.write_bytes(DEMO_FILE.read_bytes().replace(b"Feeling safe", b"Safe streets"))
    page.get_by_label("Strategy file (YAML or Markdown)").set_input_files(upload)
    page.get_by_role("button", name="Import").click()
    page.get_by_role("heading", name="Replace the themes and priorities of version 1?").wait_for()
    assert "Jobs and the Economy" in page.locator("#themes-that-go + ul").inner_text()
    assert_accessible(page, "confirm an import over the draft")
    page.get_by_role("link", name="Cancel, keep the draft").click()
    page.get_by_role("heading", name="Version 1").wait_for()
    assert "Jobs and the Economy" in page.locator("main").inner_text()

    page.get_by_label("Strategy file (YAML or Markdown)").set_input_files(upload)
    page.get_by_role("button", name="Import").click()
    page.get_by_role("button", name="Replace with the file").click()
    page.get_by_text("Imported 4 themes and 8 priorities").wait_for()
    main = page.locator("main").inner_text()
    assert "Safe streets at night" in main and "Feeling safe at night" not in main
    assert page.get_by_role("heading", name=re.compile("Jobs and the Economy")).count() == 0
    page.context.close()
