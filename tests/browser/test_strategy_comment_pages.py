"""A priority with more comments than fit on one page, in a real browser at phone width: the
pages of comments can be followed (plain links, no script needed), and axe finds nothing."""

from engage.extensions import db
from engage.public.strategy import COMMENTS_PER_PAGE
from engage.services.strategy import get_priority_in
from tests.strategy_factories import make_comment, make_strategy


def test_pages_of_comments_on_a_phone(browser, live_server, derby, assert_accessible):
    strategy = make_strategy(derby)
    priority = get_priority_in(strategy.versions[0], "feeling-safe-at-night")
    for i in range(1, COMMENTS_PER_PAGE + 3):
        make_comment(priority, f"Comment number {i:04d} here")
    db.session.commit()
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server}/consultations/derby/strategy/priorities/{priority.id}")
    assert_accessible(page, "priority, comments page 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("navigation", name="Pages of comments").get_by_role(
        "link", name="Next"
    ).click()
    page.get_by_text(f"Comment number {COMMENTS_PER_PAGE + 2:04d} here").wait_for()
    assert "page 2 of 2" in page.title()
    assert_accessible(page, "priority, comments page 2")
    context.close()
