"""Judges, admins and officers on a 320 px screen: long unbroken competition and photo titles
wrap instead of pushing the page sideways (tables of figures may still scroll, as WCAG allows)."""

from datetime import timedelta

from engage.extensions import db
from engage.models import JudgeAppointment, ModerationStatus
from engage.models._types import utcnow
from tests.browser.test_photo_competition import sign_in
from tests.conftest import make_staff
from tests.photo_factories import make_competition, make_criteria, make_photo_entry

TITLE = "Oakavenue" * 11

# Elements outside tables whose right edge goes past the 320 px screen.
_OVERFLOWING = """() => [...document.querySelectorAll('main *')]
  .filter(e => !e.closest('table') && !e.closest('.govuk-visually-hidden'))
  .filter(e => e.getBoundingClientRect().right > 321)
  .map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 40))"""


def _long_titled_competition(derby):
    now = utcnow()
    competition = make_competition(
        derby,
        slug="pics",
        title="Picture" * 12,
        entries_open_at=now - timedelta(days=40),
        entries_close_at=now - timedelta(days=10),
        voting_open_at=now - timedelta(days=20),
        voting_close_at=now + timedelta(days=3),
    )
    make_criteria(competition, ("Relevance" * 12, "Impact"))
    make_photo_entry(competition, title=TITLE, wish="Wish" * 60, shortlisted=True)
    return competition


def test_a_judge_scores_long_titles_on_a_small_screen(
    browser, live_server, derby, assert_accessible
):
    competition = _long_titled_competition(derby)
    judge = make_staff("judge")
    db.session.add(JudgeAppointment(competition=competition, user=judge))
    db.session.commit()
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    sign_in(page, live_server, judge, f"/staff/judging/{competition.id}", "Score the shortlist")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "score the shortlist, 320 px")
    # Saving with a criterion left out: the summary's link takes the judge to it.
    page.get_by_role("radio", name="4").first.check()
    page.get_by_role("button", name="Save scores").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "score the shortlist, a criterion left out, 320 px")
    page.locator(".govuk-error-summary a").click()
    assert page.evaluate("document.activeElement.name") == "criterion-" + str(
        competition.criteria[1].id
    )
    page.goto(f"{live_server}/staff/judging/")
    assert page.evaluate(_OVERFLOWING) == []
    context.close()


def test_an_admin_sees_long_titles_wrapped_on_a_small_screen(
    browser, live_server, derby, assert_accessible
):
    competition = _long_titled_competition(derby)
    admin = make_staff("admin")
    judge = make_staff("judge")
    db.session.add(JudgeAppointment(competition=competition, user=judge))
    db.session.commit()
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    sign_in(page, live_server, admin, "/staff/admin/competitions", "Photo competitions")
    paths = [
        "/staff/admin/competitions",
        f"/staff/admin/competitions/{competition.id}",
        f"/staff/admin/competitions/{competition.id}/edit",
    ]
    for path in paths:
        page.goto(f"{live_server}{path}")
        assert page.evaluate(_OVERFLOWING) == [], path
        # Only the tables' own columns may need more room than the screen, not a title.
        assert page.evaluate("document.documentElement.scrollWidth") < 640, path
        assert_accessible(page, f"{path}, 320 px")
    # The edit form refuses a voting period that ends before it starts, keeping the rest.
    page.get_by_label("Title").fill("Picture your wish")
    for box, value in zip(
        page.locator("#voting_close input").all(), ["1", "1", "2001"], strict=True
    ):
        box.fill(value)
    page.get_by_role("button", name="Save details").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.get_by_label("Title").input_value() == "Picture your wish"
    assert_accessible(page, "edit refused, 320 px")
    # A judge and a criterion are removed by their own buttons, named for what they remove.
    page.goto(f"{live_server}/staff/admin/competitions/{competition.id}")
    page.get_by_role("button", name=f"Remove {judge.name} as a judge").click()
    page.get_by_text(f"{judge.name} no longer judges this competition").wait_for()
    page.get_by_role("button", name="Remove the criterion “Impact”").click()
    page.get_by_text("Removed the criterion “Impact”").wait_for()
    assert page.evaluate(_OVERFLOWING) == []
    context.close()


def test_an_officer_moderates_long_titles_on_a_small_screen(
    browser, live_server, derby, assert_accessible
):
    competition = make_competition(derby, slug="pics", title="Picture" * 12)
    make_photo_entry(
        competition, title=TITLE, entrant_name="Bartholomew" * 10, status=ModerationStatus.PENDING
    )
    officer = make_staff("officer")
    db.session.commit()
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    sign_in(page, live_server, officer, "/staff/queue/photos", "Moderation queue: photos")
    # The competition filter lists the long title: the page must not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "photo queue, 320 px")
    context.close()
