"""Decisions on photo entries at the service: a photo that cannot be published is never
approved, whoever calls, and a withdrawn entry is not decided at all."""

import pytest

from engage.extensions import db
from engage.models import ModerationDecision, ModerationStatus
from engage.services.moderation import DecisionError
from engage.services.photo_moderation import decide_photos, refused_photos
from engage.services.rights import erase
from engage.storage import get_storage
from tests.conftest import make_staff
from tests.photo_factories import make_competition, make_photo_entry


@pytest.fixture
def entries(app):
    competition = make_competition()
    fine = make_photo_entry(competition, title="Fine", status="pending")
    unsure = make_photo_entry(
        competition, title="Unsure", took_photo=False, accepted_rules=False, status="pending"
    )
    gone = make_photo_entry(competition, title="Gone", email="jo@example.org", status="pending")
    erase("jo@example.org", get_storage())
    db.session.flush()
    return fine, unsure, gone


def test_approval_is_refused_whole_when_a_photo_cannot_be_published(entries):
    fine, unsure, gone = entries
    with pytest.raises(DecisionError) as refused:
        decide_photos([fine, unsure], "approve", make_staff())
    assert refused.value.message == (
        f"{unsure.reference} “Unsure” does not have the entrant’s word that they took it"
        " and they accept the rules and the licence"
    )
    with pytest.raises(DecisionError, match="was withdrawn by its entrant"):
        decide_photos([gone], "reject", make_staff(), reason="spam")
    decided = db.session.query(ModerationDecision.entry_id, ModerationDecision.action).all()
    assert decided == [(gone.id, "withdraw")]  # the erasure's own line, by no officer
    assert fine.status == ModerationStatus.PENDING


def test_a_competition_without_rules_asks_for_the_licence_alone(app):
    competition = make_competition(rules="")
    entry = make_photo_entry(competition, title="No rules", accepted_rules=False, status="pending")
    with pytest.raises(DecisionError) as refused:
        decide_photos([entry], "approve", make_staff())
    assert refused.value.message == (
        f"{entry.reference} “No rules” does not have the entrant’s word that they give the licence"
    )


def test_what_is_refused_depends_on_the_decision(entries):
    fine, unsure, gone = entries
    assert set(refused_photos([fine, unsure, gone], "approve")) == {unsure.id, gone.id}
    assert set(refused_photos([fine, unsure, gone], "reject")) == {gone.id}
    decide_photos([fine, unsure], "reject", make_staff(), reason="other", note="No consent")
    assert unsure.status == ModerationStatus.REJECTED
