"""The decide step the wish, photo and comment queues share: one entry or a bulk selection."""

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, request, url_for
from sqlalchemy import select

from engage import audit
from engage.extensions import db
from engage.models import ACTIONS, ModerationDecision
from engage.moderation.forms import NOTE_LIMIT, DecisionForm
from engage.numbers import parse_id
from engage.services.moderation import DecisionError
from engage.staff import staff_user
from engage.template_helpers import local_datetime

MAX_SELECTED = 500

# The queue page made again for a refused bulk decision: the form as sent (its reason and
# note), the ids to show ticked, and the problem (for the page's title).
ShownAgain = Callable[..., str]


def selected_ids(form: DecisionForm) -> list[int]:
    """Ids ticked in a queue, or the one entry of an entry page (at most 500)."""
    raw = request.form.getlist("selected") or (form.entry_ids.data or "").split(",")
    return sorted({n for v in raw if (n := parse_id(v.strip()))})[:MAX_SELECTED]


def queue_page(query):
    """The page of a queue the query string asks for. Past the end (its entries decided since
    it was opened) it is the last page, which said "Nothing waits" above entries that did."""
    number = max(1, min(request.args.get("page", 1, type=int), 10_000))
    per_page = current_app.config["QUEUE_PER_PAGE"]
    page = db.paginate(query, page=number, per_page=per_page, error_out=False)
    if number > page.pages > 0:
        page = db.paginate(query, page=page.pages, per_page=per_page, error_out=False)
    return page


def back_to_queue(endpoint: str) -> str:
    """The queue page the decision was sent from, with its filters and page number, or else
    the queue's first page."""
    queue = url_for(endpoint)
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path == queue:
        return queue + (f"?{referrer.query}" if referrer.query else "")
    return queue


def decide_selected(
    form: DecisionForm,
    model,
    decide: Callable,
    nouns: tuple[str, str],
    back: str,
    failed_back: str | None = None,
    extra_fields: tuple[str, ...] = (),
    refused: Callable[[list, str], dict[int, str]] | None = None,
    shown_again: ShownAgain | None = None,
):
    """Apply the form's decision to the selected ``model`` entries (a model with an
    ``entry_type``: wish, photo, comment), log it and return to ``back``.

    A selection that names unknown entries or a form that does not validate is a 400; a
    decision the service refuses is rolled back and said in a message, so nothing already
    saved changes: back at ``failed_back``, or with ``shown_again`` (a queue's bulk form) on
    the queue page made again, the boxes still ticked and the reason and note as chosen.
    ``extra_fields`` name form fields passed on to ``decide`` as keyword arguments of the
    same name (``redacted_text``). ``refused`` says which entries cannot take the decision,
    and why: they are left out, and named in the message, while the others are decided.
    """
    ids = selected_ids(form)
    found = list(db.session.scalars(select(model).where(model.id.in_(ids)))) if ids else []
    valid = form.validate_on_submit()
    if len(found) != len(ids) or (not valid and set(form.errors) != {"note"}):
        abort(400)
    not_saved = partial(_not_saved, form, set(ids), failed_back or back, shown_again)
    if not valid:  # a note pasted in over the limit: said, and nothing decided
        return not_saved(f"keep the note to {NOTE_LIMIT} characters or fewer", 400)
    action, reason = form.action.data, form.reason.data or None
    me = staff_user()
    since = decided_since(model.entry_type, ids, _seen_at())
    # The same decision sent again (a double click, a second tab) is not taken twice.
    repeated = {
        d.entry_id
        for d in since
        if d.moderator_id == me.id and (d.action, d.reason) == (action, reason)
    }
    if changed := {d.entry_id for d in since} - repeated:
        return not_saved(_changed_message(since, me, nouns), 409, untick=changed)
    already = [e for e in found if e.id in repeated]
    found = [e for e in found if e.id not in repeated]
    left_out = refused(found, action) if refused else {}
    found = [e for e in found if e.id not in left_out]
    if left_out and not (found or already):
        return not_saved("; ".join(left_out.values()), 409)
    if found or not already:
        extra = {name: getattr(form, name).data or None for name in extra_fields}
        try:
            decide(found, action, me, reason=reason, note=form.note.data or "", **extra)
        except DecisionError as error:
            db.session.rollback()
            return not_saved(error.message, error.status)
        db.session.commit()
        audit.record_decision(model.entry_type, found, action, form.reason.data)
    flash(*_outcome(action, len(found) + len(already), nouns, left_out))
    return redirect(back, 303)


def _not_saved(
    form: DecisionForm,
    ticked: set[int],
    back: str,
    shown_again: ShownAgain | None,
    message: str,
    status: int,
    untick: set[int] = frozenset(),
):
    """Say the decision was not saved, and why: on the queue page made again when there is
    one (``status``), the entries decided since it was opened left unticked for the officer
    to look at again; or else back where the form came from."""
    flash(f"Not saved: {message}", "error")
    if shown_again is None:
        return redirect(back, 303)
    return shown_again(form, ticked=ticked - untick, problem=message), status


def this_page() -> str:
    """The address of the page asked for, with its query (a queue's filters and page)."""
    return request.full_path.removesuffix("?")


def _outcome(action: str, count: int, nouns: tuple[str, str], left_out: dict[int, str]):
    """What was done, and what was left out and why: (message, category). Not a success when
    something was left out."""
    done = f"{ACTIONS[action]}: {count} {nouns[0] if count == 1 else nouns[1]}"
    if not left_out:
        return done, "message"
    return f"{done}. Not {ACTIONS[action].lower()}: {'; '.join(left_out.values())}.", "error"


def _seen_at() -> datetime | None:
    """When the page the decision came from was made (its ``seen_at`` field), if it says."""
    try:
        return datetime.fromtimestamp(float(request.form.get("seen_at", "")), UTC)
    except (ValueError, OverflowError, OSError):
        return None


def decided_since(entry_type: str, ids: list[int], seen_at: datetime | None):
    """Decisions taken on these entries after ``seen_at``: the officer did not see them."""
    if seen_at is None or not ids:
        return []
    return list(
        db.session.scalars(
            select(ModerationDecision)
            .where(
                ModerationDecision.entry_type == entry_type,
                ModerationDecision.entry_id.in_(ids),
                ModerationDecision.created_at > seen_at,
            )
            .order_by(ModerationDecision.id)
        )
    )


def _changed_message(since, me, nouns: tuple[str, str]) -> str:
    latest = {d.entry_id: d for d in since}  # the last decision on each entry
    n = len(latest)
    last = next(reversed(latest.values()))
    what = ACTIONS[last.action].lower()  # a resident's action names who: "reported by a visitor"
    if last.moderator is not None:
        what += f" by {'you' if last.moderator_id == me.id else last.moderator.name}"
    noun = nouns[0] if n == 1 else nouns[1]
    return (
        f"{n} {noun} {'was' if n == 1 else 'were'} decided after you opened this page"
        f" ({what} at {local_datetime(last.created_at)}). Check where"
        f" {'it stands' if n == 1 else 'they stand'} and decide again if you need to."
    )
