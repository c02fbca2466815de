"""Entering the photo competition through its form, the gallery, an entry's page, the
served images and the people's vote, as a resident's browser would use them."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest

from engage.extensions import db
from engage.models import HeldPhoto, ModerationStatus, PhotoEntry, Vote
from engage.models._types import utcnow
from tests import photo_files as pf
from tests.conftest import hidden_fields, post_multipart
from tests.photo_factories import make_competition, make_photo_entry

FIELDS = {
    "title": "Trees on the ring road",
    "wish": "More trees along the main roads",
    "description": "Taken on a Sunday morning.",
    "alt_text": "A row of young trees beside a busy road",
    "entrant_name": "Sam Taylor",
    "email": "sam@example.com",
    "took_photo": "y",
    "people_consented": "y",
    "accepted_rules": "y",
}


pytestmark = pytest.mark.usefixtures("no_photo_files")


def stored_files(app) -> list[Path]:
    return sorted(
        p for p in (Path(app.config["UPLOAD_FOLDER"]) / "photos").rglob("*") if p.is_file()
    )


def enter_raw(client, data: bytes):
    page = client.get("/competitions/pics/enter")
    fields = {**hidden_fields(page.text), **FIELDS}
    return post_multipart(client, "/competitions/pics/enter", fields, "photo", "big.jpg", data)


def enter(client, data=None, photo=None, filename="photo.jpg", page=None, **overrides):
    page = page or client.get("/competitions/pics/enter")
    form = {**hidden_fields(page.text), **FIELDS, **overrides}
    if data is not None:
        form["photo"] = (io.BytesIO(data), filename)
    return client.post("/competitions/pics/enter", data=form, content_type="multipart/form-data")


def test_a_resident_enters_a_photo(client, app, competition):
    before = stored_files(app)
    response = enter(client, pf.jpeg_with_metadata())
    assert response.status_code == 303
    confirmation = client.get(response.location).text
    entry = db.session.query(PhotoEntry).one()
    assert "Thank you: we have your photo" in confirmation and entry.reference in confirmation
    assert entry.status == ModerationStatus.PENDING
    assert (entry.took_photo, entry.people_consented, entry.accepted_rules) == (True, True, True)
    assert (entry.alt_text, entry.email) == (FIELDS["alt_text"], "sam@example.com")
    new = set(stored_files(app)) - set(before)
    assert {p.name for p in new} == {entry.master_key, entry.display_key, entry.thumb_key}
    for path in new:  # what is on disk is the clean re-encoding
        data = path.read_bytes()
        assert pf.SECRET_PHONE not in data and b"Exif" not in data and pf.SECRET_NAME not in data
    assert "Trees on the ring road" not in client.get("/competitions/pics/gallery").text


def test_the_confirmation_of_an_entry_is_not_kept_by_the_browser(client, competition):
    """On a shared computer the next person must not get it back from the browser's cache."""
    refused = enter(client, pf.jpeg(), took_photo="")
    assert refused.status_code == 400 and "Sam Taylor" in refused.text
    sent = enter(client, pf.jpeg())
    for page in (refused, client.get(sent.location), client.get("/competitions/pics/equalities")):
        assert "no-store" in page.headers.get("Cache-Control", ""), page.request.path


def test_sending_the_form_twice_stores_one_entry(client, app, competition):
    page = client.get("/competitions/pics/enter")
    first = enter(client, pf.jpeg(), page=page)
    files = stored_files(app)
    second = enter(client, pf.jpeg(), page=page)
    assert first.status_code == second.status_code == 303
    assert db.session.query(PhotoEntry).count() == 1
    assert stored_files(app) == files  # the second attempt's copies were not kept
    assert "We already have this entry" in client.get(second.location).text


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("alt_text", "Describe what the photo shows, for people who cannot see it"),
        ("took_photo", "Confirm that you took the photo yourself"),
        ("people_consented", "Confirm that the people in the photo agreed"),
        ("accepted_rules", "Accept the rules and the licence to enter"),
        ("email", "Enter your email address"),
    ],
)
def test_missing_alt_text_or_consent_is_refused_and_the_text_kept(
    client, app, competition, field, message
):
    response = enter(client, pf.jpeg(), **{field: ""})
    assert response.status_code == 400
    assert message in response.text and response.text.count(message) == 2  # summary and field
    assert "<title>Error: " in response.text
    assert "More trees along the main roads" in response.text  # what they typed comes back
    assert "We kept the photo you chose, <strong>photo.jpg</strong>" in response.text
    assert db.session.query(PhotoEntry).count() == 0
    assert len(stored_files(app)) == 3  # the kept photo's copies, until the form is sent


def test_no_photo_chosen(client, competition):
    response = enter(client)
    assert response.status_code == 400 and "Choose the photo you want to enter" in response.text
    assert "We kept the photo" not in response.text


def test_the_photo_is_kept_while_the_form_is_corrected(client, app, competition):
    first = enter(client, pf.jpeg(), filename="IMG_0423.jpg", title="")
    assert first.status_code == 400 and "Enter a title for your photo" in first.text
    assert "We kept the photo you chose, <strong>IMG_0423.jpg</strong>" in first.text
    assert "A different photo (optional)" in first.text
    held = db.session.query(HeldPhoto).one()
    kept = (held.master_key, held.display_key, held.thumb_key)
    # Sent again with the title and no file chosen: the kept photo is the entry's.
    second = enter(client, page=first)
    assert second.status_code == 303, second.text
    entry = db.session.query(PhotoEntry).one()
    assert (entry.master_key, entry.display_key, entry.thumb_key) == kept
    assert db.session.query(HeldPhoto).count() == 0
    assert {p.name for p in stored_files(app)} == {
        entry.master_key,
        entry.display_key,
        entry.thumb_key,
    }
    assert "Thank you: we have your photo" in client.get(second.location).text


def test_a_different_photo_replaces_the_kept_one(client, app, competition):
    first = enter(client, pf.jpeg(), title="")
    kept = {p.name for p in stored_files(app)}
    second = enter(client, pf.png(size=(300, 200)), filename="other.png", page=first, title="")
    assert second.status_code == 400
    assert "We kept the photo you chose, <strong>other.png</strong>" in second.text
    assert not kept & {p.name for p in stored_files(app)}  # the first photo's copies went
    assert db.session.query(HeldPhoto).count() == 1
    third = enter(client, pf.jpeg(), page=second)  # a third photo chosen when sending
    assert third.status_code == 303
    entry = db.session.query(PhotoEntry).one()
    assert db.session.query(HeldPhoto).count() == 0
    assert {p.name for p in stored_files(app)} == {
        entry.master_key,
        entry.display_key,
        entry.thumb_key,
    }


def test_a_refused_file_is_not_kept(client, app, competition):
    response = enter(client, b"<html></html>", filename="page.jpg", title="")
    assert response.status_code == 400 and "JPEG, PNG or WebP" in response.text
    assert "We kept" not in response.text
    assert db.session.query(HeldPhoto).count() == 0 and stored_files(app) == []


@pytest.mark.parametrize("reference", ["forged", "", "eyJhIjoxfQ.bad"])
def test_a_forged_kept_photo_reference_is_not_a_photo(client, app, competition, reference):
    enter(client, pf.jpeg(), title="")  # a photo kept for someone else's form
    page = client.get("/competitions/pics/enter")
    response = enter(client, page=page, held_photo=reference)
    assert response.status_code == 400 and "Choose the photo you want to enter" in response.text
    assert db.session.query(PhotoEntry).count() == 0


def test_a_photo_kept_for_another_competition_cannot_be_used(client, app, competition):
    make_competition(slug="other")
    db.session.commit()
    page = client.get("/competitions/other/enter")
    photo = (io.BytesIO(pf.jpeg()), "a.jpg")
    form = {**hidden_fields(page.text), **FIELDS, "title": "", "photo": photo}
    kept = client.post("/competitions/other/enter", data=form, content_type="multipart/form-data")
    assert "We kept the photo" in kept.text
    response = enter(client, held_photo=hidden_fields(kept.text)["held_photo"])
    assert response.status_code == 400 and "Choose the photo you want to enter" in response.text


def test_a_hostile_file_name_is_shown_as_text(client, competition):
    name = "..\\dir/<img src=x onerror=alert(1)>\x07.jpg"
    response = enter(client, pf.jpeg(), filename=name, title="")
    assert "&lt;img src=x onerror=alert(1)&gt;.jpg" in response.text
    assert "<img src=x" not in response.text and "dir/" not in response.text


HOSTILE = [
    ("html.jpg", b"<html><script>alert(1)</script></html>", "JPEG, PNG or WebP"),
    ("image.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "JPEG, PNG"),
    ("bomb.png", pf.png_bomb(), "too large to use: photos can be up to 50 megapixels"),
    ("bomb.jpg", pf.jpeg_bomb(), "too large to use"),
    ("bomb.webp", pf.webp_bomb(), "16,383 × 16,383 pixels"),
    ("empty.jpg", b"", "The selected file is empty"),
    ("cut.jpg", pf.jpeg()[:700], "damaged or incomplete"),
    ("cut.png", pf.png(size=(300, 300))[:120], "damaged or incomplete"),
]


@pytest.mark.parametrize(("filename", "data", "message"), HOSTILE)
def test_hostile_files_are_refused_with_a_clear_message(
    client, app, competition, filename, data, message
):
    response = enter(client, data, filename=filename)
    assert response.status_code == 400, response.status_code
    assert message in response.text
    assert db.session.query(PhotoEntry).count() == 0 and stored_files(app) == []


# The first bytes of files phones and cameras save in formats the competition does not take.
HEIC_HEAD = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
AVIF_HEAD = b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf" + b"\x00" * 64


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("IMG_0412.HEIC", HEIC_HEAD, "Save a copy as a JPEG and choose that file instead"),
        ("IMG_0412.jpg", HEIC_HEAD, "This photo is in HEIC format"),
        ("photo.avif", AVIF_HEAD, "This photo is in AVIF format"),
        ("dancing.gif", b"GIF89a\x01\x00\x01\x00" + b"\x00" * 32, "This is a GIF file"),
        ("scan.tif", b"II*\x00\x08\x00\x00\x00" + b"\x00" * 32, "Save it as a JPEG (or PNG)"),
    ],
    ids=["heic", "heic-named-jpg", "avif", "gif", "tiff"],
)
def test_a_photo_in_another_format_says_which_and_how_to_convert_it(
    client, competition, filename, data, message
):
    response = enter(client, data, filename=filename, title="Our park 🌳")
    assert response.status_code == 400
    assert message in response.text
    assert 'value="Our park 🌳"' in response.text  # nothing typed is lost


@pytest.mark.parametrize(
    "filename",
    [
        "../../../etc/passwd.jpg",
        "a\x00.jpg.php",
        "photo\u202egpj.exe",
        "<img src=x onerror=alert(1)>.jpg",
        "..\\..\\win.jpg",
    ],
)
def test_hostile_filenames_are_never_used(client, app, competition, filename):
    response = enter(client, pf.jpeg(), filename=filename)
    assert response.status_code == 303
    entry = db.session.query(PhotoEntry).one()
    for key in (entry.master_key, entry.display_key, entry.thumb_key):
        assert re.fullmatch(r"[0-9a-f]{32}\.jpg", key)
    upload_root = Path(app.config["UPLOAD_FOLDER"]).resolve()
    assert all(upload_root in p.resolve().parents for p in stored_files(app))
    # The name the browser sent is kept nowhere.
    stored = [str(getattr(entry, column.key)) for column in PhotoEntry.__table__.columns]
    assert not any(part in value for value in stored for part in ("passwd", "onerror", ".php"))


def test_polyglot_and_markup_inside_an_image_are_stored_safely(client, app, competition):
    polyglot = pf.jpeg_with_metadata(trailer=b"<script>alert(1)</script>PK\x03\x04")
    assert enter(client, polyglot).status_code == 303
    for path in stored_files(app):
        assert b"<script" not in path.read_bytes() and b"PK\x03\x04" not in path.read_bytes()


def test_a_body_over_the_limit_is_refused_before_the_view_runs(
    client, app, competition, monkeypatch
):
    from engage.public import photos

    def view_must_not_run(*args, **kwargs):
        raise AssertionError("the view ran")

    monkeypatch.setattr(photos, "_receive_entry", view_must_not_run)
    big = b"\xff\xd8\xff" + b"\x00" * (app.config["PHOTO_FORM_MAX_CONTENT_LENGTH"] + 1)
    response = enter_raw(client, big)
    assert response.status_code == 413
    assert "What you sent is too large" in response.text and "10 MB" in response.text
    assert '<a class="govuk-link" href="/competitions/pics/enter">Go back to the form</a>' in (
        response.text
    )


def test_a_phone_photo_over_the_body_limit_gets_the_photo_error_and_keeps_the_text(
    client, app, competition
):
    response = enter_raw(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * (27 * 1024 * 1024))
    assert response.status_code == 400
    assert "The photo must be smaller than 10 MB" in response.text
    for value in ("Trees on the ring road", "More trees along the main roads", "Sam Taylor"):
        assert value in response.text
    assert db.session.query(PhotoEntry).count() == 0


def test_other_forms_keep_the_body_limit(client, app):
    body = {"reference": "W-1234-56", "email": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)}
    response = client.post("/your-data", data=body)
    assert response.status_code == 413 and "What you sent is too large" in response.text


def test_a_photo_over_10_mb_but_under_the_body_limit(client, competition):
    response = enter_raw(client, b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024))
    assert response.status_code == 400 and "smaller than 10 MB" in response.text


def test_closed_competition_takes_no_entries(client, app):
    make_competition(slug="pics", entries_close_at=utcnow())
    db.session.commit()
    page = client.get("/competitions/pics/enter")
    assert "closed for entries" in page.text and 'type="file"' not in page.text
    response = enter(client, pf.jpeg(), page=client.get("/staff/sign-in"))
    assert response.status_code == 403 and db.session.query(PhotoEntry).count() == 0


def test_entries_are_rate_limited_per_connection(client, app, competition):
    app.config["PHOTO_ENTRY_RATE_LIMIT"] = 1
    assert enter(client, pf.jpeg()).status_code == 303
    second = enter(client, pf.jpeg(colour=(1, 2, 3)))
    assert second.status_code == 429 and "Please try again in" in second.text
    assert db.session.query(PhotoEntry).count() == 1


def test_a_filled_honeypot_gives_the_form_back_saying_why_and_keeps_nothing(
    client, app, competition
):
    """As for wishes: a browser's autofill may fill the hidden field. The words come back; the
    photo is not kept (nothing is stored), so the page asks for it again."""
    before = stored_files(app)
    page = enter(client, pf.jpeg(), website="http://spam.ex")
    assert page.status_code == 400 and "<title>Error: Enter your photo" in page.text
    assert "We have not sent your entry yet. A hidden box that catches spam" in page.text
    assert "Choose your photo again" in page.text
    assert FIELDS["description"] in page.text and FIELDS["email"] in page.text
    assert 'tabindex="-1" autocomplete="off" value="">' in page.text and "spam.ex" not in page.text
    assert db.session.query(PhotoEntry).count() == db.session.query(HeldPhoto).count() == 0
    assert stored_files(app) == before
    assert enter(client, pf.jpeg(), page=page).status_code == 303


def test_gallery_and_entry_page_show_only_approved_photos(client, app, competition):
    shown = make_photo_entry(competition, title="Safe cycle lanes", alt_text="Cyclists on a lane")
    hidden = make_photo_entry(competition, title="Waiting photo", status=ModerationStatus.PENDING)
    db.session.commit()
    gallery = client.get("/competitions/pics/gallery").text
    assert "Safe cycle lanes" in gallery and 'alt="Cyclists on a lane"' in gallery
    assert "Waiting photo" not in gallery and "1 photo" in gallery
    page = client.get(f"/competitions/pics/photos/{shown.id}").text
    assert "More trees along the main roads" in page
    assert 'Photo by <bdi dir="auto">Sam Taylor</bdi>' in page
    assert "sam@example.com" not in page
    assert client.get(f"/competitions/pics/photos/{hidden.id}").status_code == 404
    assert client.get(f"/competitions/pics/photos/{hidden.id}/display.jpg").status_code == 404


def test_served_images_have_a_fixed_type_and_nosniff(client, app, competition):
    entry = make_photo_entry(competition, image=pf.png_with_metadata())
    db.session.commit()
    for size in ("display", "thumbnail"):
        response = client.get(f"/competitions/pics/photos/{entry.id}/{size}.jpg")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "image/jpeg"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert response.data.startswith(b"\xff\xd8\xff") and b"Exif" not in response.data
    # The full-size copy has no public address.
    assert client.get(f"/competitions/pics/photos/{entry.id}/full.jpg").status_code == 404
    assert client.get(f"/competitions/pics/photos/{entry.id}/master.png").status_code == 404


def vote(client, entry, page=None):
    page = page or client.get(f"/competitions/pics/photos/{entry.id}")
    return client.post(f"/competitions/pics/photos/{entry.id}/vote", data=hidden_fields(page.text))


def _banner_title(html: str) -> str:
    found = re.search(r'class="govuk-notification-banner__title"[^>]*>\s*([^<]*?)\s*<', html)
    return found.group(1) if found else ""


def _banner_text(html: str) -> str:
    found = re.search(r'class="govuk-notification-banner__content"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)) if found else ""


def test_one_vote_per_browser(client, app, competition):
    first = make_photo_entry(competition, title="First")
    second = make_photo_entry(competition, title="Second")
    db.session.commit()
    # A second tab, opened before voting, still shows the button.
    second_tab = client.get(f"/competitions/pics/photos/{second.id}")
    response = vote(client, first)
    assert response.status_code == 303 and "engage_voter=" in response.headers["Set-Cookie"]
    counted = client.get(response.location).text
    assert "your vote for “\u2068First\u2069” is counted" in counted
    assert _banner_title(counted) == "Success"
    again = vote(client, second, page=second_tab)
    assert again.status_code == 303
    stands = client.get(again.location).text
    assert "You have already voted" in stands  # not done: an important notice, not a success
    assert _banner_title(stands) == "Important"
    assert [v.entry_id for v in db.session.query(Vote)] == [first.id]
    page = client.get(f"/competitions/pics/photos/{second.id}").text
    assert "You have voted for" in page and "Vote for this photo" not in page


def test_a_forged_voter_cookie_is_ignored(client, app, competition):
    entry = make_photo_entry(competition)
    db.session.commit()
    client.set_cookie("engage_voter", "forged-value-of-someone-else")
    assert vote(client, entry).status_code == 303
    assert db.session.query(Vote).one().voter_key != "forged-value-of-someone-else"


def test_clearing_cookies_is_held_back_by_the_rate_limit(client, app, competition):
    app.config["VOTE_RATE_LIMIT"] = 2
    entry = make_photo_entry(competition)
    db.session.commit()
    for _ in range(2):
        client.delete_cookie("engage_voter")
        assert vote(client, entry).status_code == 303
    client.delete_cookie("engage_voter")
    assert vote(client, entry).status_code == 429
    assert db.session.query(Vote).count() == 2


def test_a_second_click_on_vote_does_not_use_up_the_rate_limit(client, app, competition):
    app.config["VOTE_RATE_LIMIT"] = 1
    entry = make_photo_entry(competition)
    db.session.commit()
    page = client.get(f"/competitions/pics/photos/{entry.id}")  # no JavaScript: both clicks send
    assert vote(client, entry, page=page).status_code == 303
    again = vote(client, entry, page=page)
    assert again.status_code == 303
    assert "your first vote stands" in client.get(again.location).text
    assert db.session.query(Vote).count() == 1


def test_no_votes_outside_the_voting_dates(client, app):
    competition = make_competition(slug="pics", voting_open_at=utcnow().replace(year=2099))
    entry = make_photo_entry(competition)
    db.session.commit()
    page = client.get(f"/competitions/pics/photos/{entry.id}").text
    assert "Voting opens on" in page and "Vote for this photo" not in page
    sent = vote(client, entry, page=client.get("/staff/sign-in"))
    assert sent.status_code == 303
    assert "Your vote was not counted: voting opens on" in client.get(sent.location).text
    assert db.session.query(Vote).count() == 0


def test_a_vote_from_a_page_left_open_after_voting_closed_says_it_did_not_count(
    client, app, competition
):
    entry = make_photo_entry(competition)
    db.session.commit()
    page = client.get(f"/competitions/pics/photos/{entry.id}")
    assert "Vote for this photo" in page.text
    competition.voting_close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    sent = vote(client, entry, page=page)
    assert sent.status_code == 303 and sent.location.endswith(f"/photos/{entry.id}")
    back = client.get(sent.location).text
    assert "Your vote was not counted: voting closed on" in _banner_text(back)
    assert "Voting closed on" in back and "Vote for this photo" not in back
    assert db.session.query(Vote).count() == 0


def test_results_page_before_publishing(client, competition):
    page = client.get("/competitions/pics/results")
    assert page.status_code == 200 and "have not chosen the winners yet" in page.text


@pytest.mark.parametrize(
    "path", ["/competitions/nope", "/competitions/nope/gallery", "/competitions/pics/photos/999"]
)
def test_unknown_pages_are_404(client, competition, path):
    assert client.get(path).status_code == 404


def test_consultation_links_to_its_competition_while_open_or_with_results(client, app):
    from datetime import timedelta

    from engage.models._types import utcnow
    from tests.factories import make_consultation
    from tests.photo_factories import make_competition

    consultation = make_consultation(slug="derby")
    now = utcnow()
    past = {
        "entries_open_at": now - timedelta(days=60),
        "entries_close_at": now - timedelta(days=40),
        "voting_open_at": now - timedelta(days=40),
        "voting_close_at": now - timedelta(days=30),
    }
    make_competition(consultation, slug="open-now", title="Picture your wish")
    finished = make_competition(consultation, slug="old", title="Last year's photos", **past)
    make_competition(consultation, slug="hidden", title="Not published", **past)
    db.session.commit()
    page = client.get("/consultations/derby").text
    assert 'href="/competitions/open-now"' in page and "enter your photo" in page
    assert "/competitions/old" not in page and "/competitions/hidden" not in page
    finished.results_published_at = now
    db.session.commit()
    page = client.get("/consultations/derby").text
    assert 'href="/competitions/old/results"' in page and "/competitions/hidden" not in page
