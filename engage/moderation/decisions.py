"""The decide step the wish, photo and comment queues share: one entry or a bulk selection."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from flask import abort, current_app, flash, redirect, request
from sqlalchemy import select

from engage import audit
from engage.extensions import db
from engage.models import ACTIONS, ModerationDecision
from engage.moderation.forms import DecisionForm
from engage.numbers import parse_id
from engage.services.moderation import DecisionError
from engage.staff import staff_user
from engage.template_helpers import local_datetime

MAX_SELECTED = 500


@dataclass(frozen=True)
class Refusal:
    """A decision not saved, said on the queue page made again: why, the field to change
    ("selected", "reason", "note", "redacted_text", or None), the entry whose own form was sent
    (None for the bulk form), the entries to show ticked again in the bulk form and what the
    officer typed in the form sent ((label, text) pairs), given back when that form is not on
    the page made again."""

    message: str
    field: str | None = None
    entry_id: int | None = None
    ticked: frozenset[int] = frozenset()
    typed: tuple[tuple[str, str], ...] = ()


# The queue page made again for a refused decision: the form as sent (its reason, note and
# text to publish) and the refusal, which says which of the page's forms it came from.
ShownAgain = Callable[[DecisionForm, Refusal], str]


def selected_ids(form: DecisionForm) -> list[int]:
    """Ids ticked in a queue, or the one entry of an entry's own form (at most 500)."""
    raw = request.form.getlist("selected") or (form.entry_ids.data or "").split(",")
    return sorted({n for v in raw if (n := parse_id(v.strip()))})[:MAX_SELECTED]


def queue_page(query, refusal: Refusal | None = None):
    """The page of a queue the query string asks for. Past the end (its entries decided since
    it was opened) it is the last page, which said "Nothing waits" above entries that did.
    For a refused decision on one entry that still waits, it is the page the entry is on now:
    entries decided since may have moved it to an earlier page, where its form as the officer
    left it would not be shown."""
    page = _paginate(query, _page_asked())
    if number := _page_of(query, refusal.entry_id if refusal else None, page):
        page = _paginate(query, number)
    return page


def _page_asked() -> int:
    return max(1, min(request.args.get("page", 1, type=int), 10_000))


def _paginate(query, number: int):
    per_page = current_app.config["QUEUE_PER_PAGE"]
    page = db.paginate(query, page=number, per_page=per_page, error_out=False)
    if number > page.pages > 0:
        page = db.paginate(query, page=page.pages, per_page=per_page, error_out=False)
    return page


def _page_of(query, entry_id: int | None, page) -> int | None:
    """The number of the page of the queue an entry is on, when it is not on ``page``
    (None: it is, or it no longer waits in this queue)."""
    if entry_id is None or entry_id in {e.id for e in page.items}:
        return None
    return _pages_of(query, {entry_id}).get(entry_id)


def _pages_of(query, ids) -> dict[int, int]:
    """The number of the page each of these entries is on, for those that still wait in the
    queue, in the queue's order."""
    model = query.column_descriptions[0]["entity"]
    waiting = db.session.scalars(query.with_only_columns(model.id))
    per_page = current_app.config["QUEUE_PER_PAGE"]
    return {n: i // per_page + 1 for i, n in enumerate(waiting) if n in ids}


def refusal_context(refusal: Refusal | None, page, query) -> dict:
    """What a queue page's template needs to show a refused decision (None: there is none):
    ``moved_to``, the number of the page shown when the entry decided on is on it but the
    officer sent its form from another page; ``elsewhere``, the entries ticked in the bulk
    form that the queue now has on another page, each with its number, to list them still
    ticked; ``gone``, those ticked that no longer wait, to name them as left out; ``lost``,
    what the officer typed in a form that is not on the page, to give it back."""
    if refusal is None:
        return {
            "refusal": None,
            "problem": None,
            "moved_to": None,
            "elsewhere": [],
            "gone": [],
            "lost": (),
        }
    on_page = {e.id for e in page.items}
    moved = refusal.entry_id in on_page and page.page != _page_asked()
    form_shown = refusal.entry_id in on_page if refusal.entry_id is not None else bool(on_page)
    elsewhere, gone = _ticked_off_page(query, refusal.ticked - on_page)
    return {
        "refusal": refusal,
        "problem": refusal.message,
        "moved_to": page.page if moved else None,
        "elsewhere": elsewhere,
        "gone": gone,
        "lost": () if form_shown else refusal.typed,
    }


def _ticked_off_page(query, ids: set[int]) -> tuple[list, list]:
    """The ticked entries not on the page shown: those still waiting, with the number of the
    page each is on now (in the queue's order), and those no longer waiting."""
    if not ids:
        return [], []
    model = query.column_descriptions[0]["entity"]
    entries = {e.id: e for e in db.session.scalars(select(model).where(model.id.in_(ids)))}
    pages = _pages_of(query, ids)
    gone = [entries[n] for n in sorted(ids - pages.keys()) if n in entries]
    return [(entries[n], number) for n, number in pages.items()], gone


def decide_selected(
    form: DecisionForm,
    model,
    decide: Callable,
    nouns: tuple[str, str],
    shown_again: ShownAgain,
    extra_fields: tuple[str, ...] = (),
    refused: Callable[[list, str], dict[int, str]] | None = None,
):
    """Apply the decision of one of a queue page's forms (the bulk form, or an entry's own) to
    the selected ``model`` entries (a model with an ``entry_type``: wish, photo, comment), log
    it and return to the same page, with its filters and page number.

    A selection that names unknown entries, or a form altered beyond what a browser sends, is
    a 400. A decision refused (a reason or note missing, a note over its limit, entries
    decided since the page was opened) is rolled back, so nothing already saved changes, and
    the page is made again with ``shown_again``: the form the officer sent as they left it and
    the problem said at the field to change. ``extra_fields`` name form fields passed on to
    ``decide`` as keyword arguments of the same name (``redacted_text``). ``refused`` says
    which entries cannot take the decision, and why: they are left out, and named in the
    message, while the others are decided.
    """
    ids = selected_ids(form)
    found = list(db.session.scalars(select(model).where(model.id.in_(ids)))) if ids else []
    valid = form.validate_on_submit()
    if len(found) != len(ids) or (not valid and set(form.errors) - {"note", *extra_fields}):
        abort(400)
    not_saved = partial(_not_saved, form, shown_again, *_sent_from(form, ids))
    if not valid:  # a note or a text pasted in over its limit: said, and nothing decided
        field, errors = next(iter(form.errors.items()))
        return not_saved(errors[0], 400, field)
    me = staff_user()
    since = decided_since(model.entry_type, ids, _seen_at())
    # The same decision sent again (a double click, a second tab) is not taken twice.
    same = (form.action.data, form.reason.data or None)
    repeated = {d.entry_id for d in since if (d.moderator_id, d.action, d.reason) == (me.id, *same)}
    if changed := {d.entry_id for d in since} - repeated:
        return not_saved(_changed_message(since, me, nouns), 409, untick=changed)
    already = [e for e in found if e.id in repeated]
    found = [e for e in found if e.id not in repeated]
    left_out = refused(found, form.action.data) if refused else {}
    found = [e for e in found if e.id not in left_out]
    if left_out and not (found or already):
        return not_saved("; ".join(left_out.values()), 409)
    if found or not already:
        try:
            _decide(form, model, decide, found, me, extra_fields)
        except DecisionError as error:
            db.session.rollback()
            return not_saved(error.message, error.status, error.field)
    flash(*_outcome(form.action.data, len(found) + len(already), nouns, left_out))
    return redirect(this_page(), 303)


def _decide(form: DecisionForm, model, decide: Callable, found: list, me, extra_fields) -> None:
    """Take the decision on the entries found, commit it and put it in the audit log."""
    extra = {name: getattr(form, name).data or None for name in extra_fields}
    action, reason = form.action.data, form.reason.data or None
    decide(found, action, me, reason=reason, note=form.note.data or "", **extra)
    db.session.commit()
    audit.record_decision(model.entry_type, found, action, form.reason.data)


def _sent_from(form: DecisionForm, ids: list[int]) -> tuple[int | None, frozenset[int]]:
    """The entry whose own form was sent, or None and the entries ticked in the bulk form."""
    if form.entry_ids.data and "selected" not in request.form and len(ids) == 1:
        return ids[0], frozenset()
    return None, frozenset(ids)


def _not_saved(
    form: DecisionForm,
    shown_again: ShownAgain,
    entry_id: int | None,
    ticked: frozenset[int],
    message: str,
    status: int,
    field: str | None = None,
    untick: frozenset[int] = frozenset(),
):
    """The queue page made again (``status``) with the form as sent and why the decision was
    not saved; entries decided since the page was opened are left unticked, for the officer
    to look at again."""
    typed = (("Your note", form.note.data), ("Your text to publish", form.redacted_text.data))
    kept = tuple((label, text) for label, text in typed if text)
    refusal = Refusal(message, field, entry_id, ticked - untick, kept)
    return shown_again(form, refusal), status


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
