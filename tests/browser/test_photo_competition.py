"""The photo competition in a real browser: a resident enters a photo, an officer approves it, a
visitor votes, an admin shortlists, a judge scores, the admin publishes, and the results page
shows the winner. Axe checks every page on the way."""

import re
from datetime import timedelta

from engage.extensions import db
from engage.models import Award, ModerationStatus, PhotoEntry, Vote
from engage.models._types import utcnow
from tests import photo_files
from tests.conftest import STAFF_PASSWORD, current_code, make_staff
from tests.photo_factories import make_competition, make_criteria, make_photo_entry


def sign_in(page, live_server, user, path, heading):
    """Sign in through the real pages, going straight to path (as a link in an email would)."""
    page.goto(f"{live_server}{path}")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app").fill(current_code(user))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=heading).wait_for()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()


def test_enter_moderate_vote_judge_publish(page, live_server, derby, assert_accessible, tmp_path):
    competition = make_competition(derby, slug="picture-derby", title="Picture your wish")
    criteria = make_criteria(competition, ("Relevance to the wish", "Impact"))
    other = make_photo_entry(competition, title="Empty shop", colour=(90, 90, 90))
    officer = make_staff("officer", email="officer@example.org")
    judge = make_staff("judge", email="judge@example.org")
    admin = make_staff("admin", email="admin@example.org")
    second_admin = make_staff("admin", email="admin-2@example.org")  # codes are one-time
    db.session.commit()
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(photo_files.jpeg_with_metadata(size=(1200, 800)))

    # A resident enters, first forgetting the alt text and a consent.
    page.goto(f"{live_server}/competitions/picture-derby")
    assert_accessible(page, "competition")
    page.get_by_role("button", name="Enter your photo").click()
    assert_accessible(page, "entry form")
    page.get_by_label("Your photo", exact=True).set_input_files(str(photo))
    page.get_by_label("Title of your photo").fill("Oak avenue")
    page.get_by_label("The wish your photo shows").fill("More trees along the main roads")
    page.get_by_label("Your name", exact=True).fill("Sam Taylor")
    page.get_by_label("Email address", exact=True).fill("sam@example.com")
    page.get_by_label("I took this photo myself").check()
    page.get_by_role("button", name="Send your entry").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error: ")
    assert_accessible(page, "entry form, errors")
    assert "Describe what the photo shows" in summary.inner_text()
    assert "Accept the rules" in summary.inner_text()
    assert page.get_by_label("Title of your photo").input_value() == "Oak avenue"
    # The photo was kept: it need not be chosen again.
    assert "We kept the photo you chose, IMG_0042.jpg" in page.locator("#held-photo").inner_text()
    assert page.get_by_label("A different photo (optional)").input_value() == ""
    page.get_by_label("Describe what the photo shows").fill("Young oak trees along a busy road")
    page.get_by_label(re.compile("Everyone who can be recognised")).check()
    page.get_by_label(re.compile("I accept the competition rules")).check()
    page.get_by_role("button", name="Send your entry").click()
    page.locator(".govuk-panel").wait_for()
    assert_accessible(page, "entry received")
    reference = page.locator("#reference").inner_text()
    db.session.rollback()
    entry = db.session.query(PhotoEntry).filter_by(reference=reference).one()
    assert entry.status == ModerationStatus.PENDING

    # An officer approves it from the photo queue.
    sign_in(page, live_server, officer, "/staff/queue/photos", "Moderation queue: photos")
    assert_accessible(page, "photo queue")
    item = page.locator(f"#photo-{entry.id}")
    assert item.get_by_role("img", name="Young oak trees along a busy road").is_visible()
    item.get_by_role("button", name="Approve").click()
    page.get_by_text("Approved: 1 photo").wait_for()
    page.goto(f"{live_server}/staff/entries/photo/{entry.id}")
    assert_accessible(page, "photo entry history")
    sign_out(page)

    # A visitor finds it in the gallery and votes.
    page.goto(f"{live_server}/competitions/picture-derby/gallery")
    assert_accessible(page, "gallery")
    image = page.get_by_role("img", name="Young oak trees along a busy road")
    # The thumbnail loaded, turned upright: a 1200 x 800 photo with orientation 6 is portrait.
    assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [400, 600]
    page.get_by_role("link", name="Oak avenue").click()
    assert_accessible(page, "entry page")
    page.get_by_role("button", name="Vote for this photo").click()
    page.get_by_text("your vote for “\u2068Oak avenue\u2069” is counted").wait_for()
    assert_accessible(page, "entry page, voted")
    db.session.rollback()
    assert [v.entry_id for v in db.session.query(Vote)] == [entry.id]

    # Another visitor reports it: the form, its error, and the photo back in the queue.
    page.get_by_role("link", name=re.compile("Report this photo")).click()
    page.get_by_role("heading", name="Report a photo").wait_for()
    assert_accessible(page, "report a photo")
    page.get_by_role("button", name="Send report").click()
    page.get_by_text("Tell us what is wrong with this photo").first.wait_for()
    assert_accessible(page, "report a photo, error")
    page.get_by_label("What is wrong with this photo?").fill("Is this the entrant's own photo?")
    page.get_by_role("button", name="Send report").click()
    page.get_by_text("A moderator will look at this photo again").wait_for()
    db.session.rollback()
    assert db.session.get(PhotoEntry, entry.id).reported_at is not None

    # An admin appoints a judge and shortlists; the judge scores; the admin publishes.
    sign_in(page, live_server, admin, "/staff/admin/competitions", "Photo competitions")
    assert_accessible(page, "competitions")
    page.get_by_role("link", name="Picture your wish").click()
    assert_accessible(page, "competition admin")
    page.get_by_label("Judge", exact=True).select_option(label="Judge (judge@example.org)")
    page.get_by_role("button", name="Appoint judge").click()
    page.get_by_text("Judge now judges this competition").wait_for()
    page.get_by_label(re.compile("“Oak avenue”")).check()
    page.get_by_label(re.compile("“Empty shop”")).check()
    page.get_by_role("button", name="Save shortlist").click()
    page.get_by_text("Shortlist saved: 2 photos").wait_for()
    sign_out(page)

    sign_in(page, live_server, judge, "/staff/judging/", "Judging")
    assert_accessible(page, "judging")
    page.get_by_role("link", name="Picture your wish").click()
    for photo_entry, values in [(entry, ("5", "4")), (other, ("2", "3"))]:
        section = page.locator(f"#entry-{photo_entry.id}")
        for criterion, value in zip(criteria, values, strict=True):
            section.get_by_role("group", name=re.compile(criterion.name)).get_by_label(
                value, exact=True
            ).check()
        section.get_by_role("button", name="Save scores").click()
        page.get_by_text(f"Saved your scores for “{photo_entry.title}”").wait_for()
    assert_accessible(page, "scoring")
    sign_out(page)

    # Entries and voting close; then the results can be published.
    db.session.rollback()  # a fresh snapshot, so this write does not wait on an old one
    closed = utcnow() - timedelta(minutes=1)
    competition.entries_close_at = competition.voting_close_at = closed
    db.session.commit()
    sign_in(page, live_server, second_admin, "/staff/admin/competitions", "Photo competitions")
    page.get_by_role("link", name="Picture your wish").click()
    page.get_by_text("9 out of 10").wait_for()  # the click returns before the page is there
    page.get_by_role("button", name="Publish the results").click()
    page.get_by_text("The results are published", exact=True).wait_for()
    db.session.rollback()
    kinds = {a.kind: a.entry_id for a in db.session.query(Award)}
    assert kinds == {"winner": entry.id, "peoples_choice": entry.id}

    page.goto(f"{live_server}/competitions/picture-derby/results")
    assert_accessible(page, "results")
    winner = page.locator("#award-winner")
    assert "Oak avenue" in winner.inner_text() and "9 out of 10" in winner.inner_text()
    assert "Oak avenue" in page.locator("#award-peoples_choice").inner_text()
    assert winner.get_by_role("img", name="Young oak trees along a busy road").is_visible()


def test_the_entry_form_works_without_javascript(browser, live_server, derby, tmp_path):
    make_competition(derby, slug="picture-derby")
    db.session.commit()
    photo = tmp_path / "photo.png"
    photo.write_bytes(photo_files.png(size=(640, 480)))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/competitions/picture-derby/enter")
    page.get_by_label("Your photo", exact=True).set_input_files(str(photo))
    page.get_by_label("Title of your photo").fill("Green roofs")
    page.get_by_label("The wish your photo shows").fill("Greener buildings")
    page.get_by_label("Describe what the photo shows").fill("A flat green square")
    page.get_by_label("Your name", exact=True).fill("Alex")
    page.get_by_label("Email address", exact=True).fill("alex@example.com")
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Send your entry").click()
    page.get_by_text("Thank you: we have your photo").wait_for()
    context.close()


def _fits_320(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 320


def test_long_unbroken_names_and_titles_reflow_at_320_px(
    browser, live_server, derby, assert_accessible, tmp_path
):
    competition = make_competition(derby, slug="picture-derby")
    db.session.commit()
    name, title = "Bartholomew" * 10, "Oakavenue" * 11
    photo = tmp_path / "photo.png"
    photo.write_bytes(photo_files.png(size=(640, 480)))
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server}/competitions/picture-derby/enter")
    page.get_by_label("Your photo", exact=True).set_input_files(str(photo))
    page.get_by_label("Title of your photo").fill(title)
    page.get_by_label("The wish your photo shows").fill("Greener buildings")
    page.get_by_label("Describe what the photo shows").fill("A flat green square")
    page.get_by_label("Your name", exact=True).fill(name)
    page.get_by_label("Email address", exact=True).fill("alex@example.com")
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Send your entry").click()
    page.get_by_text("Thank you: we have your photo").wait_for()
    assert _fits_320(page), "entry received"
    assert_accessible(page, "entry received, 320 px")
    db.session.rollback()
    entry = db.session.query(PhotoEntry).one()
    entry.status = ModerationStatus.APPROVED
    db.session.commit()
    for path, label in [
        (f"photos/{entry.id}", "entry page"),
        ("gallery", "gallery"),
        (f"photos/{entry.id}/report", "report a photo"),
    ]:
        page.goto(f"{live_server}/competitions/{competition.slug}/{path}")
        assert _fits_320(page), label
        assert_accessible(page, f"{label}, 320 px")
    page.goto(f"{live_server}/competitions/{competition.slug}/photos/{entry.id}")
    page.get_by_role("button", name="Vote for this photo").click()
    page.get_by_text("is counted").wait_for()
    assert _fits_320(page), "entry page, voted"
    context.close()
