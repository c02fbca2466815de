from datetime import timedelta

import pytest

from engage.errors import NotAccepting
from engage.extensions import db
from engage.models import ModerationStatus, Submission, Wish
from engage.models._types import utcnow
from engage.services.wishes import (
    count_wishes,
    set_respondent_details,
    submit_wishes,
    wall_query,
)
from tests.factories import make_area, make_consultation, make_wish


def test_submission_is_pending_with_reference(app):
    consultation = make_consultation()
    received = submit_wishes(consultation, ["More buses", "Safer parks"], form_token="t1")
    db.session.commit()
    submission = received.submission
    assert received.created
    assert [w.text for w in submission.wishes] == ["More buses", "Safer parks"]
    assert [w.position for w in submission.wishes] == [1, 2]
    assert all(w.status == ModerationStatus.PENDING for w in submission.wishes)
    assert submission.reference.startswith("W-")


def test_same_token_stores_one_submission(app):
    consultation = make_consultation()
    first = submit_wishes(consultation, ["More buses"], form_token="same")
    db.session.commit()
    again = submit_wishes(consultation, ["More buses"], form_token="same")
    db.session.commit()
    assert not again.created and again.submission.id == first.submission.id
    assert db.session.query(Submission).count() == 1


@pytest.mark.parametrize("offset", [timedelta(days=-40), timedelta(days=40)])
def test_closed_or_upcoming_consultation_accepts_nothing(app, offset):
    now = utcnow()
    consultation = make_consultation(
        opens_at=now + offset - timedelta(days=1), closes_at=now + offset
    )
    if offset.days > 0:
        consultation.opens_at = now + timedelta(days=1)
    with pytest.raises(NotAccepting):
        submit_wishes(consultation, ["More buses"], form_token="x")
    assert db.session.query(Wish).count() == 0


def test_details_map_postcode_to_area_and_live_apart(app):
    area = make_area(code="A1", name="Abbey", districts=["DE22"])
    consultation = make_consultation()
    consultation.areas = [area]
    submission = submit_wishes(consultation, ["More trees"], form_token="t").submission
    details = set_respondent_details(
        submission, postcode="DE22 1AB", age_band="25_34", email="a@example.com", email_consent=True
    )
    db.session.commit()
    assert submission.area == area
    assert details.submission_id == submission.id and details.email == "a@example.com"
    assert not hasattr(Wish, "postcode") and not hasattr(Submission, "email")


def test_area_outside_consultation_is_not_recorded(app):
    make_area(code="B1", name="Elsewhere", districts=["NG1"])
    consultation = make_consultation()
    submission = submit_wishes(consultation, ["More trees"]).submission
    set_respondent_details(
        submission, postcode="NG1 1AA", age_band=None, email=None, email_consent=True
    )
    assert submission.area is None
    assert submission.details.email_consent is False


def test_wall_shows_only_approved_and_filters(app):
    abbey = make_area(code="A1", name="Abbey", districts=["DE22"])
    consultation = make_consultation()
    make_wish(consultation, text="More buses at night", area=abbey)
    make_wish(consultation, text="Support for business", area=abbey)
    make_wish(consultation, text="A bus to the hospital")
    make_wish(consultation, text="Buses please", status=ModerationStatus.PENDING)
    texts = lambda words, area=None: sorted(  # noqa: E731
        w.text for w in db.session.scalars(wall_query(consultation, words, area))
    )
    assert texts([]) == ["A bus to the hospital", "More buses at night", "Support for business"]
    assert texts(["bus"]) == ["A bus to the hospital", "More buses at night"]
    assert texts(["bus"], "A1") == ["More buses at night"]
    assert texts(["bus", "night"]) == ["More buses at night"]
    assert texts(["100%_"]) == []
    assert count_wishes(consultation) == 4
    assert count_wishes(consultation, ModerationStatus.APPROVED) == 3
