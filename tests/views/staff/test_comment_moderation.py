"""The comment queue through the officer's pages: a tab beside the wishes, decisions with the
log, redaction keeping the original, bulk decisions, flags, and refused requests."""

import pytest
from werkzeug.datastructures import MultiDict

from engage.extensions import db
from engage.models import Comment, ModerationDecision, ModerationStatus
from tests.conftest import hidden_fields
from tests.factories import make_consultation
from tests.strategy_factories import make_comment, make_strategy


@pytest.fixture
def pending(app):
    strategy = make_strategy(make_consultation(slug="derby"))
    priority = strategy.versions[0].priorities[0]
    comments = [
        make_comment(priority, "More youth clubs please", status=ModerationStatus.PENDING),
        make_comment(
            priority, "Ring me on 07700 900123", "oppose", status=ModerationStatus.PENDING
        ),
        make_comment(priority, "Buy watches now", "no_view", status=ModerationStatus.PENDING),
    ]
    db.session.commit()
    return comments


def _decide(client, **data):
    page = client.get("/staff/comments/queue")
    return client.post("/staff/comments/queue", data={**hidden_fields(page.text), **data})


def _priority_page(comment):
    return f"/consultations/derby/strategy/priorities/{comment.priority_id}"


def test_queue_lists_pending_comments_with_a_tab(client, login_as, pending):
    login_as("officer")
    page = client.get("/staff/comments/queue")
    assert page.status_code == 200 and "3 comments wait" in page.text
    assert page.text.index("More youth clubs") < page.text.index("Buy watches")
    assert "Places for young people to go" in page.text and "Oppose" in page.text
    wishes = client.get("/staff/queue").text
    assert "Comments (3 waiting)" in wishes and "Wishes (0 waiting)" in wishes


def test_approve_publishes_and_logs(client, login_as, pending):
    officer = login_as("officer")
    assert "More youth clubs" not in client.get(_priority_page(pending[0])).text
    response = _decide(client, entry_ids=str(pending[0].id), action="approve")
    assert response.status_code == 303
    assert "Approved: 1 comment" in client.get(response.location).text
    decision = db.session.query(ModerationDecision).one()
    assert (decision.entry_type, decision.entry_id, decision.moderator_id) == (
        "comment",
        pending[0].id,
        officer.id,
    )
    assert "More youth clubs please" in client.get(_priority_page(pending[0])).text


def test_reject_needs_a_reason_and_other_needs_a_note(client, login_as, pending):
    login_as("officer")
    response = _decide(client, entry_ids=str(pending[2].id), action="reject", reason="other")
    assert response.status_code == 400 and "Add a note" in response.text
    assert db.session.get(Comment, pending[2].id).status == ModerationStatus.PENDING
    _decide(client, entry_ids=str(pending[2].id), action="reject", reason="spam")
    comment = db.session.get(Comment, pending[2].id)
    assert (comment.status, comment.status_reason) == (ModerationStatus.REJECTED, "spam")
    assert "Buy watches" not in client.get(_priority_page(comment)).text


def test_redaction_is_suggested_and_keeps_the_original(client, login_as, pending):
    login_as("officer")
    queue = client.get("/staff/comments/queue").text
    assert "Ring me on [phone number removed]" in queue
    _decide(
        client,
        entry_ids=str(pending[1].id),
        action="approve_redacted",
        redacted_text="Ring me on [phone number removed]",
    )
    comment = db.session.get(Comment, pending[1].id)
    assert comment.text == "Ring me on 07700 900123"
    page = client.get(_priority_page(comment)).text
    assert "[phone number removed]" in page and "07700" not in page
    history = client.get(f"/staff/entries/comment/{comment.id}").text
    assert "07700 900123" in history and "Approved a redacted version" in history


def test_flags_on_arrival_are_shown(client, login_as, app):
    strategy = make_strategy(make_consultation(slug="derby"))
    priority = strategy.versions[0].priorities[0]
    db.session.commit()
    url = f"/consultations/derby/strategy/priorities/{priority.id}/comment"
    form = hidden_fields(client.get(url).text)
    client.post(url, data={**form, "stance": "oppose", "text": "Email me at jo@example.com"})
    login_as("officer")
    queue = client.get("/staff/comments/queue").text
    assert "Personal data" in queue and "j***@example.com" in queue


def test_bulk_decisions(client, login_as, pending):
    login_as("officer")
    page = client.get("/staff/comments/queue")
    data = MultiDict({**hidden_fields(page.text), "action": "reject", "reason": "duplicate"})
    data.add("selected", str(pending[0].id))
    data.add("selected", str(pending[2].id))
    assert client.post("/staff/comments/queue", data=data).status_code == 303
    statuses = {c.id: c.status for c in db.session.query(Comment)}
    assert statuses[pending[0].id] == statuses[pending[2].id] == ModerationStatus.REJECTED
    assert statuses[pending[1].id] == ModerationStatus.PENDING
    assert db.session.query(ModerationDecision).count() == 2


def test_forged_or_unknown_ids_are_refused(client, login_as, pending):
    login_as("officer")
    assert _decide(client, entry_ids="999999", action="approve").status_code == 400
    response = _decide(client, entry_ids="abc", action="approve")
    assert response.status_code == 400 and "Select at least one entry" in response.text
    response = _decide(client, entry_ids=str(pending[0].id), action="delete")
    assert response.status_code == 400 and "Choose approve, reject" in response.text
    assert db.session.get(Comment, pending[0].id).status == ModerationStatus.PENDING
    assert client.get("/staff/entries/comment/999999").status_code == 404


@pytest.mark.parametrize("role", [None, "strategy"])
def test_residents_and_other_roles_cannot_moderate(client, login_as, pending, role):
    if role:
        login_as(role)
    expected = 403 if role else 302
    assert client.get("/staff/comments/queue").status_code == expected
    assert client.post("/staff/comments/queue", data={}).status_code in (400, expected)
    assert client.get(f"/staff/entries/comment/{pending[0].id}").status_code == expected
    assert db.session.query(ModerationDecision).count() == 0


def test_queue_tabs_come_in_order(client, login_as, pending):
    login_as("officer")
    page = client.get("/staff/queue").text
    assert page.index("Wishes (") < page.index("Photos (") < page.index("Comments (")
