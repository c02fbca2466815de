"""Real headless Chromium (Debian's package) driven by Playwright against a live server, with
axe-core accessibility checks."""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# WCAG 2.2 A and AA, plus axe's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


@pytest.fixture(scope="session")
def _playwright():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make setup-test`")
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _buffered(app):
    """The app with each response read whole (and closed) before the server sends it.

    Werkzeug's development server leaves a response's iterable unclosed when the browser drops
    the connection (it moved to the next page while a file was being sent), and the open file
    is then reported as a ResourceWarning in whichever test collects it."""

    def serve(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return serve


@pytest.fixture(scope="session")
def _server(_app):
    server = make_server("127.0.0.1", 0, _buffered(_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def live_server(app, _server):
    """The base URL of the app, served over HTTP on loopback, on empty tables."""
    return _server


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture
def derby(app):
    """The consultation most browser tests use, open, with one area."""
    from engage.extensions import db
    from tests.factories import make_area, make_consultation

    consultation = make_consultation(
        slug="derby", title="3 wishes for Derby in 2026", place_name="Derby"
    )
    consultation.areas = [make_area(code="A1", name="Abbey", districts=["DE22"])]
    db.session.commit()
    return consultation


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe-core on the page as it is now; fail with its report if anything is found."""

    def check(page, label=""):
        # A click that navigates returns before the next page is there: wait for it, so axe
        # never checks a page half-way through loading (every page has a main landmark).
        page.wait_for_load_state("load")
        page.locator("main").first.wait_for(state="attached")
        results = axe.run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, f"{label or page.url}\n{results.generate_report()}"

    return check
