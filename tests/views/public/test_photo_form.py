"""The photo entry form refuses what is blank once cleaned, keeps what was typed, and lists its
errors in the order of the page, each naming its field as labelled."""

import re

import pytest

from engage.extensions import db
from engage.models import Flag, HeldPhoto, PhotoEntry
from engage.services.photos import EntryError
from tests import photo_files as pf
from tests.conftest import hidden_fields
from tests.photo_factories import make_photo_entry
from tests.views.public.test_photos import FIELDS, enter

BLANKS = ["   ", "\u200b\u200b", " \u00a0\ufeff "]


def summary(html: str) -> list[str]:
    """The error summary's messages, in order."""
    found = re.search(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', html, re.S)
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li>(.*?)</li>", found[1], re.S)
    ]


REQUIRED = {
    "title": "Enter a title for your photo",
    "wish": "Tell us which wish your photo shows",
    "alt_text": "Describe what the photo shows, for people who cannot see it",
    "entrant_name": "Enter your name for the credit",
}


@pytest.mark.parametrize(
    ("field", "message", "blank"),
    [(field, message, blank) for field, message in REQUIRED.items() for blank in BLANKS]
    # An email address with invisible characters in it is refused as not one.
    + [("email", "Enter your email address, so we can contact you if you win", "   ")],
)
def test_a_required_field_of_only_spaces_or_invisible_characters_is_refused(
    client, competition, field, message, blank
):
    response = enter(client, pf.jpeg(), **{field: blank})
    assert response.status_code == 400
    assert summary(response.text) == [message]
    assert "<title>Error: " in response.text
    for name, value in FIELDS.items():  # everything else typed comes back
        if name != field and name not in ("took_photo", "people_consented", "accepted_rules"):
            assert value in response.text
    assert "We kept the photo you chose" in response.text
    assert db.session.query(PhotoEntry).count() == 0


def test_a_refusal_from_the_service_shows_the_form_again_with_everything_kept(
    client, competition, monkeypatch
):
    from engage.public import photos

    def refuse(*args, **kwargs):
        raise EntryError("Every consent must be given before a photo can be entered")

    monkeypatch.setattr(photos, "submit_entry", refuse)
    response = enter(client, pf.jpeg(), filename="IMG_1.jpg")
    assert response.status_code == 400
    assert summary(response.text) == ["Every consent must be given before a photo can be entered"]
    assert FIELDS["wish"] in response.text and FIELDS["alt_text"] in response.text
    assert "We kept the photo you chose, <strong>IMG_1.jpg</strong>" in response.text
    assert db.session.query(HeldPhoto).count() == 1
    monkeypatch.undo()
    assert enter(client, page=response).status_code == 303  # sent again, with the kept photo
    assert db.session.query(PhotoEntry).count() == 1


def test_the_error_summary_follows_the_page_and_names_each_field(client, competition):
    response = enter(
        client, pf.jpeg(), title="", alt_text="a" * 501, description="d" * 1001, entrant_name=""
    )
    assert summary(response.text) == [
        "Enter a title for your photo",
        "The description of what the photo shows must be 500 characters or fewer",
        "About your photo must be 1000 characters or fewer",
        "Enter your name for the credit",
    ]
    page_order = [
        response.text.index(f'id="{name}"')
        for name in ("title", "alt_text", "description", "entrant_name")
    ]
    assert page_order == sorted(page_order)


@pytest.fixture
def entry(competition):
    entry = make_photo_entry(competition)
    db.session.commit()
    return entry


def report(client, entry, reason):
    url = f"/competitions/pics/photos/{entry.id}/report"
    return client.post(url, data={**hidden_fields(client.get(url).text), "reason": reason})


@pytest.mark.parametrize("blank", BLANKS)
def test_a_photo_report_of_only_spaces_is_refused(client, entry, blank):
    response = report(client, entry, blank)
    assert response.status_code == 400
    assert summary(response.text) == ["Tell us what is wrong with this photo"]
    assert db.session.query(Flag).filter_by(kind="reported").count() == 0


def test_a_photo_report_over_500_characters_names_the_limit(client, entry):
    response = report(client, entry, "r" * 501)
    assert response.status_code == 400
    assert summary(response.text) == ["Your report must be 500 characters or fewer"]
    assert "r" * 501 in response.text


def test_a_gallery_page_past_the_last_is_the_last_page(app, client, competition):
    assert client.get("/competitions/pics/gallery").status_code == 200  # empty, page 1
    empty = client.get("/competitions/pics/gallery?page=2")
    assert empty.status_code == 302 and empty.location == "/competitions/pics/gallery"
    assert "No photos yet" in client.get(empty.location).text
    app.config["PHOTOS_PER_PAGE"] = 1
    for n in range(2):
        make_photo_entry(competition, title=f"Photo {n}", colour=(n, 90, 90))
    db.session.commit()
    assert "(page 2 of 2)" in client.get("/competitions/pics/gallery?page=2").text
    for number in (3, 99):
        page = client.get(f"/competitions/pics/gallery?page={number}")
        assert page.status_code == 302 and page.location == "/competitions/pics/gallery?page=2"
    page = client.get("/competitions/pics/gallery?page=0")
    assert page.status_code == 404 and "Page not found" in page.text


def test_an_optional_about_your_photo_of_only_spaces_is_stored_empty(client, competition):
    assert enter(client, pf.jpeg(), description=" \u200b ").status_code == 303
    assert db.session.query(PhotoEntry).one().description == ""


def test_a_long_title_comes_back_whole_to_shorten_not_cut_by_the_browser(client, competition):
    """A maxlength on the box would cut a pasted title at 100 characters without a word, on a
    phone where the end of the box is out of sight; the form's own check says how long it is."""
    page = client.get("/competitions/pics/enter").text
    title_box = re.search(r'<input[^>]*name="title"[^>]*>', page).group(0)
    assert "maxlength" not in title_box
    title = "Our street on a summer evening, " * 4
    response = enter(client, pf.jpeg(), title=title)
    assert response.status_code == 400
    assert "The title must be 100 characters or fewer" in response.text
    assert f'value="{title.strip()}"' in response.text
