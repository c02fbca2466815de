import re

from engage.services.references import new_reference, normalise_reference


def test_reference_shape():
    for _ in range(200):
        assert re.fullmatch(r"W-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}", new_reference("W"))


def test_references_differ():
    # About 10^9 values: 1,000 draws repeat one about once in 2,000 runs, three never.
    assert len({new_reference("W") for _ in range(1000)}) >= 998


def test_a_batch_of_references_avoids_those_already_used(app, monkeypatch):
    from engage.extensions import db
    from engage.models import Submission
    from engage.services import references
    from engage.services.references import unused_references
    from tests.factories import make_consultation

    consultation = make_consultation()
    used = ["W-0000-00", "W-0000-01"]
    for reference in used:
        db.session.add(Submission(consultation=consultation, channel="online", reference=reference))
    db.session.flush()
    # A generator whose first draws are the used references and one repeat, then new ones.
    draws = iter([*used, "W-1111-11", "W-1111-11", "W-2222-22", "W-3333-33", "W-4444-44"])
    monkeypatch.setattr(references, "new_reference", lambda prefix: next(draws))
    assert sorted(unused_references("W", 3, Submission.reference)) == [
        "W-1111-11",
        "W-2222-22",
        "W-3333-33",
    ]


def test_normalise_what_people_type():
    assert normalise_reference(" w-7k3p-9q ") == "W-7K3P-9Q"
    assert normalise_reference("W7K3PO1") == "W-7K3P-01"
