"""Bulk decisions in the photo queue, through the officer's pages: a labelled box to tick on
each photo, one form to approve or reject the ticked ones, the way back to the same filter and
page, refusals said in words, and photos that cannot be published left out by name."""

import html
import re

import pytest
from werkzeug.datastructures import MultiDict

from engage.extensions import db
from engage.mail import outbox
from engage.models import ModerationDecision, ModerationStatus, PhotoEntry
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.photo_factories import make_competition, make_photo_entry
from tests.views.public.test_rights import _erase
from tests.views.test_page_structure import _problems

QUEUE = "/staff/queue/photos"


@pytest.fixture
def pending(app):
    """Four photos waiting in one competition, the last with its own entrant, and one in
    another competition."""
    competition = make_competition(slug="pics")
    titles = ["Trees on the ring road", "Pond at dusk", "Bus stop mural", "Allotments"]
    entries = [
        make_photo_entry(competition, title=t, status=ModerationStatus.PENDING) for t in titles
    ]
    entries[3].email = "jo@example.org"
    make_photo_entry(make_competition(slug="other"), title="Elsewhere", status="pending")
    db.session.commit()
    return entries


def _bulk(client, page_html, entries, **data):
    """Send the bulk form of a queue page with these entries ticked, as a browser would: to
    the address the form names (the queue page itself, with its filter and page)."""
    bulk = re.search(r'<form[^>]*id="bulk"[^>]*>', page_html).group(0)
    action = html.unescape(re.search(r'action="([^"]*)"', bulk).group(1))
    form = MultiDict({**hidden_fields(page_html), **data})
    for entry in entries:
        form.add("selected", str(entry.id))
    return client.post(action, data=form)


def _statuses():
    db.session.expire_all()
    return {e.title: (e.status, e.status_reason) for e in db.session.query(PhotoEntry)}


def test_each_photo_has_a_box_to_tick_named_for_it_and_the_page_has_one_bulk_form(
    client, login_as, pending
):
    login_as("officer")
    page = client.get(QUEUE).text
    bulk = re.search(r'<form[^>]*id="bulk".*?</form>', page, re.S).group(0)
    assert "Decide on the photos you tick below" in bulk
    assert "Approve selected" in bulk and "Reject selected" in bulk
    assert re.search(r'<select[^>]*id="reason-bulk"[^>]*>\s*<option value="">', bulk)
    for entry in pending:
        box = re.search(rf'<input[^>]*id="select-{entry.id}"[^>]*>', page).group(0)
        assert 'name="selected"' in box and 'form="bulk"' in box
        assert f'value="{entry.id}"' in box and 'type="checkbox"' in box
        label = re.search(rf'<label[^>]*for="select-{entry.id}"[^>]*>(.*?)</label>', page, re.S)
        name = re.sub(r"<[^>]+>", "", label.group(1))
        assert f"“{entry.title}” ({entry.reference})" in name
    assert _problems(page) == []


def test_ticked_photos_are_approved_and_the_officer_is_back_on_the_same_filter_and_page(
    app, client, login_as, pending, monkeypatch
):
    monkeypatch.setitem(app.config, "QUEUE_PER_PAGE", 2)
    officer = login_as("officer")
    queue = f"{QUEUE}?competition={pending[0].competition_id}&page=2"
    page = client.get(queue).text
    assert "Bus stop mural" in page and "Trees on the ring road" not in page
    response = _bulk(client, page, pending[2:], action="approve")
    assert response.status_code == 303 and response.location == queue
    back = client.get(response.location).text
    assert "Approved: 2 photos" in back
    assert "2 photos wait for a decision in this competition" in back
    assert "Trees on the ring road" in back and "Elsewhere" not in back
    statuses = _statuses()
    assert statuses["Bus stop mural"] == statuses["Allotments"] == ("approved", None)
    assert statuses["Trees on the ring road"] == ("pending", None)
    decisions = db.session.query(ModerationDecision).all()
    assert sorted(d.entry_id for d in decisions) == sorted(e.id for e in pending[2:])
    assert {(d.entry_type, d.action, d.moderator_id) for d in decisions} == {
        ("photo", "approve", officer.id)
    }
    assert "Bus stop mural" in client.get("/competitions/pics/gallery").text


def test_ticked_photos_are_rejected_with_one_reason_and_note(client, login_as, pending):
    login_as("officer")
    page = client.get(QUEUE).text
    response = _bulk(
        client, page, pending[:2], action="reject", reason="duplicate", note="Sent twice"
    )
    assert "Rejected: 2 photos" in client.get(response.location).text
    statuses = _statuses()
    rejected = ("rejected", "duplicate")
    assert statuses["Trees on the ring road"] == statuses["Pond at dusk"] == rejected
    assert statuses["Bus stop mural"] == ("pending", None)
    notes = {(d.reason, d.note) for d in db.session.query(ModerationDecision)}
    assert notes == {("duplicate", "Sent twice")}


@pytest.mark.parametrize(
    ("ticked", "data", "message"),
    [
        (0, {"action": "approve"}, "Select at least one photo"),
        (2, {"action": "reject", "reason": ""}, "Choose a reason for rejecting"),
        (2, {"action": "reject", "reason": "other"}, "Add a note to say why"),
    ],
)
def test_a_bulk_form_sent_incomplete_is_said_and_changes_nothing(
    client, login_as, pending, ticked, data, message
):
    login_as("officer")
    queue = f"{QUEUE}?competition={pending[0].competition_id}"
    response = _bulk(client, client.get(queue).text, pending[:ticked], **data)
    assert response.status_code == 400
    back = response.text
    assert message in back and "govuk-notification-banner--success" not in back
    assert "Elsewhere" not in back  # the same filter
    assert {s for s, _ in _statuses().values()} == {"pending"}
    assert db.session.query(ModerationDecision).count() == 0


def test_photos_decided_by_someone_else_since_the_page_opened_are_not_overwritten(
    app, client, login_as, pending
):
    login_as("officer")
    mine = client.get(QUEUE).text
    other = app.test_client()
    sign_in(other, make_staff("officer", email="second@example.org"))
    theirs = other.get(QUEUE).text
    assert _bulk(other, theirs, pending[1:2], action="reject", reason="spam").status_code == 303
    response = _bulk(client, mine, pending[:2], action="approve")
    assert response.status_code == 409
    back = response.text
    assert "1 photo was decided after you opened this page" in back
    assert "rejected by Officer" in back
    statuses = _statuses()
    assert statuses["Pond at dusk"] == ("rejected", "spam")
    assert statuses["Trees on the ring road"] == ("pending", None)


def test_a_photo_withdrawn_by_its_entrant_is_left_out_of_a_bulk_approval_by_name(
    app, client, login_as, pending
):
    login_as("officer")
    page = client.get(QUEUE).text  # the queue is open when the entrant erases their details
    outbox(app).clear()
    erased = _erase(app.test_client(), app, pending[3].reference, "jo@example.org")
    assert "We withdrew your photo entry" in erased
    response = _bulk(client, page, pending[2:], action="approve")
    assert response.status_code == 409
    back = response.text
    assert "1 photo was decided after you opened this page" in back
    assert "(withdrawn by the entrant at " in back  # in the log, by no officer
    assert _statuses()["Bus stop mural"] == ("pending", None)
    # Ticked again in a form that says it saw the withdrawal (made by hand: no page opened
    # since lists the photo): the rest is decided, the withdrawn photo left out by name.
    seen = {f"seen-{pending[3].id}": "1"}
    response = _bulk(client, client.get(QUEUE).text, pending[2:], action="approve", **seen)
    back = client.get(response.location).text
    assert "Approved: 1 photo." in back
    assert f"Not approved: {pending[3].reference} “Allotments” was withdrawn by its entrant" in back
    assert "govuk-notification-banner--success" not in back  # not all was done
    statuses = _statuses()
    assert statuses["Bus stop mural"] == ("approved", None)
    assert statuses["Allotments"] == ("rejected", "withdrawn")
    log = [(d.entry_id, d.action) for d in db.session.query(ModerationDecision)]
    assert log == [(pending[3].id, "withdraw"), (pending[2].id, "approve")]
    gallery = client.get("/competitions/pics/gallery").text
    assert "Bus stop mural" in gallery and "Allotments" not in gallery
    # Nor one by one, nor rejected over the withdrawal.
    for data in ({"action": "approve"}, {"action": "reject", "reason": "spam"}):
        alone = _bulk(client, client.get(QUEUE).text, pending[3:], **seen, **data)
        assert alone.status_code == 409
        assert f"{pending[3].reference} “Allotments” was withdrawn" in alone.text
    assert _statuses()["Allotments"] == ("rejected", "withdrawn")
    history = client.get(f"/staff/entries/photo/{pending[3].id}").text
    assert "Rejected (Withdrawn by the entrant)" in history
    assert "The entrant" in history  # who, in the entry's history
    assert "Withdrawn by the entrant" in client.get("/staff/decisions").text


def test_a_photo_missing_a_consent_or_its_description_is_not_approved(client, login_as, app):
    competition = make_competition(slug="pics")
    fine = make_photo_entry(competition, title="Fine", status="pending")
    no_consent = make_photo_entry(
        competition, title="Faces", people_consented=False, status="pending"
    )
    no_alt = make_photo_entry(competition, title="Unseen", alt_text="", status="pending")
    db.session.commit()
    login_as("officer")
    response = _bulk(client, client.get(QUEUE).text, [fine, no_consent, no_alt], action="approve")
    back = client.get(response.location).text
    assert "Approved: 1 photo." in back
    assert (
        f"{no_consent.reference} “Faces” does not have the entrant’s word that the people"
        " shown agreed" in back
    )
    assert f"{no_alt.reference} “Unseen” has no description for people who cannot see it" in back
    statuses = _statuses()
    assert statuses["Fine"] == ("approved", None)
    assert statuses["Faces"] == statuses["Unseen"] == ("pending", None)
    # Rejecting them is still possible: nothing of theirs would be published.
    response = _bulk(
        client, client.get(QUEUE).text, [no_consent, no_alt], action="reject", reason="other",
        note="No consent or description",
    )  # fmt: skip
    assert "Rejected: 2 photos" in client.get(response.location).text
    assert _statuses()["Faces"] == ("rejected", "other")
