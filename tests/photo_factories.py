"""Factories for the photo competition: make_competition, make_photo_entry, make_criteria."""

from dataclasses import asdict
from datetime import timedelta
from itertools import count

from engage.extensions import db
from engage.models import Competition, Criterion, ModerationStatus, PhotoEntry
from engage.models._types import utcnow
from engage.services.images import process_photo
from engage.services.photos import EntryDetails, store_photo
from engage.services.references import new_reference
from engage.storage import get_storage
from tests import photo_files
from tests.factories import make_consultation

_seq = count(1)


def make_competition(consultation=None, **overrides) -> Competition:
    """A competition open for entries and for votes, with no criteria."""
    now = utcnow()
    n = next(_seq)
    values = {
        "slug": f"photos-{n}",
        "title": f"Picture your wish {n}",
        "summary": "Take a photo that shows one of your wishes for Testville.",
        "rules": "One photo per person. You keep the copyright; the partnership may use it.",
        "entries_open_at": now - timedelta(days=1),
        "entries_close_at": now + timedelta(days=20),
        "voting_open_at": now - timedelta(days=1),
        "voting_close_at": now + timedelta(days=30),
    }
    values.update(overrides)
    competition = Competition(consultation=consultation or make_consultation(), **values)
    db.session.add(competition)
    db.session.flush()
    return competition


def details(**overrides) -> EntryDetails:
    values = {
        "title": "Trees on the ring road",
        "wish": "More trees along the main roads",
        "description": "Taken on a Sunday morning.",
        "alt_text": "A row of young trees beside a busy road",
        "entrant_name": "Sam Taylor",
        "email": "sam@example.com",
        "took_photo": True,
        "people_consented": True,
        "accepted_rules": True,
    }
    values.update(overrides)
    return EntryDetails(**values)


def make_photo_entry(competition=None, image: bytes | None = None, **overrides) -> PhotoEntry:
    """An entry with real stored copies of a small generated photo (approved by default)."""
    competition = competition or make_competition()
    status = overrides.pop("status", ModerationStatus.APPROVED)
    colour = overrides.pop("colour", (30, 120, 60))
    photo = process_photo(image or photo_files.jpeg(size=(320, 240), colour=colour))
    stored = store_photo(get_storage(), photo)
    fields = vars(details(**{k: overrides.pop(k) for k in list(overrides) if k in vars(details())}))
    entry = PhotoEntry(
        competition=competition,
        reference=new_reference("P"),
        **asdict(stored),
        status=status,
        **fields,
        **overrides,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def make_criteria(competition, names=("Relevance to the wish", "Impact", "Quality")):
    criteria = [
        Criterion(competition=competition, name=name, position=i)
        for i, name in enumerate(names, start=1)
    ]
    db.session.add_all(criteria)
    db.session.flush()
    db.session.refresh(competition)
    return criteria


def competition_data(consultation=None, **changes) -> dict:
    """What an admin types into the competition form (the edit form has no consultation)."""
    data = {
        "title": "Picture your wish",
        "slug": "picture-your-wish",
        "summary": "Photograph a wish.",
        "rules": "One photo each.",
        "entries_open": ["1", "6", "2026"],
        "entries_close": ["20", "6", "2026"],
        "voting_open": ["10", "6", "2026"],
        "voting_close": ["30", "6", "2026"],
    }
    if consultation is not None:
        data["consultation"] = str(consultation.id)
    return {**data, **changes}
