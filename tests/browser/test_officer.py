"""An officer's day in a real browser: sign in with a code, decide on the queue, key in a card,
import a workshop sheet with a bad row; a resident reports a wish. Axe checks every page."""

import re

from engage.extensions import db
from engage.models import ModerationDecision, ModerationStatus, Submission, Wish, WorkshopImport
from tests.conftest import STAFF_PASSWORD, current_code, make_staff
from tests.factories import make_wish


def sign_in(page, live_server, user, assert_accessible):
    page.goto(f"{live_server}/staff/sign-in")
    assert_accessible(page, "sign in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app").wait_for()
    assert_accessible(page, "code")
    page.get_by_label("Code from your authenticator app").fill(current_code(user))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Moderation queue").wait_for()


def test_first_sign_in_enrols_with_a_qr_code(page, live_server, derby, assert_accessible):
    import pyotp

    user = make_staff("officer", enrolled=False)
    page.goto(f"{live_server}/staff/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Set up your authenticator app").wait_for()
    assert page.locator(".engage-qr svg").is_visible()
    assert_accessible(page, "enrol")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Finish setting up").click()
    page.get_by_role("heading", name="Moderation queue").wait_for()


def test_officer_moderates_the_queue(page, live_server, derby, assert_accessible):
    good = make_wish(derby, text="More buses in the evening", status=ModerationStatus.PENDING)
    spam = make_wish(
        derby, text="Cheap watches at www.spam.example", status=ModerationStatus.PENDING
    )
    personal = make_wish(
        derby, text="Ring me on 07700 900123 about the park", status=ModerationStatus.PENDING
    )
    db.session.commit()
    officer = make_staff("officer")
    sign_in(page, live_server, officer, assert_accessible)
    page.get_by_role("heading", name="Moderation queue").wait_for()
    assert_accessible(page, "queue")

    page.locator(f"#entry-{good.id}").get_by_role("button", name="Approve").click()
    page.get_by_text("Approved: 1 entry").wait_for()

    item = page.locator(f"#entry-{spam.id}")
    reason = item.get_by_label("Reason, if rejected")
    # Each entry's fields say which entry they belong to, as its buttons do.
    assert reason.get_attribute("aria-describedby") == f"entry-{spam.id}-heading"
    assert item.get_by_label("Note (optional)").get_attribute("aria-describedby") == (
        f"entry-{spam.id}-heading"
    )
    reason.select_option("spam")
    item.get_by_role("button", name="Reject").click()
    page.get_by_text("Rejected: 1 entry").wait_for()

    item = page.locator(f"#entry-{personal.id}")
    item.get_by_text("Approve a redacted version").click()
    box = item.get_by_label("Text to publish (the original is kept for staff)")
    assert "[phone number removed]" in box.input_value()
    item.get_by_role("button", name="Approve redacted version").click()
    page.get_by_text("Approved a redacted version: 1 entry").wait_for()
    assert_accessible(page, "queue, empty")

    db.session.rollback()
    statuses = {w.id: (w.status, w.status_reason) for w in db.session.query(Wish)}
    assert statuses[good.id] == (ModerationStatus.APPROVED, None)
    assert statuses[spam.id] == (ModerationStatus.REJECTED, "spam")
    assert statuses[personal.id][0] == ModerationStatus.APPROVED
    page.goto(f"{live_server}/consultations/derby/wall")
    assert page.get_by_text("Ring me on [phone number removed] about the park").is_visible()
    page.goto(f"{live_server}/staff/decisions")
    assert_accessible(page, "decision log")
    page.goto(f"{live_server}/staff/entries/wish/{personal.id}")
    assert_accessible(page, "entry history")


def test_resident_reports_a_wish(page, live_server, derby, assert_accessible):
    wish = make_wish(derby, text="A wish that names a neighbour")
    db.session.commit()
    page.goto(f"{live_server}/consultations/derby/wall")
    page.get_by_role("link", name=re.compile("Report this")).click()
    assert_accessible(page, "report form")
    page.get_by_role("button", name="Send report").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page, "report form, error")
    page.get_by_label("What is wrong with this wish?").fill("It names my neighbour")
    page.get_by_role("button", name="Send report").click()
    page.get_by_text("A moderator will look at this wish again").wait_for()
    db.session.rollback()
    assert db.session.get(Wish, wish.id).reported_at is not None
    page.goto(f"{live_server}/consultations/derby/moderation")
    assert_accessible(page, "transparency")


def test_officer_keys_in_a_card_and_imports_a_sheet(
    page, live_server, derby, assert_accessible, tmp_path
):
    officer = make_staff("officer")
    sign_in(page, live_server, officer, assert_accessible)
    page.get_by_role("link", name="Key in cards").click()
    assert_accessible(page, "card form")
    page.get_by_label("Card number").fill("C-0042")
    page.get_by_label("Your first wish").fill("A new library in Abbey")
    page.get_by_label("Postcode").fill("DE22 1AB")
    page.get_by_role("button", name="Save card").click()
    page.get_by_text(re.compile("Saved card C-0042 as W-")).wait_for()
    page.get_by_label("Card number").fill("C-0042")
    page.get_by_label("Your first wish").fill("Same card again")
    page.get_by_role("button", name="Save card").click()
    page.get_by_role("link", name=re.compile("was already keyed in")).wait_for()
    assert page.title().startswith("Error: ")
    assert_accessible(page, "card form, duplicate warning")

    sheet = tmp_path / "workshop.csv"
    sheet.write_text(
        "wish_1,wish_2,wish_3,postcode,age_band\nMore buses,,,DE22 1AB,16 to 24\n"
        ",,,NOT A POSTCODE,\nA youth club,,,,\n"
    )
    page.get_by_role("link", name="Workshop sheets").click()
    assert_accessible(page, "workshops")
    page.get_by_label("Partner organisation").fill("Abbey Youth Forum")
    page.get_by_label("Workshop or event").fill("Youth forum night")
    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("7")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Workshop sheet (CSV or XLSX)").set_input_files(str(sheet))
    page.get_by_role("button", name="Check the sheet").click()
    page.get_by_text("1 row has problems").wait_for()
    assert_accessible(page, "workshop preview")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the rows to fix (CSV)").click()
    from pathlib import Path

    assert "NOT A POSTCODE" in Path(download.value.path()).read_text(encoding="utf-8-sig")
    page.get_by_role("button", name="Import 2 rows").click()
    page.get_by_text("Imported 2 rows").wait_for()
    db.session.rollback()
    assert db.session.query(WorkshopImport).one().rows_imported == 2
    assert db.session.query(Submission).filter_by(channel="workshop").count() == 2


def test_keyboard_decisions(page, live_server, derby, assert_accessible):
    first = make_wish(derby, text="First wish", status=ModerationStatus.PENDING)
    second = make_wish(derby, text="Second wish", status=ModerationStatus.PENDING)
    db.session.commit()
    sign_in(page, live_server, make_staff("officer"), assert_accessible)
    # The shortcuts are a module script: a page must have run it before keys are pressed
    # (on a busy machine the queue's heading shows before it has).
    page.wait_for_load_state("load")
    page.keyboard.press("j")
    # The entry in focus has the service's focus ring (3 px, yellow), not the browser's 1 px one.
    ring = page.locator(f"#entry-{first.id}").evaluate(
        "e => [getComputedStyle(e).outlineWidth, getComputedStyle(e).outlineColor]"
    )
    assert ring == ["3px", "rgb(255, 221, 0)"]
    page.keyboard.press("a")
    page.get_by_text("Approved: 1 entry").wait_for()
    page.wait_for_load_state("load")
    page.keyboard.press("j")
    page.keyboard.press("r")  # no reason chosen: nothing is rejected without one
    page.get_by_text("Choose a reason for rejecting").first.wait_for()
    page.wait_for_load_state("load")
    page.select_option(f"#reason-{second.id}", "spam")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("j")
    page.keyboard.press("r")
    page.get_by_text("Rejected: 1 entry").wait_for()
    db.session.rollback()
    assert db.session.get(Wish, first.id).status == ModerationStatus.APPROVED
    assert db.session.get(Wish, second.id).status == ModerationStatus.REJECTED


def test_admin_resets_a_lost_authenticator(page, live_server, derby, assert_accessible):
    officer = make_staff("officer", email="lost.phone@example.org")
    sign_in(page, live_server, make_staff("admin"), assert_accessible)
    page.goto(f"{live_server}/staff/admin/users")
    assert_accessible(page, "staff accounts")
    page.get_by_role("link", name=re.compile("Reset sign-in of Officer")).click()
    page.get_by_role("heading", name="Reset sign-in").wait_for()
    assert_accessible(page, "reset sign-in")
    page.get_by_role("button", name="Reset sign-in").click()
    page.get_by_text("Enter a new first password").first.wait_for()
    assert_accessible(page, "reset sign-in, error")
    page.get_by_label("New first password").fill("a new long passphrase for spring")
    page.get_by_role("button", name="Reset sign-in").click()
    page.get_by_text("they are signed out everywhere").wait_for()
    db.session.rollback()
    assert db.session.get(type(officer), officer.id).totp_secret is None


def test_keyboard_shortcuts_can_be_turned_off(page, live_server, derby, assert_accessible):
    """Single-key shortcuts (WCAG 2.1.4): an officer who dictates, or whose fingers slip, can
    turn them off, and they stay off on the next page."""
    wish = make_wish(derby, text="Keep the library open", status=ModerationStatus.PENDING)
    db.session.commit()
    sign_in(page, live_server, make_staff("officer"), assert_accessible)
    page.wait_for_load_state("load")
    shortcuts = page.get_by_label("Use the keyboard shortcuts")
    assert shortcuts.is_checked()
    shortcuts.uncheck()
    assert_accessible(page, "queue, shortcuts off")
    page.reload()
    page.wait_for_load_state("load")
    assert not page.get_by_label("Use the keyboard shortcuts").is_checked()
    page.locator("body").press("j")
    page.keyboard.press("a")
    page.wait_for_timeout(500)
    db.session.rollback()
    assert db.session.get(Wish, wish.id).status == ModerationStatus.PENDING
    page.get_by_label("Use the keyboard shortcuts").check()
    page.locator(f"#entry-{wish.id}").focus()
    page.keyboard.press("a")
    page.get_by_text("Approved: 1 entry").wait_for()


def test_keyboard_shortcuts_are_not_offered_without_javascript(browser, live_server, derby):
    make_wish(derby, text="Keep the library open", status=ModerationStatus.PENDING)
    db.session.commit()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, live_server, make_staff("officer"), lambda page, label: None)  # axe needs JS
    assert not page.get_by_text("press J and K").is_visible()
    assert not page.get_by_label("Use the keyboard shortcuts").is_visible()
    context.close()


def test_a_refused_bulk_rejection_keeps_the_ticks_without_javascript(browser, live_server, derby):
    """Two entries ticked and "Reject selected" without a reason: the queue comes back with
    the message, both still ticked and the note kept, so choosing the reason is all it takes."""
    texts = ["Keep the library open", "Buy watches now", "Watches, cheap"]
    wishes = [make_wish(derby, text=t, status=ModerationStatus.PENDING) for t in texts]
    db.session.commit()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, live_server, make_staff("officer"), lambda page, label: None)  # axe needs JS
    ticked = [page.locator(f"#select-{w.id}") for w in wishes[1:]]
    for box in ticked:
        box.check()
    page.locator("#note-bulk").fill("Adverts for watches")
    page.get_by_role("button", name="Reject selected").click()
    page.locator(".govuk-error-summary").get_by_text("Choose a reason for rejecting").wait_for()
    assert page.title().startswith("Error: ")
    assert [box.is_checked() for box in ticked] == [True, True]
    assert not page.locator(f"#select-{wishes[0].id}").is_checked()
    assert page.locator("#note-bulk").input_value() == "Adverts for watches"
    page.locator("#reason-bulk").select_option("spam")
    page.get_by_role("button", name="Reject selected").click()
    page.get_by_text("Rejected: 2 entries").wait_for()
    context.close()
    db.session.rollback()
    statuses = {w.id: (w.status, w.status_reason) for w in db.session.query(Wish)}
    assert statuses[wishes[0].id] == (ModerationStatus.PENDING, None)
    assert statuses[wishes[1].id] == statuses[wishes[2].id] == (ModerationStatus.REJECTED, "spam")
    notes = {d.note for d in db.session.query(ModerationDecision)}
    assert notes == {"Adverts for watches"}


def test_a_refused_rejection_of_one_entry_keeps_its_reason_and_note(
    page, live_server, derby, assert_accessible
):
    """An entry rejected as "Other" with no note: the queue comes back with the problem at the
    top, linked to that entry's note box (the link puts the cursor in it), and its reason and
    note as the officer left them, so the note is all it takes."""
    texts = ["Keep the library open", "Buy watches now"]
    wishes = [make_wish(derby, text=t, status=ModerationStatus.PENDING) for t in texts]
    db.session.commit()
    sign_in(page, live_server, make_staff("officer"), assert_accessible)
    item = page.locator(f"#entry-{wishes[1].id}")
    item.get_by_label("Reason, if rejected").select_option("other")
    item.get_by_role("button", name="Reject").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error: ")
    assert_accessible(page, "queue, a refused decision")
    summary.get_by_role("link", name="Add a note to say why").click()
    note = item.get_by_label("Note (optional)")
    assert note.evaluate("e => e === document.activeElement")
    assert item.get_by_label("Reason, if rejected").input_value() == "other"
    note.fill("Adverts for watches")
    item.get_by_role("button", name="Reject").click()
    page.get_by_text("Rejected: 1 entry").wait_for()
    db.session.rollback()
    statuses = {w.id: (w.status, w.status_reason) for w in db.session.query(Wish)}
    assert statuses[wishes[0].id] == (ModerationStatus.PENDING, None)
    assert statuses[wishes[1].id] == (ModerationStatus.REJECTED, "other")
    assert {d.note for d in db.session.query(ModerationDecision)} == {"Adverts for watches"}


def test_staff_are_warned_before_their_session_ends(page, live_server, derby, assert_accessible):
    """WCAG 2.2.1: 2 minutes before the idle limit a dialog says so, takes focus, and one
    button keeps the session (the server's idle clock restarts) and gives focus back."""
    make_wish(derby, text="Keep the library open", status=ModerationStatus.PENDING)
    db.session.commit()
    page.clock.install()
    sign_in(page, live_server, make_staff("officer"), assert_accessible)
    page.wait_for_load_state("load")
    note = page.locator("#note-bulk")
    note.fill("Half-typed note")
    dialog = page.get_by_role("dialog", name="You will be signed out in 2 minutes")
    page.clock.run_for("27:00")
    assert not dialog.is_visible()
    page.clock.run_for("01:01")
    dialog.wait_for()
    stay = dialog.get_by_role("button", name="Stay signed in")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Stay signed in"
    assert_accessible(page, "session timeout warning")
    with page.expect_response(re.compile(r"/staff/session$")) as response:
        stay.press("Enter")
    assert response.value.status == 204
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "note-bulk"
    assert note.input_value() == "Half-typed note"


def test_the_decision_log_and_an_entrys_history_reflow_at_320_pixels(
    browser, live_server, derby, assert_accessible
):
    officer = make_staff("officer")
    wish = make_wish(derby, text="More buses in the evening", status=ModerationStatus.REJECTED)
    note = "Names a neighbour: see https://derby.example/moderation/personal-data-guidance-2026"
    db.session.add(
        ModerationDecision(
            entry_type="wish",
            entry_id=wish.id,
            action="reject",
            reason="other",
            note=note,
            moderator_id=officer.id,
        )
    )
    db.session.commit()
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    sign_in(page, live_server, officer, assert_accessible)
    for address in ("/staff/decisions", f"/staff/entries/wish/{wish.id}"):
        page.goto(live_server + address)
        page.get_by_text(note).wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, address
        assert_accessible(page, f"{address} at 320 px")
    context.close()


def test_the_workshop_sheets_page_reflows_at_320_pixels_with_sheets_imported(
    browser, live_server, derby, assert_accessible
):
    from datetime import date

    from engage.services.workshop_sheets import preview_sheet
    from engage.services.workshops import import_workshop

    officer = make_staff("officer")
    import_workshop(
        derby,
        preview_sheet("normanton-workshop.csv", b"wish_1\nMore buses\n"),
        partner_name="Normanton Residents Group",
        event_name="Summer fair",
        event_date=date(2026, 7, 12),
        user=officer,
    )
    db.session.commit()
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    sign_in(page, live_server, officer, assert_accessible)
    page.goto(f"{live_server}/staff/workshops")
    page.get_by_text("normanton-workshop.csv").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "workshop sheets at 320 px")
    context.close()


def test_a_corrected_sheet_asks_which_rows_to_import(
    browser, live_server, derby, assert_accessible, tmp_path
):
    """The whole sheet sent back corrected: the preview names the rows imported before and asks,
    in radios, which rows to import; the page passes axe and reflows at 320 px."""
    from datetime import date

    from engage.services.workshop_sheets import preview_sheet
    from engage.services.workshops import import_workshop

    officer = make_staff("officer")
    rows = ["More buses", "A youth club", "Safer parks", "Longer library hours"]
    first = "wish_1,postcode\n" + "".join(f"{r},\n" for r in rows)
    import_workshop(
        derby,
        preview_sheet("fair.csv", first.encode()),
        partner_name="Abbey Youth Forum",
        event_name="Youth forum night",
        event_date=date(2026, 7, 12),
        user=officer,
    )
    db.session.commit()
    corrected = tmp_path / "fair-corrected.csv"
    corrected.write_text(first + "A skate park,\n")
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    sign_in(page, live_server, officer, assert_accessible)
    page.goto(f"{live_server}/staff/workshops")
    page.get_by_label("Partner organisation").fill("Abbey Youth Forum")
    page.get_by_label("Workshop or event").fill("Youth forum night")
    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("7")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Workshop sheet (CSV or XLSX)").set_input_files(str(corrected))
    page.get_by_role("button", name="Check the sheet").click()
    page.get_by_text("Is this the same sheet again?").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "workshop preview, rows imported before")
    group = page.get_by_role("group", name="Which rows do you want to import?")
    assert group.get_by_role("radio", name=re.compile("only the 1 row")).is_checked()
    page.get_by_role("button", name=re.compile("Import")).click()
    page.get_by_text(re.compile("Imported 1 row")).wait_for()
    db.session.rollback()
    assert db.session.query(Submission).filter_by(channel="workshop").count() == 5
    context.close()
