"""Officers moderate photo entries: the photo, alt text and consents in the queue, the same
decisions and reasons as wishes, logged under entry_type "photo"; staff-only image copies."""

import pytest

from engage.extensions import db
from engage.mail import outbox
from engage.models import Flag, ModerationDecision, ModerationStatus, PhotoEntry
from tests import photo_files as pf
from tests.conftest import hidden_fields
from tests.photo_factories import make_competition, make_photo_entry
from tests.views.public.test_rights import _erase


@pytest.fixture
def pending(app):
    competition = make_competition(slug="pics")
    entries = [
        make_photo_entry(
            competition,
            title="Trees on the ring road",
            alt_text="A row of young oak trees",
            status=ModerationStatus.PENDING,
        ),
        make_photo_entry(
            competition,
            title="Call me",
            description="Ring 07700 900123 to buy this",
            status=ModerationStatus.PENDING,
            image=pf.png_with_metadata(),
        ),
    ]
    db.session.commit()
    return entries


def test_queue_of_a_competition_without_rules_shows_the_licence_alone(client, login_as):
    competition = make_competition(rules="")
    make_photo_entry(competition, title="No rules", accepted_rules=False, status="pending")
    db.session.commit()
    login_as("officer")
    page = client.get("/staff/queue/photos")
    assert "No: gave the licence (the competition has no rules)" in page.text
    assert "accepted the rules" not in page.text


def _decide(client, **data):
    page = client.get("/staff/queue/photos")
    return client.post("/staff/queue/photos", data={**hidden_fields(page.text), **data})


def test_queue_shows_photo_alt_text_and_consents(client, login_as, pending):
    login_as("officer")
    page = client.get("/staff/queue/photos")
    assert page.status_code == 200 and "2 photos wait" in page.text
    assert 'alt="A row of young oak trees"' in page.text
    assert "Yes: took the photo themselves" in page.text
    assert "accepted the rules and the licence" in page.text
    assert "Photos (2 waiting)" in page.text and "Wishes (0 waiting)" in page.text
    assert page.text.index("Wishes (") < page.text.index("Photos (")
    image = client.get(f"/staff/entries/photo/{pending[0].id}/display")
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/jpeg"
    assert image.headers["Cache-Control"] == "no-store"
    full = client.get(f"/staff/entries/photo/{pending[1].id}/full")
    assert full.headers["Content-Type"] == "image/png" and full.data.startswith(b"\x89PNG")
    assert pf.SECRET_NAME not in full.data


def test_text_detectors_flag_photo_entries(client, login_as, app):
    from tests.views.public.test_photos import FIELDS

    make_competition(slug="pics")
    db.session.commit()
    page = client.get("/competitions/pics/enter")
    import io

    client.post(
        "/competitions/pics/enter",
        data={
            **hidden_fields(page.text),
            **FIELDS,
            "description": "Email me at jo@example.com",
            "photo": (io.BytesIO(pf.jpeg()), "p.jpg"),
        },
        content_type="multipart/form-data",
    )
    flag = db.session.query(Flag).one()
    assert (flag.entry_type, flag.kind) == ("photo", "personal_data")
    login_as("officer")
    assert "email address" in client.get("/staff/queue/photos").text


def test_approve_publishes_to_the_gallery_and_logs(client, login_as, pending):
    officer = login_as("officer")
    response = _decide(client, entry_ids=str(pending[0].id), action="approve")
    assert response.status_code == 303
    assert "Approved: 1 photo" in client.get(response.location).text
    assert db.session.get(PhotoEntry, pending[0].id).status == ModerationStatus.APPROVED
    decision = db.session.query(ModerationDecision).one()
    assert (decision.entry_type, decision.entry_id, decision.moderator_id) == (
        "photo",
        pending[0].id,
        officer.id,
    )
    assert "Trees on the ring road" in client.get("/competitions/pics/gallery").text
    history = client.get(f"/staff/entries/photo/{pending[0].id}").text
    assert "Approved" in history and "sam@example.com" in history


def test_reject_needs_a_reason_and_other_needs_a_note(client, login_as, pending):
    login_as("officer")
    response = _decide(client, entry_ids=str(pending[1].id), action="reject", reason="other")
    assert response.status_code == 400 and "Add a note" in response.text
    assert db.session.get(PhotoEntry, pending[1].id).status == ModerationStatus.PENDING
    _decide(client, entry_ids=str(pending[1].id), action="reject", reason="spam")
    entry = db.session.get(PhotoEntry, pending[1].id)
    assert (entry.status, entry.status_reason) == (ModerationStatus.REJECTED, "spam")
    assert client.get(f"/competitions/pics/photos/{entry.id}").status_code == 404


def test_bulk_and_forged_decisions(client, login_as, pending):
    from werkzeug.datastructures import MultiDict

    login_as("officer")
    assert _decide(client, entry_ids="999999", action="approve").status_code == 400
    response = _decide(client, entry_ids=str(pending[0].id), action="approve_redacted")
    assert response.status_code == 400 and "Choose approve or reject" in response.text
    page = client.get("/staff/queue/photos")
    data = MultiDict({**hidden_fields(page.text), "action": "reject", "reason": "duplicate"})
    for entry in pending:
        data.add("selected", str(entry.id))
    assert client.post("/staff/queue/photos", data=data).status_code == 303
    assert {e.status for e in db.session.query(PhotoEntry)} == {ModerationStatus.REJECTED}


@pytest.mark.parametrize("role", ["judge", "strategy"])
def test_other_roles_cannot_moderate_photos(client, login_as, pending, role):
    login_as(role)
    assert client.get("/staff/queue/photos").status_code == 403
    assert client.get(f"/staff/entries/photo/{pending[0].id}/full").status_code == 403


def test_anonymous_visitors_cannot_see_pending_photos(client, pending):
    response = client.get(f"/staff/entries/photo/{pending[0].id}/display")
    assert response.status_code == 302 and "/staff/sign-in" in response.location
    assert client.get(f"/competitions/pics/photos/{pending[0].id}/display.jpg").status_code == 404


def test_a_visitor_reports_a_published_photo_and_an_officer_decides_again(client, login_as):
    competition = make_competition(slug="pics")
    entry = make_photo_entry(competition, title="Pond at dusk", alt_text="A pond at dusk")
    db.session.commit()
    page = client.get(f"/competitions/pics/photos/{entry.id}")
    assert "Report this photo" in page.text
    url = f"/competitions/pics/photos/{entry.id}/report"
    form = client.get(url)
    assert form.status_code == 200 and 'alt="A pond at dusk"' in form.text
    empty = client.post(url, data=hidden_fields(form.text))
    assert empty.status_code == 400 and "Tell us what is wrong with this photo" in empty.text
    long = client.post(url, data={**hidden_fields(form.text), "reason": "x" * 501})
    assert long.status_code == 400 and "500 characters or fewer" in long.text
    sent = client.post(
        url, data={**hidden_fields(form.text), "reason": "It shows my children's faces"}
    )
    assert sent.status_code == 303 and sent.location == f"/competitions/pics/photos/{entry.id}"
    assert "A moderator will look at this photo again" in client.get(sent.location).text
    db.session.expire_all()
    assert entry.status == ModerationStatus.APPROVED and entry.reported_at is not None
    flag = db.session.query(Flag).filter_by(entry_type="photo", entry_id=entry.id).one()
    assert flag.kind == "reported" and "children" in flag.detail

    login_as("officer")
    queue = client.get("/staff/queue/photos").text
    assert "Pond at dusk" in queue and "Published, reported" in queue
    assert "It shows my children&#39;s faces" in queue
    response = client.post(
        "/staff/queue/photos",
        data={
            **hidden_fields(queue),
            "entry_ids": str(entry.id),
            "action": "reject",
            "reason": "personal_data",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert entry.status == ModerationStatus.REJECTED and entry.reported_at is None
    assert "Pond at dusk" not in client.get("/staff/queue/photos").text
    assert client.get(f"/competitions/pics/photos/{entry.id}").status_code == 404
    actions = [d.action for d in db.session.query(ModerationDecision).filter_by(entry_id=entry.id)]
    assert actions == ["report", "reject"]


def test_a_reported_photo_its_entrant_withdrew_leaves_the_queue(app, client, login_as):
    """Withdrawn by its entrant (their details erased) after a visitor reported it, the photo
    stayed in the queue as "Published, reported", counted as waiting, with no decision able to
    take it out: every one was refused, as it was withdrawn."""
    competition = make_competition(slug="pics")
    entry = make_photo_entry(competition, title="Pond at dusk", email="jo@example.org")
    db.session.commit()
    url = f"/competitions/pics/photos/{entry.id}/report"
    form = hidden_fields(client.get(url).text)
    assert client.post(url, data={**form, "reason": "It shows my house"}).status_code == 303
    outbox(app).clear()
    erased = _erase(app.test_client(), app, entry.reference, "jo@example.org")
    assert "We withdrew your photo entry" in erased
    login_as("officer")
    queue = client.get("/staff/queue/photos").text
    assert "Pond at dusk" not in queue
    assert "0 photos wait for a decision" in queue and "Photos (0 waiting)" in queue
    history = client.get(f"/staff/entries/photo/{entry.id}").text
    assert "Reported by a visitor" in history and "Withdrawn by the entrant" in history


@pytest.mark.parametrize("status", [ModerationStatus.PENDING, ModerationStatus.REJECTED])
def test_only_published_photos_can_be_reported(client, app, status):
    competition = make_competition(slug="pics")
    entry = make_photo_entry(competition, status=status)
    db.session.commit()
    assert client.get(f"/competitions/pics/photos/{entry.id}/report").status_code == 404
    assert client.get("/competitions/pics/photos/999999/report").status_code == 404
    assert client.get(f"/competitions/other/photos/{entry.id}/report").status_code == 404


def test_a_decision_in_a_filtered_queue_comes_back_to_that_queue(client, login_as, pending):
    other = make_competition(slug="other")
    make_photo_entry(other, title="Elsewhere", status=ModerationStatus.PENDING)
    db.session.commit()
    login_as("officer")
    queue = f"/staff/queue/photos?competition={pending[0].competition_id}"
    page = client.get(queue)
    data = {**hidden_fields(page.text), "entry_ids": str(pending[0].id), "action": "approve"}
    response = client.post(queue, data=data)
    assert response.location == queue
    assert "Elsewhere" not in client.get(response.location).text


def test_a_queue_filtered_by_competition_says_its_count_is_of_that_competition(
    client, login_as, pending
):
    other = make_competition(slug="other")
    make_photo_entry(other, title="Elsewhere", status=ModerationStatus.PENDING)
    db.session.commit()
    login_as("officer")
    page = client.get(f"/staff/queue/photos?competition={other.id}").text
    assert "Photos (3 waiting)" in page
    assert "1 photo waits for a decision in this competition" in page
