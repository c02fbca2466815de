"""A decision sent from a queue page made before a colleague decided the same entry (and a
visitor perhaps reported it back into the queue since) is refused, whatever else is wrong with
the form: the officer is told which entry, what was done to it and by whom, and given back
what they typed. What counts is what the page showed of each entry, not the clocks: nothing
the officer did not see is overwritten or said to be done. Wishes, photos and comments alike,
entry by entry and in bulk."""

from datetime import timedelta

import pytest

from engage.extensions import db
from engage.models import Flag, ModerationDecision
from engage.models._types import utcnow
from engage.moderation import comments as comment_views
from engage.moderation import photos as photo_views
from engage.moderation import queue as wish_views
from engage.services import moderation as moderation_services
from tests.at_once import send_at_once, send_at_once_in
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.views.staff.test_bulk_refused import (
    QUEUES,
    _chosen_reason,
    _description,
    _name,
    _note,
    _statuses,
    _summary,
    _ticked,
)
from tests.views.staff.test_bulk_refused import _send as _send_bulk
from tests.views.staff.test_entry_refused import _left_as, _send
from tests.views.test_page_structure import _problems

NOUNS = {"wishes": "entry", "photos": "photo", "comments": "comment"}
SECTIONS = {"wishes": "entry", "photos": "photo", "comments": "comment"}
DECIDE = {
    "wishes": (wish_views, "decide"),
    "photos": (photo_views, "decide_photos"),
    "comments": (comment_views, "decide_comments"),
}
# Visitors report published wishes and photos; comments cannot be reported.
reportable = pytest.mark.parametrize("queue", ["photos", "wishes"], indirect=True)


@pytest.fixture(params=sorted(QUEUES))
def queue(request, app):
    """Four entries waiting in one queue: (kind, entries, model, the queue's address)."""
    make, model = QUEUES[request.param]
    entries, address = make()
    db.session.commit()
    return request.param, entries, model, address


@pytest.fixture
def colleague(app):
    """A second officer, Sam Second, signed in on a client of their own."""
    other = app.test_client()
    user = make_staff("officer", email="second@example.org")
    user.name = "Sam Second"
    db.session.commit()
    sign_in(other, user)
    return other


def _decided(client, address: str, entry, action: str = "approve", **data) -> None:
    """An officer decides on the entry from the queue page opened now."""
    page = client.get(address).text
    sent = _send(client, page, f"reason-{entry.id}", action=action, **data)
    assert sent.status_code == 303


def _report_url(kind: str, entry_id: int) -> str:
    if kind == "wishes":
        return f"/consultations/derby/wishes/{entry_id}/report"
    return f"/competitions/pics/photos/{entry_id}/report"


def _reported(app, kind: str, entry) -> None:
    """A visitor reports the published entry: it is back in the queue."""
    visitor = app.test_client()
    url = _report_url(kind, entry.id)
    form = hidden_fields(visitor.get(url).text)
    assert visitor.post(url, data={**form, "reason": "It names my neighbour"}).status_code == 303


def _token_only(client, address: str) -> dict[str, str]:
    """The form's token, and nothing of what the page showed of its entries."""
    return {"csrf_token": hidden_fields(client.get(address).text)["csrf_token"]}


def _said(kind: str, entry, history: str) -> str:
    return f"1 {NOUNS[kind]} was decided after you opened this page: {_name(entry)} ({history}"


@reportable
def test_an_entry_decided_and_reported_back_since_is_not_decided_from_the_page_before(
    app, client, login_as, queue, colleague
):
    """The note is over its limit too: the officer is told first that the entry was decided,
    where they were told to shorten the note, and the entry's form came back filled in on a
    page that let them overwrite the colleague's decision once they had."""
    kind, entries, model, address = queue
    entry = entries[1]
    login_as("officer")
    mine = client.get(address).text
    _decided(colleague, address, entry)
    _reported(app, kind, entry)
    note = "Names a neighbour " + "é" * 500
    response = _send(client, mine, f"reason-{entry.id}", action="reject", reason="personal_data",
                     note=note)  # fmt: skip
    assert response.status_code == 409
    back = response.text
    [(message, link)] = _summary(back)
    assert message.startswith(_said(kind, entry, "approved by Sam Second at "))
    assert ", then reported by a visitor at " in message
    assert message.endswith("Check where it stands and decide again if you need to.")
    assert link == f"#{SECTIONS[kind]}-{entry.id}"
    # Back in the queue as it stands now: its form as for any entry, the note given back.
    assert "Published, reported" in back
    assert _left_as(back, entry.id) == (None, "")
    assert _description(back) == f"Your decision was not saved.\nYour note, not saved: {note}"
    assert _problems(back) == []
    assert _statuses(model)[entry.id] == "approved"
    # Decided again from the page that shows where it stands: taken, as the officer chose.
    done = _send(client, back, f"reason-{entry.id}", action="reject", reason="personal_data",
                 note="Names a neighbour")  # fmt: skip
    assert done.status_code == 303
    assert _statuses(model)[entry.id] == "rejected"


@reportable
def test_a_bulk_decision_leaves_an_entry_decided_and_reported_back_since_unticked(
    app, client, login_as, queue, colleague
):
    kind, entries, model, address = queue
    login_as("officer")
    mine = client.get(address).text
    _decided(colleague, address, entries[1])
    _reported(app, kind, entries[1])
    note = "Adverts " + "é" * 500
    response = _send_bulk(client, mine, [entries[1].id, entries[2].id], action="reject",
                          reason="spam", note=note)  # fmt: skip
    assert response.status_code == 409
    back = response.text
    [(message, link)] = _summary(back)
    assert message.startswith(_said(kind, entries[1], "approved by Sam Second at "))
    assert link is None
    assert _ticked(back) == {entries[2].id}
    assert (_chosen_reason(back), _note(back)) == ("spam", note)
    assert _problems(back) == []
    # Sent again with a shorter note: the entry still ticked is decided, the other stands.
    done = _send_bulk(client, back, _ticked(back), action="reject", reason="spam", note="Adverts")
    assert done.status_code == 303
    statuses = _statuses(model)
    assert (statuses[entries[1].id], statuses[entries[2].id]) == ("approved", "rejected")


def test_a_colleague_s_decision_logged_with_an_earlier_time_is_not_overwritten(
    client, login_as, queue, colleague, monkeypatch
):
    """The colleague's decision is in the log with a time before the page was made (their
    server's clock is behind, or it was saved just after the page was made): what counts is
    that the page did not show it."""
    kind, entries, model, address = queue
    entry = entries[0]
    login_as("officer")
    mine = client.get(address).text
    behind = utcnow() - timedelta(minutes=2)
    with monkeypatch.context() as clock:
        clock.setattr(moderation_services, "utcnow", lambda: behind)
        _decided(colleague, address, entry)
    response = _send(client, mine, f"reason-{entry.id}", action="reject", reason="spam",
                     note="Adverts")  # fmt: skip
    assert response.status_code == 409
    [(message, _link)] = _summary(response.text)
    assert message.startswith(_said(kind, entry, "approved by Sam Second at "))
    assert _statuses(model)[entry.id] == "approved"


@reportable
def test_a_decision_sent_again_after_a_colleague_s_is_refused_not_said_done(
    app, client, login_as, queue, colleague
):
    """The officer approved the entry; a visitor reported it and a colleague rejected it;
    the officer's approval, sent again from the page they decided from (a second tab, the
    back button), was said to be done while the entry stayed rejected."""
    kind, entries, model, address = queue
    entry = entries[0]
    login_as("officer")
    mine = client.get(address).text
    assert _send(client, mine, f"reason-{entry.id}", action="approve").status_code == 303
    _reported(app, kind, entry)
    _decided(colleague, address, entry, action="reject", reason="offensive")
    response = _send(client, mine, f"reason-{entry.id}", action="approve")
    assert response.status_code == 409
    [(message, _link)] = _summary(response.text)
    assert message.startswith(_said(kind, entry, "approved by you at "))
    assert ", then reported by a visitor at " in message
    assert ", then rejected by Sam Second at " in message
    assert _statuses(model)[entry.id] == "rejected"


def test_approving_a_flagged_entry_sent_twice_is_taken_once(client, login_as, queue):
    """The entry's reason box starts on its flag's kind, which the approval sends too: sent
    again (a double click), it was refused as a decision taken since the page was made."""
    kind, entries, model, address = queue
    entry = entries[0]
    db.session.add(Flag(entry_type=model.entry_type, entry_id=entry.id, kind="spam", detail="x"))
    db.session.commit()
    login_as("officer")
    page = client.get(address).text
    assert _left_as(page, entry.id) == ("spam", "")
    first = _send(client, page, f"reason-{entry.id}", action="approve", reason="spam")
    again = _send(client, page, f"reason-{entry.id}", action="approve", reason="spam")
    assert first.status_code == again.status_code == 303
    assert f"Approved: 1 {NOUNS[kind]}" in client.get(again.location).text
    assert db.session.query(ModerationDecision).count() == 1


@reportable
def test_a_form_that_does_not_say_what_was_seen_does_not_overwrite_a_decision(
    app, client, login_as, queue, colleague
):
    """A decision that does not say what its page showed of the entry (a page opened before
    the forms said it, or a form made by hand) is taken only on an entry never decided."""
    kind, entries, model, address = queue
    _decided(colleague, address, entries[0])
    _reported(app, kind, entries[0])
    login_as("officer")
    data = {"entry_ids": str(entries[0].id), "action": "reject", "reason": "spam"}
    response = client.post(address, data={**_token_only(client, address), **data})
    assert response.status_code == 409
    [(message, _link)] = _summary(response.text)
    assert message.startswith(_said(kind, entries[0], "approved by Sam Second at "))
    assert _statuses(model)[entries[0].id] == "approved"
    data = {"entry_ids": str(entries[1].id), "action": "approve"}
    assert client.post(address, data={**_token_only(client, address), **data}).status_code == 303
    assert _statuses(model)[entries[1].id] == "approved"


def test_two_decisions_on_one_entry_sent_at_once_are_not_both_taken(
    client, login_as, queue, colleague, monkeypatch
):
    """Two officers decide on the same entry at the same moment: the second waits for the
    first, and is told of it, where both were taken and the second overwrote the first."""
    kind, entries, model, address = queue
    field = f"reason-{entries[0].id}"
    login_as("officer")
    mine, theirs = client.get(address).text, colleague.get(address).text
    sends = [
        lambda: _send(client, mine, field, action="reject", reason="spam", note="Adverts"),
        lambda: _send(colleague, theirs, field, action="approve"),
    ]
    answers = send_at_once(monkeypatch, *DECIDE[kind], sends)
    assert sorted(a.status_code for a in answers) == [303, 409]
    refused = next(a for a in answers if a.status_code == 409).text
    assert "was decided after you opened this page" in _summary(refused)[0][0]
    db.session.rollback()  # end this test's own read, to see what the two requests left
    decisions = db.session.query(ModerationDecision).all()
    assert len(decisions) == 1
    expected = "rejected" if decisions[0].action == "reject" else "approved"
    assert _statuses(model)[entries[0].id] == expected


@reportable
def test_a_report_sent_as_an_officer_rejects_the_entry_does_not_put_it_back(
    app, client, login_as, queue, colleague, monkeypatch
):
    """A visitor reports a published entry at the moment an officer rejects it: the report
    waits for the rejection and the visitor is told the entry is no longer there, where the
    rejected entry came back to the queue as "Published, reported", for the next officer to
    publish again thinking it was."""
    kind, entries, model, address = queue
    entry_id = entries[0].id
    _decided(colleague, address, entries[0])
    _reported(app, kind, entries[0])
    login_as("officer")
    mine = client.get(address).text
    visitor = app.test_client()
    url = _report_url(kind, entry_id)
    form = {**hidden_fields(visitor.get(url).text), "reason": "Still names my neighbour"}
    sends = [
        lambda: _send(client, mine, f"reason-{entry_id}", action="reject", reason="offensive"),
        lambda: visitor.post(url, data=form),
    ]
    places = [DECIDE[kind], (moderation_services, "report_entry")]
    rejected, reported = send_at_once_in(monkeypatch, places, sends)
    db.session.rollback()  # end this test's own read, to see what the two requests left
    entry = db.session.get(model, entry_id)
    if rejected.status_code == 303:
        # The report is refused once the rejection is saved (on SQLite, which lets one
        # request write at a time, the entry is found unpublished: not found).
        assert reported.status_code in (404, 409)
        if reported.status_code == 409:
            assert "This can no longer be reported" in reported.text
        assert (entry.status, entry.reported_at) == ("rejected", None)
        assert f'id="select-{entry_id}"' not in client.get(address).text
    else:  # the report was saved first (SQLite): the officer is told of it, nothing rejected
        assert (rejected.status_code, reported.status_code) == (409, 303)
        assert "(reported by a visitor at " in _summary(rejected.text)[0][0]
        assert entry.status == "approved" and entry.reported_at is not None
