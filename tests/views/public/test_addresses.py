"""Addresses typed from a poster or a leaflet, with the capitals a phone or a designer adds."""

import pytest

from engage.extensions import db
from tests.factories import make_consultation
from tests.photo_factories import make_competition


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        ("/consultations/Derby", "/consultations/derby"),
        ("/consultations/DERBY/wall?q=Bus&area=A1", "/consultations/derby/wall?q=Bus&area=A1"),
        ("/consultations/Derby/wishes/new", "/consultations/derby/wishes/new"),
        ("/competitions/Pics/gallery?slug=x", "/competitions/pics/gallery?slug=x"),
    ],
)
def test_an_address_typed_with_capitals_leads_to_the_page(client, app, typed, address):
    make_competition(make_consultation(slug="derby"), slug="pics")
    db.session.commit()
    response = client.get(typed)
    assert response.status_code == 301 and response.location == address
    assert client.get(address).status_code == 200


def test_capitals_that_name_nothing_are_still_not_found(client, app):
    make_consultation(slug="derby")
    db.session.commit()
    assert client.get("/consultations/Nowhere").status_code == 404
    assert client.get("/competitions/Derby").status_code == 404  # a consultation, not one
    assert client.post("/consultations/Derby/wishes/new").status_code == 404
