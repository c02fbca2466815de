"""A run's progress page keeps asking for the run's status when one check fails (the
database busy, the connection dropped), so it still moves on when the run finishes."""

from engage.extensions import db
from engage.models import AnalysisRun
from tests.browser.test_workspace_journey import _sign_in
from tests.conftest import make_staff
from tests.factories import make_consultation

FINISHED = {"status": "done", "finished": True, "progress": 100, "stage": ""}


def test_the_progress_page_asks_again_after_a_failed_check(
    page, live_server, assert_accessible, app
):
    run = AnalysisRun(consultation=make_consultation(), library_version="0.1.0", status="running")
    db.session.add(run)
    db.session.commit()
    _sign_in(page, live_server, make_staff("strategy"), assert_accessible)
    checks, loads = [], []

    def answer(route):
        checks.append(route.request.url)
        if len(checks) == 1:
            route.abort("connectionreset")
        elif len(checks) == 2:
            route.fulfill(status=503, body="The service is busy")
        else:
            route.fulfill(json=FINISHED)

    url = f"{live_server}/staff/workspace/runs/{run.id}"
    page.route(f"{url}/status", answer)
    page.on("load", lambda _: loads.append(page.url))
    page.goto(url)
    page.get_by_text("0% done.").wait_for()
    for _ in range(60):
        if len(loads) > 1:
            break
        page.wait_for_timeout(500)
    assert len(checks) >= 3, checks
    assert len(loads) > 1, "the page did not reload when the run finished"
