"""A bulk decision the queue refuses (no reason, "other" without a note, a note over the limit,
nothing ticked, entries decided since) comes back as the same queue page, filter and page
number, with the message in the error summary (linked to the field to change), the boxes the
officer ticked still ticked and the reason and note they chose: sent again with the missing
part, it decides those entries. Wishes, photos and comments alike, without JavaScript."""

import html
import re

import pytest
from werkzeug.datastructures import MultiDict

from engage.extensions import db
from engage.models import Comment, ModerationDecision, ModerationStatus, PhotoEntry, Wish
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.factories import make_consultation, make_wish
from tests.photo_factories import make_competition, make_photo_entry
from tests.strategy_factories import make_comment, make_strategy
from tests.views.test_page_structure import _problems

PENDING = ModerationStatus.PENDING


def _wishes():
    consultation = make_consultation(slug="derby")
    make_wish(make_consultation(slug="leeds"), text="Elsewhere", status=PENDING)
    texts = ["More buses", "A new park", "Fix the lights", "Bins on Sunday"]
    return [make_wish(consultation, text=t, status=PENDING) for t in texts], (
        f"/staff/queue?consultation={consultation.id}"
    )


def _photos():
    competition = make_competition(slug="pics")
    make_photo_entry(make_competition(slug="other"), title="Elsewhere", status=PENDING)
    titles = ["Trees", "Pond", "Mural", "Allotments"]
    entries = [make_photo_entry(competition, title=t, status=PENDING) for t in titles]
    return entries, f"/staff/queue/photos?competition={competition.id}"


def _comments():
    priority = make_strategy(make_consultation(slug="derby")).versions[0].priorities[0]
    texts = ["Youth clubs", "Later buses", "More trees", "Quiet roads"]
    return [make_comment(priority, t, status=PENDING) for t in texts], "/staff/comments/queue"


QUEUES = {
    "wishes": (_wishes, Wish),
    "photos": (_photos, PhotoEntry),
    "comments": (_comments, Comment),
}


@pytest.fixture(params=sorted(QUEUES))
def queue(request, app, monkeypatch):
    """Four entries waiting in one queue (and, where it filters, one the filter hides), shown
    two to a page: (entries, model, address of the second page)."""
    monkeypatch.setitem(app.config, "QUEUE_PER_PAGE", 2)
    make, model = QUEUES[request.param]
    entries, address = make()
    db.session.commit()
    return entries, model, address + ("&" if "?" in address else "?") + "page=2"


def _bulk_form(page: str) -> str:
    return re.search(r'<form[^>]*id="bulk".*?</form>', page, re.S).group(0)


def _send(client, page: str, ticked, **data):
    """Send the page's bulk form, to the address it names, with these boxes ticked, as a
    browser would (the page it came from as the referrer)."""
    action = html.unescape(re.search(r'action="([^"]*)"', _bulk_form(page)).group(1))
    form = MultiDict({**hidden_fields(page), **data})
    for entry_id in ticked:
        form.add("selected", str(entry_id))
    return client.post(action, data=form)


def _ticked(page: str) -> set[int]:
    boxes = re.findall(r'<input[^>]*id="select-(\d+)"[^>]*>', page)
    return {
        int(n) for n in boxes if re.search(rf'<input[^>]*id="select-{n}"[^>]*\schecked[\s>]', page)
    }


def _chosen_reason(page: str) -> str | None:
    box = _bulk_form(page).split('id="reason-bulk"')[1].split("</select>")[0]
    chosen = re.search(r'<option value="([^"]*)"\s+selected', box)
    return chosen.group(1) if chosen else None


def _note(page: str) -> str:
    box = re.search(r'<input[^>]*id="note-bulk"[^>]*>', page).group(0)
    value = re.search(r'value="([^"]*)"', box)
    return html.unescape(value.group(1)) if value else ""


def _summary(page: str) -> list[tuple[str, str | None]]:
    """The error summary's messages, each with the address it links to (None: no link)."""
    found = re.search(r'class="govuk-list govuk-error-summary__list">(.*?)</ul>', page, re.S)
    items = re.findall(r"<li>(.*?)</li>", found.group(1), re.S) if found else []
    linked = [re.search(r'<a href="([^"]*)">(.*?)</a>', item, re.S) for item in items]
    return [
        (html.unescape(a.group(2).strip()), a.group(1)) if a else (html.unescape(i.strip()), None)
        for i, a in zip(items, linked, strict=True)
    ]


def _statuses(model):
    db.session.expire_all()
    return {e.id: e.status for e in db.session.query(model)}


@pytest.mark.parametrize(
    ("data", "message", "field", "reason", "note"),
    [
        ({"reason": "", "note": "Both sent twice"}, "Choose a reason for rejecting", "reason",
         None, "Both sent twice"),
        ({"reason": "other", "note": ""}, "Add a note to say why, when the reason is “other”",
         "note", "other", ""),
        ({"reason": "other", "note": "é" * 501}, "Keep the note to 500 characters or fewer",
         "note", "other", "é" * 501),
    ],
)  # fmt: skip
def test_a_refused_bulk_rejection_keeps_the_ticks_reason_and_note(
    client, login_as, queue, data, message, field, reason, note
):
    entries, model, address = queue
    login_as("officer")
    page = client.get(address).text
    ticked = [entries[2].id, entries[3].id]
    assert _ticked(page) == set()
    response = _send(client, page, ticked, action="reject", **data)
    assert response.status_code == 400
    back = response.text
    assert _summary(back) == [(message, f"#{field}-bulk")]
    assert f'<p class="govuk-error-message" id="{field}-bulk-error">' in back
    assert "govuk-notification-banner" not in back
    assert "<title>Error: " in back
    assert _ticked(back) == set(ticked)
    assert _chosen_reason(back) == reason and _note(back) == note
    # The same page of the same filter: the entry on page 1 and the one filtered out are not.
    assert f'id="select-{entries[0].id}"' not in back and "Elsewhere" not in back
    assert _problems(back) == []
    assert set(_statuses(model).values()) == {PENDING}
    assert db.session.query(ModerationDecision).count() == 0
    # Sent again from the page shown, with the part that was missing.
    done = _send(client, back, _ticked(back), action="reject", reason="other", note="Twice")
    assert done.status_code == 303 and done.location == address
    assert "Rejected: 2 " in client.get(done.location).text
    statuses = _statuses(model)
    assert [statuses[e.id] for e in entries] == [PENDING, PENDING, "rejected", "rejected"]


def test_nothing_ticked_is_said_with_the_reason_and_note_kept(client, login_as, queue):
    entries, model, address = queue
    login_as("officer")
    page = client.get(address).text
    response = _send(client, page, [], action="reject", reason="spam", note="Adverts")
    assert response.status_code == 400
    noun = "photo" if model is PhotoEntry else "entry"
    assert _summary(response.text) == [(f"Select at least one {noun}", f"#select-{entries[2].id}")]
    assert _ticked(response.text) == set()
    assert (_chosen_reason(response.text), _note(response.text)) == ("spam", "Adverts")


def test_entries_decided_since_come_back_unticked_and_the_others_ticked(
    app, client, login_as, queue
):
    entries, model, address = queue
    login_as("officer")
    mine = client.get(address).text
    other = app.test_client()
    sign_in(other, make_staff("officer", email="second@example.org"))
    theirs = other.get(address).text
    assert _send(other, theirs, [entries[3].id], action="approve").status_code == 303
    response = _send(client, mine, [entries[2].id, entries[3].id], action="reject",
                     reason="spam", note="Adverts")  # fmt: skip
    assert response.status_code == 409
    back = response.text
    [(message, link)] = _summary(back)
    assert "was decided after you opened this page" in message and link is None
    assert _ticked(back) == {entries[2].id}
    assert (_chosen_reason(back), _note(back)) == ("spam", "Adverts")
    statuses = _statuses(model)
    assert (statuses[entries[2].id], statuses[entries[3].id]) == (PENDING, "approved")


def test_a_wish_reported_since_comes_back_to_look_at_unticked(app, client, login_as):
    """A wish approved by another officer and reported by a visitor since the page opened is
    back in the queue: shown again, it is for the officer to look at and tick again."""
    wishes, address = _wishes()
    db.session.commit()
    login_as("officer")
    mine = client.get(address).text
    other = app.test_client()
    sign_in(other, make_staff("officer", email="second@example.org"))
    assert _send(other, other.get(address).text, [wishes[0].id], action="approve").status_code
    visitor = app.test_client()
    report = f"/consultations/derby/wishes/{wishes[0].id}/report"
    form = hidden_fields(visitor.get(report).text)
    assert visitor.post(report, data={**form, "reason": "Names a neighbour"}).status_code == 303
    response = _send(client, mine, [wishes[0].id, wishes[1].id], action="approve")
    assert response.status_code == 409
    assert _summary(response.text)[0][0].startswith(
        "1 entry was decided after you opened this page"
    )
    assert "Published, reported" in response.text
    assert _ticked(response.text) == {wishes[1].id}


def _name(entry) -> str:
    """How a queue names an entry (its box's label on the queue page)."""
    if isinstance(entry, Wish):
        return f"Wish {entry.position} of {entry.submission.reference}"
    if isinstance(entry, PhotoEntry):
        return f"“{entry.title}” ({entry.reference})"
    return f"Comment {entry.submission.reference} on “{entry.priority.title}”"


def _description(page: str) -> str:
    """The words of the error summary above its list, line breaks kept."""
    said = re.search(r'class="govuk-error-summary__body">\s*<p>(.*?)</p>', page, re.S).group(1)
    return html.unescape(re.sub(r"<[^>]+>", "", said.replace("<br>", "\n"))).strip()


def _decided_by_another(app, address: str, entries) -> None:
    """Another officer approves these entries with the bulk form of the page at ``address``."""
    other = app.test_client()
    sign_in(other, make_staff("officer", email="second@example.org"))
    ids = [e.id for e in entries]
    assert _send(other, other.get(address).text, ids, action="approve").status_code == 303


def test_a_ticked_entry_moved_to_another_page_stays_ticked_by_name(app, client, login_as, queue):
    """Another officer decided the first entry after the page was opened, so the first of the
    two ticked on page 2 is now on page 1: the page that comes back lists it in the bulk form,
    named and still ticked, and sent again with a reason both are decided."""
    entries, model, address = queue
    noun = {Wish: "entry", PhotoEntry: "photo"}.get(model, "comment")
    login_as("officer")
    page = client.get(address).text
    _decided_by_another(app, address.replace("page=2", "page=1"), entries[:1])
    ticked = [entries[2].id, entries[3].id]
    response = _send(client, page, ticked, action="reject", reason="", note="Adverts")
    assert response.status_code == 400
    back = response.text
    assert _summary(back) == [("Choose a reason for rejecting", "#reason-bulk")]
    assert _description(back) == (
        "Your decision was not saved. The queue has changed since you opened the page:"
        f" 1 {noun} you ticked is now on another page, listed with the decision and still ticked."
    )
    label = re.search(rf'<label[^>]*for="select-{entries[2].id}"[^>]*>(.*?)</label>',
                      _bulk_form(back), re.S)  # fmt: skip
    assert html.unescape(label.group(1)).strip() == f"{_name(entries[2])} (now on page 1)"
    assert _ticked(back) == set(ticked)
    assert (_chosen_reason(back), _note(back)) == (None, "Adverts")
    assert _problems(back) == []
    done = _send(client, back, _ticked(back), action="reject", reason="spam", note="Adverts")
    assert done.status_code == 303 and done.location == address
    plural = "entries" if noun == "entry" else f"{noun}s"
    assert f"Rejected: 2 {plural}" in client.get(done.location).text
    statuses = _statuses(model)
    assert [statuses[e.id] for e in entries] == ["approved", PENDING, "rejected", "rejected"]


def test_a_ticked_entry_decided_since_is_named_before_a_note_over_its_limit(
    app, client, login_as, queue
):
    """One of the entries ticked was decided by another officer since the page was opened:
    that is said first, naming it, where the note over its limit was, and the officer would
    shorten it only to be told the entry was decided."""
    entries, model, address = queue
    noun = {Wish: "entry", PhotoEntry: "photo"}.get(model, "comment")
    login_as("officer")
    page = client.get(address).text
    _decided_by_another(app, address, entries[2:3])
    note = "é" * 501
    response = _send(client, page, [entries[2].id, entries[3].id], action="reject",
                     reason="other", note=note)  # fmt: skip
    assert response.status_code == 409
    back = response.text
    [(message, link)] = _summary(back)
    assert message.startswith(
        f"1 {noun} was decided after you opened this page: {_name(entries[2])} (approved by "
    )
    assert link is None
    assert _description(back) == "Your decision was not saved."
    assert _ticked(back) == {entries[3].id}
    assert (_chosen_reason(back), _note(back)) == ("other", note)
    assert _problems(back) == []
    assert _statuses(model)[entries[2].id] == "approved"


def test_the_note_of_a_bulk_decision_on_a_queue_emptied_since_is_given_back(
    app, client, login_as, queue
):
    """Every entry was decided by another officer after the page was opened, so the queue
    page that comes back has no bulk form: the ticked entries are named with what was done to
    them, and the note typed in it (over its limit too) is given back in the message."""
    entries, model, address = queue
    noun = {Wish: "entries", PhotoEntry: "photos"}.get(model, "comments")
    login_as("officer")
    page = client.get(address).text
    _decided_by_another(app, address.replace("page=2", "page=1"), entries)
    note = "Adverts <i>for</i> a shop " + "é" * 500
    response = _send(client, page, [entries[2].id, entries[3].id], action="reject",
                     reason="other", note=note)  # fmt: skip
    assert response.status_code == 409
    back = response.text
    assert 'id="bulk"' not in back and "<i>" not in back
    [(message, link)] = _summary(back)
    assert message.startswith(
        f"2 {noun} were decided after you opened this page: {_name(entries[2])} (approved by "
    )
    assert f"; {_name(entries[3])} (approved by " in message and link is None
    assert message.endswith("Check where they stand and decide again if you need to.")
    assert _description(back) == (
        f"Your decision was not saved.\nYour note, not saved: {note.strip()}"
    )
    assert _problems(back) == []
    statuses = _statuses(model)
    assert [statuses[e.id] for e in entries] == ["approved"] * 4
