"""The strategy admin pages reflow at 320 CSS pixels (WCAG 1.4.10), even with a long unbroken
reason: nothing but a table's own scroll region is wider than the screen."""

from engage.extensions import db
from engage.services.strategy import PrioritySpec, get_priority_in, update_priority
from engage.services.strategy_revisions import record_change, start_revision
from tests.browser.test_officer import sign_in
from tests.conftest import make_staff
from tests.strategy_factories import make_strategy

LONG = "Residents" + "x" * 300


def test_strategy_admin_pages_fit_320_pixels(browser, live_server, derby, assert_accessible):
    strategy = make_strategy(derby)
    revision = start_revision(strategy)
    priority = get_priority_in(revision, "feeling-safe-at-night")
    spec = PrioritySpec(LONG[:150], priority.statement, key=priority.key)
    update_priority(priority, spec, priority.theme)
    record_change(revision, priority.key, kind="reworded", reason=LONG, user=None)
    admin = make_staff("admin")
    db.session.commit()

    page = browser.new_context(viewport={"width": 320, "height": 800}).new_page()
    sign_in(page, live_server, admin, assert_accessible)
    for path in (
        "/staff/admin/strategy",
        f"/staff/admin/strategy/{strategy.id}",
        f"/staff/admin/strategy/versions/{revision.id}",
        f"/staff/admin/strategy/versions/{revision.id}/changes",
        f"/staff/admin/strategy/versions/{revision.id}/changes/{priority.key}",
    ):
        page.goto(f"{live_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width)
    page.context.close()
