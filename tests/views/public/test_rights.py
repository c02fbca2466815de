"""Residents' rights through the pages: a reference and email earn a single-use, expiring link,
mailed to that address only; it downloads a ZIP of everything sent with the address, or erases
the details and photos and leaves the entries linked to no one. No link reaches anyone else's
data."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest

from engage.extensions import db
from engage.mail import outbox
from engage.models import ModerationStatus, PhotoEntry, RespondentDetails, RightsRequest, Wish
from engage.models._types import utcnow
from engage.services.rights import create_link, open_link
from engage.storage import get_storage
from tests.conftest import hidden_fields
from tests.factories import make_consultation, make_wish
from tests.photo_factories import make_competition, make_photo_entry


@pytest.fixture
def entries(app):
    consultation = make_consultation(slug="derby")
    mine = make_wish(consultation, text="More buses to Sinfin")
    mine.submission.details = RespondentDetails(
        postcode="DE24 8AA", age_band="35_44", email="Sam@Example.com", email_consent=True
    )
    theirs = make_wish(consultation, text="A lido in the park")
    theirs.submission.details = RespondentDetails(email="alex@example.org")
    photo = make_photo_entry(make_competition(consultation), email="sam@example.com")
    db.session.commit()
    outbox(app).clear()
    return {"mine": mine, "theirs": theirs, "photo": photo}


def _ask(client, reference, email):
    page = client.get("/your-data")
    return client.post(
        "/your-data", data={**hidden_fields(page.text), "reference": reference, "email": email}
    )


def _link(app) -> str:
    (message,) = outbox(app)
    return re.search(r"http://localhost(/your-data/\S+)", message.body).group(1)


def test_matching_details_mail_a_link_to_that_address(client, app, entries):
    reference = entries["mine"].submission.reference
    response = _ask(client, reference.lower(), " sam@example.COM ")
    assert response.status_code == 303
    assert "Check your email" in client.get(response.location).text
    (message,) = outbox(app)
    assert message.to == "sam@example.com"
    assert _link(app) not in client.get(response.location).text
    assert db.session.query(RightsRequest).one().token_hash not in message.body


@pytest.mark.parametrize("typed", ["w10k07q", "W 10K0 7Q", "w-IOKO-7q", " W—10K0—7Q "])
def test_a_reference_typed_as_people_copy_it_still_earns_the_link(client, app, entries, typed):
    """Copied from a confirmation page or read off paper: no dashes, spaces, O for 0, I for 1."""
    entries["mine"].submission.reference = "W-10K0-7Q"
    db.session.commit()
    response = _ask(client, typed, "sam@example.com")
    assert response.status_code == 303
    (message,) = outbox(app)
    assert message.to == "sam@example.com"


@pytest.mark.parametrize(
    ("reference", "email"),
    [("mine", "alex@example.org"), ("theirs", "sam@example.com"), ("W-NONE-00", "sam@example.com")],
)
def test_details_that_do_not_match_send_nothing_and_say_the_same(
    client, app, entries, reference, email
):
    ref = entries[reference].submission.reference if reference in entries else reference
    response = _ask(client, ref, email)
    assert response.status_code == 303 and response.location.endswith("/your-data/requested")
    assert outbox(app) == [] and db.session.query(RightsRequest).count() == 0


def test_bad_input_is_a_clear_400(client, entries):
    response = _ask(client, "<b>x</b>" * 5, "not an email")
    assert response.status_code == 400 and "Error: " in response.text
    assert "Enter an email address in the correct format" in response.text
    assert "&lt;B&gt;X" in response.text and "<B>X" not in response.text


def test_download_has_everything_sent_with_the_address_and_nothing_else(client, app, entries):
    _ask(client, entries["photo"].reference, "sam@example.com")
    link = _link(app)
    page = client.get(link)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    download = client.post(f"{link}/download", data=hidden_fields(page.text))
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert "attachment" in download.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    data = json.loads(archive.read("data.json"))
    references = [s["reference"] for s in data["submissions"]]
    assert references == [entries["mine"].submission.reference]
    assert data["submissions"][0]["wishes"][0]["text"] == "More buses to Sinfin"
    assert data["submissions"][0]["about_you"]["postcode"] == "DE24 8AA"
    (photo,) = data["photo_entries"]
    assert photo["reference"] == entries["photo"].reference
    assert archive.read(photo["photo_file"])[:2] == b"\xff\xd8"
    assert "A lido" not in download.data.decode("latin-1") and "alex@" not in json.dumps(data)
    # Single use: the link is gone for every purpose.
    assert client.get(link).status_code == 404
    again = client.post(f"{link}/download", data=hidden_fields(page.text))
    assert again.status_code == 404 and again.mimetype == "text/html"


def test_erasure_removes_details_and_photos_and_keeps_what_was_said(client, app, entries):
    storage = get_storage()
    photo = entries["photo"]
    keys = [photo.master_key, photo.display_key, photo.thumb_key]
    area_before = entries["mine"].submission.area_id
    _ask(client, entries["mine"].submission.reference, "sam@example.com")
    link = _link(app)
    page = client.get(link)
    # What is kept is said before the resident confirms: the wish, and the area it counts for.
    assert "with the local area your postcode was in" in page.text
    refused = client.post(f"{link}/erase", data=hidden_fields(page.text))
    assert refused.status_code == 400 and "Tick the box to confirm" in refused.text
    done = client.post(f"{link}/erase", data={**hidden_fields(page.text), "confirm": "y"})
    assert done.status_code == 200 and "Your details are erased" in done.text
    db.session.expire_all()
    assert db.session.query(RespondentDetails).one().email == "alex@example.org"
    wish = db.session.get(Wish, entries["mine"].id)
    assert wish.text == "More buses to Sinfin" and wish.submission.details is None
    assert wish.submission.area_id == area_before
    entry = db.session.get(PhotoEntry, photo.id)
    assert (entry.email, entry.entrant_name, entry.status) == ("", "", ModerationStatus.REJECTED)
    for key in keys:
        with pytest.raises(FileNotFoundError):
            storage.open(key)
    assert db.session.query(RightsRequest).one().email == ""
    assert client.get(link).status_code == 404
    assert (
        client.get(f"/competitions/{entry.competition.slug}/photos/{entry.id}").status_code == 404
    )


def test_links_expire_and_forged_links_fail(client, app, entries):
    token = create_link("sam@example.com", hours=24, now=utcnow() - timedelta(hours=25))
    db.session.commit()
    assert open_link(token) is None
    assert client.get(f"/your-data/{token}").status_code == 404
    fresh = create_link("sam@example.com", hours=24)
    db.session.commit()
    assert client.get(f"/your-data/{fresh}").status_code == 200
    assert client.get(f"/your-data/{fresh[:-1]}x").status_code == 404
    assert client.get("/your-data/" + "a" * 300).status_code == 404


def test_file_mail_backend_writes_a_message(app, tmp_path):
    from engage.mail import send_mail

    app.config.update(MAIL_BACKEND="file", MAIL_FOLDER=str(tmp_path))
    send_mail("sam@example.com", "Your data", "The link")
    (written,) = tmp_path.glob("*.eml")
    text = written.read_text()
    assert "To: sam@example.com" in text and "Subject: Your data" in text and "The link" in text


@pytest.mark.parametrize(
    ("reference", "email", "message"),
    [
        ("   ", "sam@example.com", "Enter your reference number"),
        ("W-1234-56", "   ", "Enter the email address you gave"),
        ("W" * 17, "sam@example.com", "Reference number must be 16 characters or fewer"),
    ],
)
def test_a_request_of_spaces_is_refused_with_the_field_named(
    client, app, reference, email, message
):
    response = _ask(client, reference, email)
    assert response.status_code == 400 and message in response.text
    assert db.session.query(RightsRequest).count() == 0


def test_a_refused_erasure_says_error_in_the_title(client, app, entries):
    _ask(client, entries["mine"].submission.reference, "sam@example.com")
    link = _link(app)
    assert "<title>Your data" in client.get(link).text
    refused = client.post(f"{link}/erase", data=hidden_fields(client.get(link).text))
    assert refused.status_code == 400 and "govuk-error-summary" in refused.text
    assert "<title>Error: Your data" in refused.text


def _erase(client, app, reference, email):
    _ask(client, reference, email)
    link = _link(app)
    page = client.get(link)
    return client.post(f"{link}/erase", data={**hidden_fields(page.text), "confirm": "y"}).text


def test_the_erasure_confirmation_says_only_what_happened(client, app, entries):
    wishes_only = _erase(client, app, entries["theirs"].submission.reference, "alex@example.org")
    assert "We removed your details from 1 entry." in wishes_only
    assert "photo" not in wishes_only.split("<main")[1]
    outbox(app).clear()
    both = _erase(client, app, entries["mine"].submission.reference, "sam@example.com")
    assert "We removed your details from 1 entry." in both
    assert "We withdrew your photo entry from the competition and deleted its photo." in both


@pytest.fixture
def accented(app):
    consultation = make_consultation(slug="leicester")
    wish = make_wish(consultation, text="A bench by the canal")
    wish.submission.details = RespondentDetails(postcode="LE1 1AA", email="JOSÉ@example.org")
    photo = make_photo_entry(make_competition(consultation), email="ÉLODIE@Example.org")
    db.session.commit()
    outbox(app).clear()
    return {"wish": wish, "photo": photo}


def test_the_copy_finds_entries_whatever_the_case_of_accented_letters(client, app, accented):
    _ask(client, accented["wish"].submission.reference, "josé@example.org")
    link = _link(app)
    page = client.get(link)
    download = client.post(f"{link}/download", data=hidden_fields(page.text))
    data = json.loads(zipfile.ZipFile(io.BytesIO(download.data)).read("data.json"))
    assert [s["reference"] for s in data["submissions"]] == [accented["wish"].submission.reference]
    assert data["submissions"][0]["about_you"]["email"] == "JOSÉ@example.org"


def test_erasure_finds_details_whatever_the_case_of_accented_letters(client, app, accented):
    wish_page = _erase(client, app, accented["wish"].submission.reference, "josé@EXAMPLE.org")
    assert "We removed your details from 1 entry." in wish_page
    outbox(app).clear()
    photo_page = _erase(client, app, accented["photo"].reference, "élodie@example.org")
    assert "We withdrew your photo entry from the competition" in photo_page
    db.session.expire_all()
    assert db.session.get(Wish, accented["wish"].id).submission.details is None
    assert db.session.get(PhotoEntry, accented["photo"].id).email == ""
    assert db.session.query(RespondentDetails).count() == 0
    assert {r.email for r in db.session.query(RightsRequest)} == {""}
