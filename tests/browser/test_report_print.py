"""The printed report holds every column of a wide table: a table of counts by 17 areas does not
fit an A4 page, so it is printed in parts, each with its row headings, where it was cut off at
the page's edge."""

from engage.extensions import db
from tests.browser.test_workspace_journey import _sign_in
from tests.conftest import make_staff
from tests.factories import make_area, make_consultation
from tests.workspace_factories import make_wishes, run_analysis

AREAS = [
    "Abbey", "Allestree", "Alvaston", "Arboretum", "Blagreaves", "Boulton", "Chaddesden",
    "Chellaston", "Darley", "Derwent", "Littleover", "Mackworth", "Mickleover", "Normanton",
    "Oakwood", "Sinfin", "Spondon",
]  # fmt: skip
A4_WIDTH = 718  # CSS pixels between the margins of an A4 page printed at 96 dpi


def _tables(page):
    return page.evaluate(
        """() => [...document.querySelectorAll('table')]
              .filter(t => t.offsetParent !== null)
              .map(t => ({id: t.id, width: t.scrollWidth,
                          headers: [...t.querySelectorAll('thead th')].map(h => h.textContent)}))"""
    )


def test_a_wide_table_is_printed_whole_in_parts(browser, live_server, assert_accessible, app):
    consultation = make_consultation()
    consultation.areas = [make_area(name=name) for name in AREAS]
    make_wishes(consultation, 400)
    db.session.commit()
    run = run_analysis(consultation, n_themes=6)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, make_staff("strategy"), assert_accessible)
    page.goto(f"{live_server}/staff/workspace/runs/{run.id}/report")

    on_screen = {t["id"]: t for t in _tables(page)}
    assert "report-table-area" in on_screen
    assert not any("-print-" in name for name in on_screen)
    assert_accessible(page, "report on screen")

    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_WIDTH, "height": 1000})
    printed = _tables(page)
    assert all(t["width"] <= A4_WIDTH for t in printed), printed
    parts = [t for t in printed if t["id"].startswith("report-table-area-print-")]
    assert len(parts) == 3
    assert all(t["headers"][0] == "Theme" for t in parts)
    columns = [h for t in parts for h in t["headers"][1:]]
    assert columns == [*AREAS, "Total"]
    captions = page.locator("#report-table-area-print-1-caption").text_content()
    assert captions.endswith("(part 1 of 3: Abbey to Boulton)")
    assert "report-table-area" not in {t["id"] for t in printed}
    context.close()
