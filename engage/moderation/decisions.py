"""The decide step the wish, photo and comment queues share: one entry or a bulk selection."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import abort, current_app, flash, redirect, request
from sqlalchemy import select

from engage import audit
from engage.extensions import db
from engage.models import ACTIONS
from engage.moderation.forms import DecisionForm
from engage.numbers import parse_id, whole_number
from engage.services.moderation import (
    DecisionError,
    count_decisions,
    decisions_since,
    lock_entries,
)
from engage.staff import staff_user
from engage.template_helpers import local_datetime

MAX_SELECTED = 500
# Entries decided since the page was made that a refusal names, each with what was done to it.
MAX_NAMED = 10


@dataclass(frozen=True)
class Refusal:
    """A decision not saved, said on the queue page made again: why, the field to change
    ("selected", "reason", "note", "redacted_text", or None), the entry whose own form was sent
    (None for the bulk form), the entries to show ticked again in the bulk form and what the
    officer typed in the form sent ((label, text) pairs), given back when that form is not on
    the page made again. ``stale``: the entry whose own form was sent was decided after the
    page was made, so its form is shown as for the entry as it is now, not as the officer
    left it, and what they typed is given back."""

    message: str
    field: str | None = None
    entry_id: int | None = None
    ticked: frozenset[int] = frozenset()
    typed: tuple[tuple[str, str], ...] = ()
    stale: bool = False


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
    """What a queue page's template needs for its decision forms: ``seen``, how many lines of
    the decision log each entry shown had when the page was made (see _seen); and to show a
    refused decision (None: there is none): ``moved_to``, the number of the page shown when
    the entry decided on is on it but the officer sent its form from another page;
    ``elsewhere``, the entries ticked in the bulk form that the queue now has on another page,
    each with its number, to list them still ticked; ``gone``, those ticked that no longer
    wait, to name them as left out; ``lost``, what the officer typed in a form that is not on
    the page, or not shown as they left it, to give it back."""
    entry_type = query.column_descriptions[0]["entity"].entry_type
    on_page = {e.id for e in page.items}
    if refusal is None:
        return {
            "refusal": None,
            "problem": None,
            "moved_to": None,
            "elsewhere": [],
            "gone": [],
            "lost": (),
            "seen": count_decisions(entry_type, on_page),
        }
    moved = refusal.entry_id in on_page and page.page != _page_asked()
    form_shown = refusal.entry_id in on_page if refusal.entry_id is not None else bool(on_page)
    elsewhere, gone = _ticked_off_page(query, refusal.ticked - on_page)
    return {
        "refusal": refusal,
        "problem": refusal.message,
        "moved_to": page.page if moved else None,
        "elsewhere": elsewhere,
        "gone": gone,
        "lost": refusal.typed if _form_not_as_left(refusal, form_shown) else (),
        "seen": count_decisions(entry_type, on_page | {e.id for e, _ in elsewhere}),
    }


def _form_not_as_left(refusal: Refusal, form_shown: bool) -> bool:
    """Whether the form sent is missing from the page made again, or shown as for its entry
    now (an entry's own form, the entry decided since): what the officer typed is given back.
    The bulk form keeps its reason and note, and leaves unticked the entries decided since."""
    return not form_shown or (refusal.stale and refusal.entry_id is not None)


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
    name: Callable[[Any], str],
    extra_fields: tuple[str, ...] = (),
    refused: Callable[[list, str], dict[int, str]] | None = None,
):
    """Apply the decision of one of a queue page's forms (the bulk form, or an entry's own) to
    the selected ``model`` entries (a model with an ``entry_type``: wish, photo, comment), log
    it and return to the same page, with its filters and page number.

    A selection that names unknown entries, or a form altered beyond what a browser sends, is
    a 400. The decision applies to the entries as the page showed them: entries decided since
    it was made (by a colleague, a visitor's report, their entrant, this officer in another
    tab) are looked at first, whatever else is wrong with the form, and the decision refused
    (409), each such entry named by ``name`` with what was done to it; an entry's own form is
    then shown as for the entry as it is now, what the officer typed given back, and in the
    bulk form those entries are no longer ticked. Two decisions on an entry sent at once wait
    for each other (lock_entries), so the second is refused too.

    Other refusals (a reason or note missing, a note over its limit) are rolled back, so
    nothing already saved changes, and the page is made again with ``shown_again``: the form
    the officer sent as they left it and the problem said at the field to change.
    ``extra_fields`` name form fields passed on to ``decide`` as keyword arguments of the same
    name (``redacted_text``). ``refused`` says which entries cannot take the decision, and
    why: they are left out, and named in the message, while the others are decided.
    """
    ids = selected_ids(form)
    found = lock_entries(model, ids)
    valid = form.validate_on_submit()
    if len(found) != len(ids) or (not valid and set(form.errors) - {"note", *extra_fields}):
        abort(400)
    not_saved = partial(_not_saved, form, shown_again, *_sent_from(form, ids))
    me = staff_user()
    since = decisions_since(model.entry_type, _seen(ids))
    # The same decision sent again (a double click, a second tab) is not taken twice.
    repeated = _repeated(since, form, me)
    if changed := since.keys() - repeated:
        message = _changed_message([e for e in found if e.id in changed], since, me, nouns, name)
        return not_saved(message, 409, untick=frozenset(changed), stale=True)
    already = [e for e in found if e.id in repeated]
    found = [e for e in found if e.id not in repeated]
    left_out = refused(found, form.action.data) if refused else {}
    found = [e for e in found if e.id not in left_out]
    if left_out and not (found or already):
        return not_saved("; ".join(left_out.values()), 409)
    if not valid:  # a note or a text pasted in over its limit: said, and nothing decided
        field, errors = next(iter(form.errors.items()))
        return not_saved(errors[0], 400, field)
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
    stale: bool = False,
):
    """The queue page made again (``status``) with the form as sent and why the decision was
    not saved; entries decided since the page was opened are left unticked, for the officer
    to look at again (``stale``: the decision was refused for that, see Refusal)."""
    typed = (("Your note", form.note.data), ("Your text to publish", form.redacted_text.data))
    kept = tuple((label, text) for label, text in typed if text)
    refusal = Refusal(message, field, entry_id, ticked - untick, kept, stale)
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


def _seen(ids: list[int]) -> dict[int, int]:
    """What the page the decision came from showed of each entry: how many lines of the
    decision log it had (the entry's ``seen-<id>`` field; none said, as on a form made by
    hand: none, as for an entry just arrived)."""
    return {n: whole_number(request.form.get(f"seen-{n}")) or 0 for n in ids}


def _repeated(since: dict[int, list], form: DecisionForm, me) -> set[int]:
    """The entries whose every decision since the page was made is this very one, by this
    officer: the same form sent twice. A decision by anyone else in between, or another one
    by them, is not."""
    action = form.action.data
    this = (
        me.id,
        action,
        (form.reason.data or None) if action == "reject" else None,  # logged for rejections only
        form.note.data or "",
    )
    redacted = form.redacted_text.data if action == "approve_redacted" else None

    def same(d) -> bool:
        return (d.moderator_id, d.action, d.reason, d.note) == this and (
            redacted is None or d.redacted_text == redacted
        )

    return {n for n, lines in since.items() if all(same(d) for d in lines)}


def _changed_message(entries: list, since: dict[int, list], me, nouns, name) -> str:
    """Which entries were decided after the page was made, and what was done to each, by whom
    and when: for the officer to look at before deciding again."""
    n = len(entries)
    named = "; ".join(f"{name(e)} ({_history(since[e.id], me)})" for e in entries[:MAX_NAMED])
    more = f"; and {n - MAX_NAMED} more" if n > MAX_NAMED else ""
    return (
        f"{n} {nouns[0] if n == 1 else nouns[1]} {'was' if n == 1 else 'were'} decided after"
        f" you opened this page: {named}{more}. Check where"
        f" {'it stands' if n == 1 else 'they stand'} and decide again if you need to."
    )


def _history(decisions: list, me) -> str:
    """What was done to an entry, by whom and when, oldest first: "approved by Sam Jones at …,
    then reported by a visitor at …"."""
    return ", then ".join(f"{_done(d, me)} at {local_datetime(d.created_at)}" for d in decisions)


def _done(decision, me) -> str:
    # A resident's action names who: "reported by a visitor".
    what = ACTIONS[decision.action].lower()
    if decision.moderator is not None:
        what += f" by {'you' if decision.moderator_id == me.id else decision.moderator.name}"
    return what
