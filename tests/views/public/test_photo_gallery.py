"""The gallery's pages, and the way back to the page a resident was on from a photo they
opened there, its vote and its report."""

import pytest

from engage.extensions import db
from engage.models import Flag, ModerationStatus, PhotoEntry
from tests.conftest import hidden_fields
from tests.photo_factories import make_competition, make_photo_entry
from tests.views.public.test_wall import link_to
from tests.views.public.test_wall import wall_place as place

THANKS = "Thank you. A moderator will look at this photo again."


@pytest.fixture
def competition(app):
    """Five photos, two to a page: three pages."""
    app.config["PHOTOS_PER_PAGE"] = 2
    competition = make_competition(slug="pics")
    for n in range(5):
        make_photo_entry(competition, title=f"Photo {n}", colour=(n * 40, 90, 90))
    db.session.commit()
    return competition


def open_photo(client, gallery_url: str):
    """The first photo of a gallery page, opened from its thumbnail."""
    gallery = client.get(gallery_url)
    assert gallery.status_code == 200
    return client.get(link_to(gallery.text, r'<a class="govuk-link" href="([^"]*/photos/[^"]*)"'))


def back_to_gallery(photo_html: str) -> str:
    return link_to(
        photo_html, r'<a href="([^"]*)" class="govuk-back-link[^"]*">Back to the gallery'
    )


def test_a_report_from_a_photo_comes_back_to_it_and_on_to_its_gallery_page(client, competition):
    photo = open_photo(client, "/competitions/pics/gallery?page=2")
    path = photo.request.path
    assert place(back_to_gallery(photo.text)) == ("/competitions/pics/gallery", {"page": ["2"]})
    form = client.get(link_to(photo.text, r'href="([^"]*/report[^"]*)">Report this photo'))
    back = link_to(form.text, r'href="([^"]*)">Back to the photo')
    assert place(back) == (path, {"page": ["2"]})
    # Sent empty and then with a reason, the form keeps the way back: no script needed.
    action = link_to(form.text, r'<form method="post" action="([^"]*)"')
    refused = client.post(action, data={**hidden_fields(form.text), "reason": " "})
    assert refused.status_code == 400
    action = link_to(refused.text, r'<form method="post" action="([^"]*)"')
    sent = client.post(action, data={**hidden_fields(refused.text), "reason": "Not their photo"})
    assert sent.status_code == 303 and place(sent.location) == (path, {"page": ["2"]})
    again = client.get(sent.location)
    assert THANKS in again.text and "Report this photo" in again.text
    gallery = client.get(back_to_gallery(again.text))
    assert "(page 2 of 3)" in gallery.text
    assert db.session.query(Flag).filter_by(kind="reported").count() == 1


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("page=3&next=https://evil.example", {"page": ["3"]}),
        ("sort=newest&q=trees&page=2", {"page": ["2"]}),
        ("page=abc", {}),
        ("page=1", {}),
        ("page=0", {}),
        ("page=-2", {}),
        ("page=99999999999999999999", {}),
        ("page=//evil.example", {}),
    ],
)
def test_a_report_goes_back_only_to_the_gallerys_own_valid_place(client, competition, query, kept):
    entry = db.session.query(PhotoEntry).filter_by(title="Photo 0").one()
    url = f"/competitions/pics/photos/{entry.id}/report?{query}"
    form = client.get(url)
    assert form.status_code == 200
    sent = client.post(url, data={**hidden_fields(form.text), "reason": "Not their photo"})
    assert sent.status_code == 303
    assert place(sent.location) == (f"/competitions/pics/photos/{entry.id}", kept)
    page = client.get(sent.location)
    assert page.status_code == 200 and THANKS in page.text
    gallery = ("/competitions/pics/gallery", kept)
    assert place(back_to_gallery(page.text)) == gallery


def test_a_vote_keeps_the_way_back_to_the_gallery_page(client, competition):
    photo = open_photo(client, "/competitions/pics/gallery?page=3")
    action = link_to(photo.text, r'<form method="post" action="([^"]*/vote[^"]*)"')
    voted = client.post(action, data=hidden_fields(photo.text))
    assert voted.status_code == 303
    assert place(voted.location) == (photo.request.path, {"page": ["3"]})
    page = client.get(voted.location)
    assert "is counted" in page.text
    assert "(page 3 of 3)" in client.get(back_to_gallery(page.text)).text


def test_back_to_a_gallery_page_gone_since_is_the_last_page(client, competition):
    photo = open_photo(client, "/competitions/pics/gallery?page=3")
    # Meanwhile moderators take down two photos: the gallery has two pages now.
    for entry in db.session.query(PhotoEntry).filter(PhotoEntry.title.in_(["Photo 0", "Photo 1"])):
        entry.status = ModerationStatus.REJECTED
    db.session.commit()
    gone = client.get(back_to_gallery(photo.text))
    assert gone.status_code == 302
    assert place(gone.location) == ("/competitions/pics/gallery", {"page": ["2"]})
    last = client.get(gone.location)
    assert last.status_code == 200 and "(page 2 of 2)" in last.text and "3 photos" in last.text


@pytest.mark.parametrize(("number", "last"), [(4, "3"), (99, "3"), (99999999999999999999, "3")])
def test_a_gallery_page_past_the_last_shows_the_last_page(client, competition, number, last):
    gone = client.get(f"/competitions/pics/gallery?page={number}")
    assert gone.status_code == 302
    assert place(gone.location) == ("/competitions/pics/gallery", {"page": [last]})
    assert f"(page {last} of 3)" in client.get(gone.location).text


@pytest.mark.parametrize("number", [0, -1])
def test_a_gallery_page_before_the_first_is_not_found(client, competition, number):
    page = client.get(f"/competitions/pics/gallery?page={number}")
    assert page.status_code == 404 and "Page not found" in page.text


def test_a_gallery_page_that_is_not_a_number_is_the_first(client, competition):
    page = client.get("/competitions/pics/gallery?page=two")
    assert page.status_code == 200 and "5 photos" in page.text and "(page" not in page.text
