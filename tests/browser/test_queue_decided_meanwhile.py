"""The queue's bulk form in a real browser says what the page showed of each entry ticked (the
boxes and what goes with them are outside the form, tied to it by form="bulk"): an entry
decided and reported back before the page was opened is decided, and one a colleague decided
after it is refused by name, the others still ticked."""

from engage.extensions import db
from engage.models import ModerationStatus, Wish
from engage.services.moderation import decide, report_entry
from tests.browser.test_officer import sign_in
from tests.conftest import make_staff
from tests.factories import make_wish


def test_a_bulk_decision_is_taken_on_the_entries_as_the_page_showed_them(
    page, live_server, derby, assert_accessible
):
    colleague = make_staff("officer", email="second@example.org")
    colleague.name = "Sam Second"
    reported = make_wish(derby, text="A lido in the park")
    decide([reported], "approve", colleague)
    report_entry(reported, "It names my neighbour")
    texts = ["Keep the library open", "Buy watches now"]
    waiting = [make_wish(derby, text=t, status=ModerationStatus.PENDING) for t in texts]
    db.session.commit()
    sign_in(page, live_server, make_staff("officer"), assert_accessible)  # the queue opens
    db.session.rollback()  # end this test's own read, to write after the sign-in's
    decide([waiting[1]], "approve", colleague)  # after the page was made
    db.session.commit()
    ticked = [page.locator(f"#select-{w.id}") for w in (reported, *waiting)]
    for box in ticked:
        box.check()
    page.locator("#reason-bulk").select_option("spam")
    page.get_by_role("button", name="Reject selected").click()
    summary = page.locator(".govuk-error-summary")
    summary.get_by_text(
        f"1 entry was decided after you opened this page: Wish 1 of"
        f" {waiting[1].submission.reference} (approved by Sam Second at "
    ).wait_for()
    assert_accessible(page, "queue, an entry decided since")
    assert [box.is_checked() for box in ticked[:2]] == [True, True]
    assert page.locator(f"#select-{waiting[1].id}").count() == 0  # no longer waiting
    page.get_by_role("button", name="Reject selected").click()
    page.get_by_text("Rejected: 2 entries").wait_for()
    db.session.rollback()
    statuses = {w.text: w.status for w in db.session.query(Wish)}
    assert statuses == {
        "A lido in the park": "rejected",
        "Keep the library open": "rejected",
        "Buy watches now": "approved",
    }
