"""Removing a theme or a priority from a draft, confirmed twice: by a double click, or by two
admins at the same moment. The second copy waits for the first, finds the row gone, and is told
it was removed already, where it would have been a 404 or a second removal."""

from flask import abort, flash, redirect, request, url_for

from engage.extensions import db
from engage.models import StrategyVersion
from engage.numbers import id_arg
from engage.services.strategy import MAX_TITLE, lock_version


def get_for_removal(model, row_id: int):
    """The theme or priority a removal names, or None once it is gone. A confirmation first
    waits for any other change to its version (lock_version), then reads the row again."""
    row = db.session.get(model, row_id)
    if row is not None and request.method == "POST":
        lock_version(row.version_id)
        row = db.session.get(model, row_id)
    return row


def removed_already(kind: str):
    """The confirmation sent again once the theme or priority is gone: say it was done, on the
    page of the version its hidden fields name (components/confirm.html removal_fields)."""
    version_id = request.form.get("version_id", type=id_arg) if request.method == "POST" else None
    version = db.session.get(StrategyVersion, version_id) if version_id else None
    if version is None:
        abort(404)
    title = request.form.get(f"{kind}_title", "").strip()[:MAX_TITLE]
    flash(f"The {kind} {title} was removed already" if title else f"The {kind} was removed already")
    return redirect(url_for("admin.edit_version", version_id=version.id), 303)
