"""Plain factory functions for test data: make_x(**overrides) adds and flushes one object."""

from datetime import timedelta
from itertools import count

from engage.extensions import db
from engage.models import Consultation, ModerationStatus, Submission, Wish
from engage.models._types import utcnow
from engage.services.consultations import upsert_area
from engage.services.references import new_reference
from engage.services.search import search_key

_seq = count(1)


def make_area(**overrides):
    n = next(_seq)
    values = {"code": f"E0500{n:04d}", "name": f"Area {n}", "districts": [f"DE{n + 10}"]}
    values.update(overrides)
    return upsert_area(values["code"], values["name"], values["districts"])


def make_consultation(**overrides) -> Consultation:
    now = utcnow()
    n = next(_seq)
    values = {
        "slug": f"consultation-{n}",
        "title": f"3 wishes for Testville {n}",
        "place_name": "Testville",
        "summary": "Tell us your three wishes.",
        "description": "What would make Testville better?",
        "how_answers_are_used": "We read every wish.",
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=30),
    }
    values.update(overrides)
    consultation = Consultation(**values)
    db.session.add(consultation)
    db.session.flush()
    return consultation


def make_wish(consultation=None, **overrides) -> Wish:
    consultation = consultation or make_consultation()
    text = overrides.pop("text", "More buses in the evening")
    status = overrides.pop("status", ModerationStatus.APPROVED)
    submission = Submission(
        consultation=consultation,
        channel=overrides.pop("channel", "online"),
        reference=new_reference("W"),
        area=overrides.pop("area", None),
        received_at=overrides.get("created_at", utcnow()),
    )
    wish = Wish(position=1, text=text, search_key=search_key(text), status=status, **overrides)
    submission.wishes = [wish]
    db.session.add(submission)
    db.session.flush()
    return wish
