"""Administrators import a YAML or Markdown file into a draft: at once when the draft is empty;
over themes and priorities, only after a page that says what the file replaces. That page
carries the file back in a signed field, so the confirmation needs nothing kept on a server,
with what it was asked about: the confirmation asks again when the draft, or the confirmed
mappings of the strategy team's themes that would end, changed since."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from engage.admin import bp
from engage.admin.strategy import render_editor
from engage.admin.strategy_forms import ImportForm
from engage.errors import EngageError, ImportError_
from engage.extensions import db
from engage.models import StrategyVersion
from engage.services.strategy import (
    ThemeSpec,
    lock_version,
    previous_version,
    replace_content,
)
from engage.services.strategy_fingerprints import version_fingerprint
from engage.services.strategy_import import MAX_FILE_BYTES, parse_strategy_file
from engage.services.strategy_replace import Replacement, preview_replacement
from engage.staff import staff_user

_SALT = "engage.strategy-import"
# The signed file in the confirmation: a file of MAX_FILE_BYTES that does not compress comes
# back a little larger, over the 500 kB Flask allows a form field by default (which Werkzeug
# before 3.1.9 applied to a whole urlencoded form, as the confirmation is sent).
HELD_FORM_MEMORY = 2 * MAX_FILE_BYTES + 64 * 1024
AGAIN = "Import the file again"
CHANGED_SINCE = (
    "The draft changed after you were asked. Check what the file replaces now, then replace"
    " it again or cancel"
)
MAPPINGS_CHANGED = (
    "The strategy team changed their mappings onto this draft after you were asked: {now}."
    " Check what ends now, then replace the draft or cancel"
)


@bp.url_value_preprocessor
def _held_file_body_limit(endpoint, values) -> None:
    """Let the confirmation carry the whole file (set before CSRFProtect reads the body)."""
    if endpoint == "admin.confirm_strategy_import":
        request.max_form_memory_size = HELD_FORM_MEMORY


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def _hold(version: StrategyVersion, name: str, data: bytes, ending: tuple[int, ...]) -> str:
    """The file, signed with the draft it is for, what the draft held when asked and the
    confirmed mappings onto it the page said would end."""
    held = {
        "v": version.id,
        "n": name,
        "d": data.decode("utf-8"),
        "s": version_fingerprint(version),
        "m": list(ending),
    }
    return _serializer().dumps(held)


def _held(version: StrategyVersion, token: str) -> tuple[str, bytes, str, list]:
    """The name, bytes, draft fingerprint and mappings to end of a file this app signed for
    this draft."""
    try:
        held = _serializer().loads(token, max_age=current_app.config["FORM_TOKEN_MAX_AGE"])
    except SignatureExpired as error:
        raise ImportError_(f"The page asking about the file was open too long. {AGAIN}") from error
    except BadSignature as error:
        raise ImportError_(f"This page did not send the file to import. {AGAIN}") from error
    if not isinstance(held, dict) or held.get("v") != version.id:
        raise ImportError_(f"This page sent a file for another version. {AGAIN}")
    return str(held["n"]), str(held["d"]).encode("utf-8"), str(held["s"]), held.get("m")


@bp.post("/strategy/versions/<int:version_id>/import")
def import_strategy_file(version_id):
    """Replace a draft's themes and priorities with those of a file, asking first if it has any."""
    version = db.session.get(StrategyVersion, version_id) or abort(404)
    form = ImportForm()
    if not form.validate_on_submit():
        return render_editor(version, status=400, import_form=form)
    name, data = form.strategy_file.data.filename or "", form.strategy_file.data.read()
    lock_version(version.id)
    try:
        themes = parse_strategy_file(name, data)
        replacement = preview_replacement(version, themes) if version.themes else None
    except EngageError as error:
        db.session.rollback()
        return render_editor(version, problem=error.message, status=400, import_form=form)
    if replacement is None:
        return _import(version, themes)
    if replacement.unchanged:
        return _imported_already(version, name)
    return _ask(version, name, data, replacement)


@bp.post("/strategy/versions/<int:version_id>/import/confirm")
def confirm_strategy_import(version_id):
    """Import the file the administrator was asked about, unless the draft changed since."""
    version = db.session.get(StrategyVersion, version_id) or abort(404)
    lock_version(version.id)
    try:
        name, data, seen, ending = _held(version, request.form.get("held_file", ""))
        themes = parse_strategy_file(name, data)
        replacement = preview_replacement(version, themes)
    except EngageError as error:
        db.session.rollback()
        return render_editor(version, problem=error.message, status=400)
    if replacement.unchanged:  # a double click: the first one imported it
        return _imported_already(version, name)
    problem = _changed_since(version, seen, ending, replacement)
    if problem:
        return _ask(version, name, data, replacement, problem=problem)
    return _import(version, themes)


def _changed_since(version, seen: str, ending: list | None, replacement: Replacement):
    """Why the administrator is asked again: the draft changed since the page asked, or the
    confirmed mappings that would end are not those it counted (the strategy team confirmed
    or removed one meanwhile). None when neither."""
    if seen != version_fingerprint(version):
        return CHANGED_SINCE
    now = list(replacement.mappings_ending)
    if ending == now:
        return None
    n = len(now)
    what = "mapping of an analysis theme" if n == 1 else "mappings of analysis themes"
    verb = "ends" if n == 1 else "end"
    if ending is None:  # a page from before the count was carried
        return MAPPINGS_CHANGED.format(now=f"{n} confirmed {what} {verb}")
    if len(ending) == n:
        same = "one" if n == 1 else "ones"
        return MAPPINGS_CHANGED.format(
            now=f"{n} confirmed {what} still {verb}, not the same {same}"
        )
    return MAPPINGS_CHANGED.format(now=f"{n} confirmed {what} now {verb}, not {len(ending)}")


def _ask(version, name, data, replacement: Replacement, problem=None):
    page = render_template(
        "admin/strategy_import_confirm.html",
        version=version,
        previous=previous_version(version),
        name=name,
        held=_hold(version, name, data, replacement.mappings_ending),
        replacement=replacement,
        problem=problem,
    )
    return page, (409 if problem else 200)


def _import(version: StrategyVersion, themes: list[ThemeSpec]):
    try:
        replace_content(version, themes, staff_user())
    except EngageError as error:
        db.session.rollback()
        return render_editor(version, problem=error.message, status=400)
    db.session.commit()
    count = sum(len(t.priorities) for t in themes)
    flash(f"Imported {len(themes)} themes and {count} priorities")
    return redirect(url_for("admin.edit_version", version_id=version.id), 303)


def _imported_already(version: StrategyVersion, name: str):
    flash(f"{name} was imported already: version {version.number} has its themes and priorities")
    return redirect(url_for("admin.edit_version", version_id=version.id), 303)
