"""The workspace's lists of runs and jobs reflow at 320 CSS pixels (WCAG 1.4.10): only a
table's own scroll region is wider than the screen, and it can be reached by keyboard."""

from tests.browser.test_workspace_journey import _sign_in
from tests.conftest import make_staff
from tests.workspace_factories import make_consultation_with_wishes, run_analysis


def test_runs_and_jobs_fit_320_pixels(browser, live_server, assert_accessible, app):
    run_analysis(make_consultation_with_wishes(n=30), n_themes=3)
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    _sign_in(page, live_server, make_staff("strategy"), assert_accessible)
    for path, table in (("/staff/workspace/", "Runs"), ("/staff/workspace/jobs", "Jobs")):
        page.goto(f"{live_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width)
        region = page.get_by_role("region", name=table)
        assert region.get_attribute("tabindex") == "0"
        assert region.get_by_role("table").count() == 1
        assert_accessible(page, f"{path} at 320 px")
    context.close()
