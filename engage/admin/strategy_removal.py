"""Removing a theme or a priority from a draft, or changing a priority's evidence, sent twice: by
a double click, or by two admins at the same moment. The second copy waits for the first, finds
the row gone (or the change made), and is told so, where it would have been a 404, a second
removal or a server error. A form of words sent for a theme or priority once it is gone shows
the words, so that nothing typed is lost."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for

from engage.extensions import db
from engage.models import StrategyVersion
from engage.numbers import id_arg
from engage.services.strategy import MAX_TITLE, lock_version


def get_for_removal(model, row_id: int):
    """The theme or priority a removal (or a change to its evidence) names, or None once it is
    gone. A form sent first waits for any other change to its version (lock_version), then
    reads the row again."""
    row = db.session.get(model, row_id)
    if row is not None and request.method == "POST":
        lock_version(row.version_id)
        row = db.session.get(model, row_id)
    return row


def removed_already(kind: str):
    """The confirmation sent again once the theme or priority is gone: say it was done, on the
    page of the version its hidden fields name (components/confirm.html removal_fields)."""
    return _gone(kind, "was removed already")


def removed_meanwhile():
    """A change to a priority's evidence sent once the priority is gone (removed since its
    evidence page was opened): say so, on its version's page, rather than "Page not found"."""
    return _gone("priority", "was removed after its evidence page was opened, with its evidence")


def _gone(kind: str, what: str):
    version_id = request.form.get("version_id", type=id_arg) if request.method == "POST" else None
    version = db.session.get(StrategyVersion, version_id) if version_id else None
    if version is None:
        abort(404)
    title = request.form.get(f"{kind}_title", "").strip()[:MAX_TITLE]
    flash(f"The {kind} {title} {what}" if title else f"The {kind} {what}")
    return redirect(url_for("admin.edit_version", version_id=version.id), 303)


def sent_once_gone(kind: str, fields, outcome: str, advice: str):
    """A form sent for a theme or priority someone removed since the page was opened: say so,
    and show the words sent (`fields`: name and label) so that nothing typed is lost."""
    if request.method != "POST":
        abort(404)
    words = [(label, request.form.get(name, "").strip()) for name, label in fields]
    page = render_template(
        "admin/strategy_gone.html",
        kind=kind,
        outcome=outcome,
        advice=advice,
        words=[w for w in words if w[1]],
    )
    abort(make_response(page, 404))
