"""The moderation queue through the officer's pages: decisions, redaction, bulk, reports,
the decision log and the public transparency page."""

import re

import pytest

from engage.extensions import db
from engage.models import Flag, ModerationDecision, ModerationStatus, Wish
from tests.conftest import hidden_fields
from tests.factories import make_consultation, make_wish


@pytest.fixture
def pending(app):
    consultation = make_consultation(slug="derby")
    wishes = [
        make_wish(consultation, text="More buses in the evening", status=ModerationStatus.PENDING),
        make_wish(
            consultation,
            text="Call me on 07700 900123 about the park",
            status=ModerationStatus.PENDING,
        ),
        make_wish(
            consultation,
            text="Buy cheap watches at www.spam.example",
            status=ModerationStatus.PENDING,
        ),
    ]
    db.session.commit()
    return wishes


def _decide(client, **data):
    page = client.get("/staff/queue")
    return client.post("/staff/queue", data={**hidden_fields(page.text), **data})


def test_queue_lists_pending_oldest_first(client, login_as, pending):
    login_as("officer")
    page = client.get("/staff/queue")
    assert page.status_code == 200 and "3 entries wait" in page.text
    assert page.text.index("More buses") < page.text.index("Buy cheap watches")
    assert page.headers["Cache-Control"] == "no-store"


def test_approve_publishes_and_logs(client, login_as, pending):
    officer = login_as("officer")
    response = _decide(client, entry_ids=str(pending[0].id), action="approve")
    assert response.status_code == 303
    wish = db.session.get(Wish, pending[0].id)
    assert wish.status == ModerationStatus.APPROVED
    decision = db.session.query(ModerationDecision).one()
    assert (decision.action, decision.moderator_id, decision.entry_id) == (
        "approve",
        officer.id,
        wish.id,
    )
    assert "More buses in the evening" in client.get("/consultations/derby/wall").text


def test_reject_needs_a_reason_and_other_needs_a_note(client, login_as, pending):
    login_as("officer")
    _decide(client, entry_ids=str(pending[2].id), action="reject", reason="other")
    assert db.session.get(Wish, pending[2].id).status == ModerationStatus.PENDING
    _decide(client, entry_ids=str(pending[2].id), action="reject", reason="spam")
    wish = db.session.get(Wish, pending[2].id)
    assert (wish.status, wish.status_reason) == (ModerationStatus.REJECTED, "spam")
    assert "Buy cheap watches" not in client.get("/consultations/derby/wall").text
    counts = client.get("/consultations/derby/moderation").text
    assert "Spam" in counts


def test_an_unflagged_entry_s_reason_starts_unchosen(client, login_as, pending):
    """Reject on an entry nothing was flagged on asks for a reason, where it rejected the entry
    as "Personal data" unless the officer changed the box."""
    login_as("officer")
    page = client.get("/staff/queue").text
    box = page.split(f'id="reason-{pending[0].id}"')[1].split("</select>")[0]
    assert re.search(r'<option value="">Choose a reason</option>', box)
    assert " selected" not in box
    sent = _decide(client, entry_ids=str(pending[0].id), action="reject", reason="")
    assert sent.status_code == 400 and "Choose a reason for rejecting" in sent.text
    assert db.session.get(Wish, pending[0].id).status == ModerationStatus.PENDING


def test_a_note_over_the_limit_is_said_and_nothing_is_decided(client, login_as, pending):
    login_as("officer")
    queue = client.get("/staff/queue").text
    assert 'name="note" type="text" maxlength' not in queue  # a paste is never cut silently
    response = _decide(
        client, entry_ids=str(pending[2].id), action="reject", reason="other", note="x" * 501
    )
    assert response.status_code == 400
    assert "Keep the note to 500 characters or fewer" in response.text
    assert db.session.get(Wish, pending[2].id).status == ModerationStatus.PENDING
    bad = _decide(client, entry_ids=str(pending[2].id), action="reject", reason="shoe")
    assert bad.status_code == 400  # a reason no form offers is still refused outright


def test_approve_redacted_keeps_the_original(client, login_as, pending):
    login_as("officer")
    queue = client.get("/staff/queue").text
    assert "[phone number removed]" in queue  # the suggested redaction
    _decide(
        client,
        entry_ids=str(pending[1].id),
        action="approve_redacted",
        redacted_text="Call me on [phone number removed] about the park",
    )
    wish = db.session.get(Wish, pending[1].id)
    assert wish.text == "Call me on 07700 900123 about the park"
    wall = client.get("/consultations/derby/wall").text
    assert "[phone number removed]" in wall and "07700" not in wall
    history = client.get(f"/staff/entries/wish/{wish.id}").text
    assert "07700 900123" in history and "Approved a redacted version" in history


def test_a_redacted_wish_is_found_by_what_it_says_not_by_what_was_taken_out(client, login_as):
    consultation = make_consultation(slug="derby")
    wish = make_wish(
        consultation, text="Ask Zoë Brontë at the café", status=ModerationStatus.PENDING
    )
    db.session.commit()
    login_as("officer")
    _decide(client, entry_ids=str(wish.id), action="approve_redacted",
            redacted_text="Ask [name removed] at the café")  # fmt: skip
    for removed in ("Zoë", "zoe", "BRONTE", "Brontë"):
        wall = client.get("/consultations/derby/wall", query_string={"q": removed}).text
        assert "No wishes found" in wall and "[name removed]" not in wall
    for published in ("cafe", "café", "name"):
        wall = client.get("/consultations/derby/wall", query_string={"q": published}).text
        assert f"1 wish matching “{published}”" in wall and "Zoë" not in wall


def test_a_reported_redacted_wish_approved_again_stays_redacted(client, login_as, pending):
    login_as("officer")
    wish_id = pending[1].id
    _decide(client, entry_ids=str(wish_id), action="approve_redacted",
            redacted_text="Call me on [phone number removed] about the park")  # fmt: skip
    form = client.get(f"/consultations/derby/wishes/{wish_id}/report")
    client.post(f"/consultations/derby/wishes/{wish_id}/report",
                data={**hidden_fields(form.text), "reason": "Is this allowed?"})  # fmt: skip
    queue = client.get("/staff/queue").text
    # The officer sees what is published now, and is offered it again, not a new suggestion.
    assert "Published as a redacted version" in queue
    assert queue.count("Call me on [phone number removed] about the park") == 2
    assert _decide(client, entry_ids=str(wish_id), action="approve").status_code == 303
    wall = client.get("/consultations/derby/wall?q=park").text
    assert "[phone number removed]" in wall and "07700" not in wall
    entry = client.get(f"/staff/entries/wish/{wish_id}").text
    assert "Call me on [phone number removed] about the park" in entry  # the published text
    # Reported again and rejected, the redaction stays on record and the page says nothing
    # is published.
    client.post(f"/consultations/derby/wishes/{wish_id}/report",
                data={**hidden_fields(form.text), "reason": "Still a number"})  # fmt: skip
    assert _decide(client, entry_ids=str(wish_id), action="reject",
                   reason="personal_data").status_code == 303  # fmt: skip
    entry = client.get(f"/staff/entries/wish/{wish_id}").text
    assert "Not published" in entry
    assert "&lt;span" not in entry and 'class="engage-break-anywhere">Call me on 07700' in entry


def test_a_redaction_may_be_longer_than_the_wish(client, login_as, app):
    consultation = make_consultation(slug="derby")
    text = ("Mail a@b.co or c@d.co, ring 07700 900123. " * 12)[:500]
    wish = make_wish(consultation, text=text, status=ModerationStatus.PENDING)
    db.session.commit()
    login_as("officer")
    queue = client.get("/staff/queue").text
    from engage.services.flags import redact_personal_data

    suggestion = redact_personal_data(text)
    assert len(suggestion) > 500 and 'maxlength="2000"' in queue
    response = _decide(client, entry_ids=str(wish.id), action="approve_redacted",
                       redacted_text=suggestion)  # fmt: skip
    assert response.status_code == 303
    assert db.session.get(Wish, wish.id).redacted_text == suggestion


def test_bulk_decisions(client, login_as, pending):
    login_as("officer")
    page = client.get("/staff/queue")
    from werkzeug.datastructures import MultiDict

    data = MultiDict({**hidden_fields(page.text), "action": "reject", "reason": "duplicate"})
    data.add("selected", str(pending[0].id))
    data.add("selected", str(pending[2].id))
    response = client.post("/staff/queue", data=data)
    assert response.status_code == 303
    statuses = {w.id: w.status for w in db.session.query(Wish)}
    assert statuses[pending[0].id] == statuses[pending[2].id] == ModerationStatus.REJECTED
    assert db.session.query(ModerationDecision).count() == 2


def test_flags_are_shown_and_filterable(client, login_as, app):
    login_as("officer")
    consultation = make_consultation(slug="flagged")
    db.session.commit()
    page = client.get("/consultations/flagged/wishes/new")
    client.post(
        "/consultations/flagged/wishes/new",
        data={
            **hidden_fields(page.text),
            "wish_1": "Email me at jo@example.com",
            "wish_2": "More trees",
        },
    )
    kinds = {f.kind for f in db.session.query(Flag)}
    assert "personal_data" in kinds
    queue = client.get(f"/staff/queue?flag=personal_data&consultation={consultation.id}").text
    assert "Email me at" in queue and "More trees" not in queue


def test_resident_report_sends_a_published_wish_back(client, app, login_as):
    consultation = make_consultation(slug="derby")
    wish = make_wish(consultation, text="A wish someone dislikes")
    db.session.commit()
    form = client.get(f"/consultations/derby/wishes/{wish.id}/report")
    empty = client.post(
        f"/consultations/derby/wishes/{wish.id}/report", data=hidden_fields(form.text)
    )
    assert empty.status_code == 400 and "Tell us what is wrong" in empty.text
    sent = client.post(
        f"/consultations/derby/wishes/{wish.id}/report",
        data={**hidden_fields(form.text), "reason": "It names my neighbour"},
    )
    assert sent.status_code == 303
    login_as("officer")
    queue = client.get("/staff/queue").text
    assert "A wish someone dislikes" in queue and "It names my neighbour" in queue
    assert "Published, reported" in queue


@pytest.mark.parametrize("wish_id", [999999, "abc"])
def test_report_of_unknown_wish_is_404(client, app, wish_id):
    make_consultation(slug="derby")
    db.session.commit()
    assert client.get(f"/consultations/derby/wishes/{wish_id}/report").status_code == 404


def test_pending_wish_cannot_be_reported(client, pending):
    assert client.get(f"/consultations/derby/wishes/{pending[0].id}/report").status_code == 404


def test_forged_or_unknown_ids_are_refused(client, login_as, pending):
    login_as("officer")
    assert _decide(client, entry_ids="999999", action="approve").status_code == 400
    for ids in ("abc", ""):
        response = _decide(client, entry_ids=ids, action="approve")
        assert response.status_code == 400 and "Select at least one entry" in response.text
    response = _decide(client, entry_ids=str(pending[0].id), action="delete")
    assert response.status_code == 400 and "Choose approve, reject" in response.text
    assert db.session.get(Wish, pending[0].id).status == ModerationStatus.PENDING


def test_decision_log_lists_every_decision(client, login_as, pending):
    login_as("officer")
    _decide(client, entry_ids=str(pending[0].id), action="approve")
    log = client.get("/staff/decisions").text
    assert "Approved" in log and f"Wish {pending[0].id}" in log


def test_a_decision_taken_since_the_page_opened_is_not_overwritten(app, client, login_as, pending):
    from tests.conftest import make_staff, sign_in

    login_as("officer")
    wish_id = pending[2].id
    mine = client.get("/staff/queue").text  # both officers have the queue open
    other = app.test_client()
    sign_in(other, make_staff("officer", email="second@example.org"))
    theirs = other.get("/staff/queue").text
    data = {"entry_ids": str(wish_id), "action": "reject", "reason": "offensive"}
    assert other.post("/staff/queue", data={**hidden_fields(theirs), **data}).status_code == 303
    # The first officer approves from the page they opened before: refused, and told why.
    response = client.post("/staff/queue", data={**hidden_fields(mine),
                           "entry_ids": str(wish_id), "action": "approve"})  # fmt: skip
    assert response.status_code == 409
    message = response.text
    assert "1 entry was decided after you opened this page" in message
    assert "rejected by Officer" in message
    wish = db.session.get(Wish, wish_id)
    assert (wish.status, wish.status_reason) == (ModerationStatus.REJECTED, "offensive")
    assert "Buy cheap watches" not in client.get("/consultations/derby/wall").text
    # Nor from a page opened after it, which no longer lists it: the form does not say it saw
    # the rejection.
    assert _decide(client, entry_ids=str(wish_id), action="approve").status_code == 409
    db.session.expire_all()
    assert db.session.get(Wish, wish_id).status == ModerationStatus.REJECTED


def test_a_visitor_report_since_the_page_opened_is_said_not_a_server_error(
    app, client, login_as, pending
):
    """An officer has the queue open; another approves a wish and a visitor reports it before
    the first decides. The report is in the log by no officer, which the message named as one
    (a 500)."""
    from tests.conftest import make_staff, sign_in

    wish = pending[0]
    login_as("officer")
    mine = client.get("/staff/queue").text
    other = app.test_client()
    sign_in(other, make_staff("officer", email="second@example.org"))
    data = {"entry_ids": str(wish.id), "action": "approve"}
    theirs = hidden_fields(other.get("/staff/queue").text)
    other.post("/staff/queue", data={**theirs, **data})
    visitor = app.test_client()
    form = visitor.get(f"/consultations/derby/wishes/{wish.id}/report").text
    reported = visitor.post(
        f"/consultations/derby/wishes/{wish.id}/report",
        data={**hidden_fields(form), "reason": "It names my neighbour"},
    )
    assert reported.status_code == 303
    data = {"entry_ids": str(wish.id), "action": "reject", "reason": "personal_data"}
    response = client.post("/staff/queue", data={**hidden_fields(mine), **data})
    assert response.status_code == 409
    message = response.text
    assert "1 entry was decided after you opened this page" in message
    assert "(approved by Officer at " in message and ", then reported by a visitor at " in message


def test_a_decision_sent_twice_is_taken_once(client, login_as, pending):
    login_as("officer")
    page = client.get("/staff/queue").text
    data = {**hidden_fields(page), "entry_ids": str(pending[0].id), "action": "approve"}
    first = client.post("/staff/queue", data=data)
    again = client.post("/staff/queue", data=data)  # a double click, or a second tab
    assert first.status_code == again.status_code == 303
    assert "Approved: 1 entry" in client.get(again.location).text
    assert db.session.query(ModerationDecision).count() == 1


def test_deciding_the_last_entry_of_the_last_page_shows_the_entries_left(
    app, client, login_as, pending, monkeypatch
):
    monkeypatch.setitem(app.config, "QUEUE_PER_PAGE", 2)
    login_as("officer")
    queue = "/staff/queue?page=2"
    page = client.get(queue)
    assert f"select-{pending[2].id}" in page.text
    data = {**hidden_fields(page.text), "entry_ids": str(pending[2].id), "action": "approve"}
    done = client.post(queue, data=data)
    assert done.location == queue
    page = client.get(done.location).text
    assert "2 entries wait for a decision" in page
    assert "Nothing waits for a decision" not in page
    assert f"select-{pending[0].id}" in page and f"select-{pending[1].id}" in page


def test_a_filtered_queue_says_its_count_is_of_the_filtered_entries(client, login_as, pending):
    login_as("officer")
    make_wish(pending[0].submission.consultation, channel="workshop", status="pending")
    db.session.commit()
    page = client.get("/staff/queue?channel=workshop").text
    assert "Wishes (4 waiting)" in page
    assert "1 entry waits for a decision with these filters" in page
    assert "4 entries wait for a decision, oldest first" in client.get("/staff/queue").text
