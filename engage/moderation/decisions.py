"""The decide step the wish, photo and comment queues share: one entry or a bulk selection."""

from collections.abc import Callable

from flask import abort, flash, redirect, request
from sqlalchemy import select

from engage import audit
from engage.extensions import db
from engage.models import ACTIONS
from engage.moderation.forms import DecisionForm
from engage.numbers import parse_id
from engage.services.moderation import DecisionError
from engage.staff import staff_user

MAX_SELECTED = 500


def selected_ids(form: DecisionForm) -> list[int]:
    """Ids ticked in a queue, or the one entry of an entry page (at most 500)."""
    raw = request.form.getlist("selected") or (form.entry_ids.data or "").split(",")
    return sorted({n for v in raw if (n := parse_id(v.strip()))})[:MAX_SELECTED]


def decide_selected(
    form: DecisionForm,
    model,
    decide: Callable,
    nouns: tuple[str, str],
    back: str,
    failed_back: str | None = None,
    extra_fields: tuple[str, ...] = (),
):
    """Apply the form's decision to the selected ``model`` entries (a model with an
    ``entry_type``: wish, photo, comment), log it and return to ``back``.

    A selection that names unknown entries or a form that does not validate is a 400; a
    decision the service refuses is rolled back and said in a message (``failed_back``),
    so nothing already saved changes. ``extra_fields`` name form fields passed on to
    ``decide`` as keyword arguments of the same name (``redacted_text``).
    """
    ids = selected_ids(form)
    found = list(db.session.scalars(select(model).where(model.id.in_(ids)))) if ids else []
    if not form.validate_on_submit() or len(found) != len(ids):
        abort(400)
    extra = {name: getattr(form, name).data or None for name in extra_fields}
    try:
        decide(
            found,
            form.action.data,
            staff_user(),
            reason=form.reason.data or None,
            note=form.note.data or "",
            **extra,
        )
    except DecisionError as error:
        db.session.rollback()
        flash(f"Not saved: {error.message}", "error")
        return redirect(failed_back or back, 303)
    db.session.commit()
    audit.record_decision(model.entry_type, found, form.action.data, form.reason.data)
    count = len(found)
    flash(f"{ACTIONS[form.action.data]}: {count} {nouns[0] if count == 1 else nouns[1]}")
    return redirect(back, 303)
