"""A decision an entry's own form sends that the queue refuses (a rejection with no reason,
"other" without a note, a note over the limit, a redacted version with no text or too much,
an entry decided since, a photo not fit to publish) comes back as the same queue page, filter
and page number (the page the entry is on now, if the queue has changed under it), with a
4xx, "Error: " in its title, the problem in the error summary linked to the field to change
and said beside it, and that entry's form as the officer left it: sent again with the missing
part, it decides the entry. Wishes, photos and comments alike, without JavaScript. Every
decision form of a queue page is sent to the page itself."""

import html
import re

import pytest

from engage.extensions import db
from engage.mail import outbox
from engage.models import ModerationDecision, ModerationStatus, PhotoEntry
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.photo_factories import make_competition, make_photo_entry
from tests.views.public.test_rights import _erase
from tests.views.staff.test_bulk_refused import (
    QUEUES,
    _chosen_reason,
    _description,
    _note,
    _statuses,
    _summary,
    _ticked,
)
from tests.views.test_page_structure import _problems

PENDING = ModerationStatus.PENDING
NOUNS = {"wishes": "entry", "photos": "photo", "comments": "comment"}


@pytest.fixture(params=sorted(QUEUES))
def queue(request, app, monkeypatch):
    """Four entries waiting in one queue (and, where it filters, one the filter hides), shown
    two to a page: (kind, entries, model, address of the second page)."""
    monkeypatch.setitem(app.config, "QUEUE_PER_PAGE", 2)
    make, model = QUEUES[request.param]
    entries, address = make()
    db.session.commit()
    return request.param, entries, model, address + ("&" if "?" in address else "?") + "page=2"


def _forms(page: str) -> list[tuple[str, str]]:
    """Each form the page sends by POST: (the address it names, what is inside it)."""
    found = re.findall(r'<form method="post" action="([^"]*)"[^>]*>(.*?)</form>', page, re.S)
    return [(html.unescape(action), body) for action, body in found]


def _own_form(page: str, field_id: str) -> tuple[str, str]:
    """The form of an entry that holds the field with this id ("reason-12": its Approve and
    Reject form; "redacted-12": its redacted version)."""
    forms = [(action, body) for action, body in _forms(page) if f'id="{field_id}"' in body]
    assert len(forms) == 1, field_id
    return forms[0]


def _send(client, page: str, field_id: str, **data):
    """Send an entry's own form as a browser would: to the address it names, with its hidden
    fields (when the page was made, the entry's id, the token) and what the officer chose."""
    action, body = _own_form(page, field_id)
    hidden = re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', body)
    return client.post(action, data={**hidden_fields(body), **dict(hidden), **data})


def _left_as(page: str, entry_id: int) -> tuple[str | None, str]:
    """The reason chosen and the note typed in an entry's Approve and Reject form."""
    body = _own_form(page, f"reason-{entry_id}")[1]
    options = body.split(f'id="reason-{entry_id}"')[1].split("</select>")[0]
    chosen = re.search(r'<option value="([^"]*)"\s+selected', options)
    box = re.search(rf'<input[^>]*id="note-{entry_id}"[^>]*>', body).group(0)
    value = re.search(r'value="([^"]*)"', box)
    return chosen.group(1) if chosen else None, html.unescape(value.group(1)) if value else ""


def _said_beside(page: str, field_id: str) -> str:
    """The error message beside a field, which the field names in its aria-describedby."""
    said = re.search(rf'<p class="govuk-error-message" id="{field_id}-error">(.*?)</p>', page, re.S)
    described = re.search(rf'<[^>]*id="{field_id}"[^>]*aria-describedby="([^"]*)"', page)
    assert f"{field_id}-error" in described.group(1).split()
    return html.unescape(re.sub(r"<[^>]+>", "", said.group(1))).removeprefix("Error:").strip()


@pytest.mark.parametrize(
    ("data", "message", "field", "left"),
    [
        ({"reason": "", "note": "Sent twice"}, "Choose a reason for rejecting", "reason",
         (None, "Sent twice")),
        ({"reason": "other", "note": ""}, "Add a note to say why, when the reason is “other”",
         "note", ("other", "")),
        ({"reason": "other", "note": "é" * 501}, "Keep the note to 500 characters or fewer",
         "note", ("other", "é" * 501)),
    ],
)  # fmt: skip
def test_a_refused_rejection_of_one_entry_keeps_its_reason_and_note(
    client, login_as, queue, data, message, field, left
):
    kind, entries, model, address = queue
    login_as("officer")
    page = client.get(address).text
    entry, neighbour = entries[3], entries[2]
    response = _send(client, page, f"reason-{entry.id}", action="reject", **data)
    assert response.status_code == 400
    back = response.text
    assert "<title>Error: " in back
    assert _summary(back) == [(message, f"#{field}-{entry.id}")]
    assert _said_beside(back, f"{field}-{entry.id}") == message
    assert _left_as(back, entry.id) == left
    # The rest of the page as it was: its neighbour's form, the bulk form, no box ticked.
    assert _left_as(back, neighbour.id) == _left_as(page, neighbour.id)
    assert (_chosen_reason(back), _note(back), _ticked(back)) == (None, "", set())
    assert "govuk-notification-banner" not in back
    # The same page of the same filter: the entry on page 1 and the one filtered out are not.
    assert f'id="select-{entries[0].id}"' not in back and "Elsewhere" not in back
    assert _problems(back) == []
    assert set(_statuses(model).values()) == {PENDING}
    assert db.session.query(ModerationDecision).count() == 0
    # Sent again from the page shown, with the part that was missing.
    done = _send(client, back, f"reason-{entry.id}", action="reject", reason="other",
                 note="Sent twice")  # fmt: skip
    assert done.status_code == 303 and done.location == address
    assert f"Rejected: 1 {NOUNS[kind]}" in client.get(done.location).text
    statuses = _statuses(model)
    assert [statuses[e.id] for e in entries] == [PENDING, PENDING, PENDING, "rejected"]


@pytest.mark.parametrize("queue", ["wishes", "comments"], indirect=True)  # photos have none
@pytest.mark.parametrize("too_long", [False, True])
def test_a_refused_redacted_version_comes_back_open_with_its_text(
    client, login_as, queue, too_long
):
    kind, entries, model, address = queue
    login_as("officer")
    page = client.get(address).text
    entry = entries[3]
    limit = int(re.search(rf'id="redacted-{entry.id}"[^>]*maxlength="(\d+)"', page).group(1))
    text = ("Call me on [phone number removed] " * limit)[: limit + 1] if too_long else ""
    response = _send(client, page, f"redacted-{entry.id}", action="approve_redacted",
                     redacted_text=text)  # fmt: skip
    assert response.status_code == 400
    back = response.text
    message = (
        f"Keep the text to publish to {limit:,} characters or fewer"
        if too_long
        else "A redacted version needs its text, for one entry at a time"
    )
    assert "<title>Error: " in back
    assert _summary(back) == [(message, f"#redacted-{entry.id}")]
    assert _said_beside(back, f"redacted-{entry.id}") == message
    box = re.search(rf'<textarea[^>]*id="redacted-{entry.id}"[^>]*>(.*?)</textarea>', back, re.S)
    assert html.unescape(box.group(1)) == text.strip()
    opened = re.findall(r"<details([^>]*)>", back)
    assert [" open" in attributes for attributes in opened] == [False, True]
    # The entry's Approve and Reject form is as it was.
    assert _left_as(back, entry.id) == _left_as(page, entry.id)
    assert _problems(back) == []
    assert set(_statuses(model).values()) == {PENDING}
    done = _send(client, back, f"redacted-{entry.id}", action="approve_redacted",
                 redacted_text="Call me on [phone number removed]")  # fmt: skip
    assert done.status_code == 303 and done.location == address
    db.session.expire_all()
    decided = db.session.get(model, entry.id)
    assert (decided.status, decided.redacted_text) == (
        "approved",
        "Call me on [phone number removed]",
    )


def test_an_entry_decided_since_is_said_and_the_page_shows_where_things_stand(
    app, client, login_as, queue
):
    """Another officer approved the entry after the page was opened: it has left the queue,
    so the message links to nothing on the page, and the decision stands."""
    kind, entries, model, address = queue
    login_as("officer")
    mine = client.get(address).text
    other = app.test_client()
    sign_in(other, make_staff("officer", email="second@example.org"))
    theirs = other.get(address).text
    assert _send(other, theirs, f"reason-{entries[3].id}", action="approve").status_code == 303
    response = _send(client, mine, f"reason-{entries[3].id}", action="reject", reason="spam",
                     note="Adverts")  # fmt: skip
    assert response.status_code == 409
    back = response.text
    assert "<title>Error: " in back
    [(message, link)] = _summary(back)
    assert message.startswith(f"1 {NOUNS[kind]} was decided after you opened this page")
    assert link is None and f'id="reason-{entries[3].id}"' not in back
    assert _problems(back) == []
    assert _statuses(model)[entries[3].id] == "approved"


def _decided_by_another(app, address: str, entries: list) -> None:
    """Another officer approves these entries, one at a time, from the first page."""
    other = app.test_client()
    sign_in(other, make_staff("officer", email="second@example.org"))
    for entry in entries:
        theirs = other.get(address).text
        assert _send(other, theirs, f"reason-{entry.id}", action="approve").status_code == 303


@pytest.mark.parametrize(
    ("per_page", "opened", "decided"),
    [(2, 2, 1), (1, 3, 2)],
    ids=["now-on-an-earlier-page", "page-opened-gone"],
)
def test_a_refused_entry_moved_to_another_page_is_shown_with_the_note(
    app, client, login_as, monkeypatch, queue, per_page, opened, decided
):
    """Entries before it were decided by another officer between the page opening and the
    decision being sent, so the entry is now on an earlier page (and the page it was on may
    be gone): the page it is on now comes back, with its form as the officer left it."""
    kind, entries, model, address = queue
    monkeypatch.setitem(app.config, "QUEUE_PER_PAGE", per_page)
    address = address.replace("page=2", f"page={opened}")
    login_as("officer")
    page = client.get(address).text
    entry = entries[2]
    assert f'id="reason-{entry.id}"' in page
    _decided_by_another(app, address.replace(f"page={opened}", "page=1"), entries[:decided])
    response = _send(client, page, f"reason-{entry.id}", action="reject", reason="",
                     note="Advert for a shop")  # fmt: skip
    assert response.status_code == 400
    back = response.text
    message = "Choose a reason for rejecting"
    assert "<title>Error: " in back
    assert _summary(back) == [(message, f"#reason-{entry.id}")]
    description = re.search(r'class="govuk-error-summary__body">\s*<p>(.*?)</p>', back, re.S)
    assert description.group(1).strip() == (
        "Your decision was not saved. The queue has changed since you opened the page:"
        f" this {NOUNS[kind]} is now on page 1, shown here."
    )
    assert _said_beside(back, f"reason-{entry.id}") == message
    assert _left_as(back, entry.id) == (None, "Advert for a shop")
    assert _problems(back) == []
    statuses = _statuses(model)
    assert [statuses[e.id] for e in entries] == ["approved"] * decided + [PENDING] * (4 - decided)
    # Sent again from the page shown, with a reason: back to the address it was sent to.
    done = _send(client, back, f"reason-{entry.id}", action="reject", reason="spam",
                 note="Advert for a shop")  # fmt: skip
    assert done.status_code == 303 and done.location == address
    assert _statuses(model)[entry.id] == "rejected"


def test_a_photo_not_fit_to_publish_is_said_in_its_own_form(client, login_as):
    competition = make_competition(slug="pics")
    entry = make_photo_entry(competition, title="Pond", alt_text=" ", status=PENDING)
    db.session.commit()
    login_as("officer")
    page = client.get("/staff/queue/photos").text
    response = _send(client, page, f"reason-{entry.id}", action="approve", note="Looks fine")
    assert response.status_code == 409
    back = response.text
    message = f"{entry.reference} “Pond” has no description for people who cannot see it"
    assert "<title>Error: " in back
    assert _summary(back) == [(message, f"#photo-{entry.id}")]
    # Said above the photo's buttons, which name it as they name the photo.
    own = _own_form(back, f"reason-{entry.id}")[1]
    said = re.search(rf'<p class="govuk-error-message" id="decide-{entry.id}-error">(.*?)</p>', own)
    assert html.unescape(said.group(1)).endswith(f"</span> {message}")
    assert own.count(f'aria-describedby="photo-{entry.id}-heading decide-{entry.id}-error"') == 2
    assert _left_as(back, entry.id) == (None, "Looks fine")
    assert _problems(back) == []
    db.session.expire_all()
    assert db.session.get(PhotoEntry, entry.id).status == PENDING


def test_every_decision_form_is_sent_to_the_queue_page_itself(client, login_as, queue):
    kind, entries, model, address = queue
    login_as("officer")
    page = client.get(address).text
    decisions = [action for action, body in _forms(page) if 'name="action"' in body]
    # The bulk form, and each entry's Approve and Reject form (and redacted version).
    assert len(decisions) == (3 if kind == "photos" else 5)
    assert set(decisions) == {address}
    token = hidden_fields(page)
    old = {"wishes": "/staff/queue/decide", "photos": "/staff/queue/photos/decide",
           "comments": "/staff/comments/decide"}[kind]  # fmt: skip
    data = {**token, "entry_ids": str(entries[3].id), "action": "approve"}
    assert client.post(old, data=data).status_code == 404


@pytest.mark.parametrize(
    "note",
    ["Adverts for <b>a shop</b> & more", "Advert <b>" + "é" * 500],
    ids=["decided-since", "and-over-its-limit"],
)
def test_a_note_on_an_entry_decided_since_is_given_back(app, client, login_as, queue, note):
    """Another officer approved the entry after the page was opened, so its form is not shown
    again: the note the officer typed is given back in the message, as typed. That the entry
    was decided is said first, even of a note over its limit, which the officer would
    otherwise shorten only to be told the entry was decided."""
    kind, entries, model, address = queue
    login_as("officer")
    mine = client.get(address).text
    _decided_by_another(app, address, entries[3:])
    response = _send(client, mine, f"reason-{entries[3].id}", action="reject", reason="other",
                     note=note)  # fmt: skip
    assert response.status_code == 409
    back = response.text
    [(said, link)] = _summary(back)
    assert said.startswith(f"1 {NOUNS[kind]} was decided after you opened this page: ")
    assert link is None
    assert f'id="reason-{entries[3].id}"' not in back
    assert _description(back) == f"Your decision was not saved.\nYour note, not saved: {note}"
    assert "<b>" not in back
    assert _problems(back) == []
    assert _statuses(model)[entries[3].id] == "approved"


@pytest.mark.parametrize("queue", ["wishes", "comments"], indirect=True)  # photos have none
@pytest.mark.parametrize("too_long", [False, True])
def test_a_redacted_text_for_an_entry_decided_since_is_given_back(
    app, client, login_as, queue, too_long
):
    kind, entries, model, address = queue
    login_as("officer")
    mine = client.get(address).text
    limit = int(re.search(rf'id="redacted-{entries[3].id}"[^>]*maxlength="(\d+)"', mine).group(1))
    _decided_by_another(app, address, entries[3:])
    text = "Call me on [phone number removed]\nor at <the shop>" + " x" * (limit * too_long)
    response = _send(client, mine, f"redacted-{entries[3].id}", action="approve_redacted",
                     redacted_text=text)  # fmt: skip
    assert response.status_code == 409
    back = response.text
    assert "was decided after you opened this page" in _summary(back)[0][0]
    assert f'id="redacted-{entries[3].id}"' not in back
    assert _description(back) == (
        f"Your decision was not saved.\nYour text to publish, not saved: {text}"
    )
    assert _problems(back) == []
    db.session.expire_all()
    assert db.session.get(model, entries[3].id).redacted_text is None


@pytest.mark.parametrize("note", ["Shows a car’s number plate", "Shows a plate " + "é" * 500])
def test_a_note_on_a_photo_its_entrant_withdrew_is_given_back(app, client, login_as, note):
    competition = make_competition(slug="pics")
    entry = make_photo_entry(competition, title="Pond", status=PENDING, email="jo@example.org")
    db.session.commit()
    login_as("officer")
    page = client.get("/staff/queue/photos").text
    outbox(app).clear()
    assert "We withdrew your photo entry" in _erase(
        app.test_client(), app, entry.reference, "jo@example.org"
    )
    response = _send(client, page, f"reason-{entry.id}", action="reject", reason="other",
                     note=note)  # fmt: skip
    assert response.status_code == 409
    back = response.text
    assert "(withdrawn by the entrant at " in _summary(back)[0][0]
    assert _description(back) == f"Your decision was not saved.\nYour note, not saved: {note}"
    db.session.expire_all()
    assert db.session.get(PhotoEntry, entry.id).status_reason == "withdrawn"
