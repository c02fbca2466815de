"""A competition's web address taken by another request between the check and the write (two
admins at the same moment): refused in words, on create and on edit, and nothing else lost."""

import pytest

from engage.extensions import db
from engage.models import Competition
from engage.services import competitions
from engage.services.competitions import create_competition, update_competition
from engage.services.judging import JudgingError
from tests.photo_factories import make_competition


def _dates(competition):
    names = ("entries_open_at", "entries_close_at", "voting_open_at", "voting_close_at")
    return competitions.CompetitionDates(**{n: getattr(competition, n) for n in names})


@pytest.fixture
def raced(app, monkeypatch):
    """Two competitions, and the check passing as it would just before the other request's
    write lands."""
    first, second = make_competition(slug="first"), make_competition(slug="second")
    db.session.commit()
    monkeypatch.setattr(competitions, "_check_details", lambda *args: None)
    return first, second


def test_an_edit_to_an_address_taken_meanwhile_is_refused(raced):
    first, second = raced
    details = {"title": "Renamed", "summary": "s", "rules": "r", "dates": _dates(first)}
    with pytest.raises(JudgingError, match="The web address “second” is taken"):
        update_competition(first, slug="second", **details)
    db.session.commit()  # the session is still usable: nothing else was lost
    db.session.refresh(first)
    assert (first.slug, first.title) != ("second", "Renamed")


def test_a_new_competition_at_an_address_taken_meanwhile_is_refused(raced):
    first, _second = raced
    details = {"title": "New", "summary": "s", "rules": "r", "dates": _dates(first)}
    with pytest.raises(JudgingError, match="The web address “first” is taken"):
        create_competition(first.consultation, slug="first", **details)
    db.session.commit()
    assert db.session.query(Competition).count() == 2
