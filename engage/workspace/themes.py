"""A run's themes: the themes page, a theme's entries with why they are there, and the team's
edits (rename, merge, split, move, not relevant, confirm a mapping)."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from engage.db import write_transactions
from engage.errors import EngageError
from engage.extensions import db
from engage.jobs import recover_stalled
from engage.models import EDIT_KINDS
from engage.numbers import parse_id, valid_id
from engage.services.analysis_runs import visible_themes
from engage.services.new_entries import new_entries_waiting, queue_new_entries
from engage.services.run_models import model_stored
from engage.services.theme_edits import (
    confirm_mapping,
    get_theme,
    list_edits,
    mapping_choices,
    mark_relevance,
    merge_themes,
    move_entries,
    remove_mapping,
    rename_theme,
    split_theme,
)
from engage.services.theme_mentions import mentions_by_assignment, mentions_of_theme
from engage.services.theme_reports import members, members_query, summaries
from engage.staff import staff_user
from engage.workspace import bp
from engage.workspace.forms import (
    MappingForm,
    MembersForm,
    MergeForm,
    RemoveMappingForm,
    RenameForm,
    SplitForm,
)
from engage.workspace.runs import run_or_404


def _done_run_or_404(run_id):
    run = run_or_404(run_id)
    return run if run.is_done else abort(404)


def _catch_up(run):
    """Entries published since the run get its themes in a job (at once when jobs run inline).
    Returns how many wait, and False when they cannot be given themes (the model is gone)."""
    waiting = new_entries_waiting(run)
    if not waiting:
        return None
    if not model_stored(run.model_file):
        return waiting, False  # a job would fail, again on every visit
    db.session.commit()  # end the read, so the job's own transaction starts cleanly
    with write_transactions():
        recover_stalled()  # an earlier assignment job whose process stopped must not block
        job = queue_new_entries(run)
        db.session.commit()
    db.session.refresh(job)
    return None if job.status == "done" else (waiting, True)


@bp.get("/runs/<int:run_id>/themes")
def run_themes(run_id):
    """Each theme's label, size and share, keywords, quotes and weekly trend."""
    run = _done_run_or_404(run_id)
    waiting = _catch_up(run)
    weeks, found = summaries(run)
    return render_template(
        "workspace/themes.html", run=run, weeks=weeks, summaries=found, waiting=waiting
    )


def _forms(run, theme, **given):
    themes = [t for t in visible_themes(run) if t.id != theme.id]
    others = [(t.id, t.label) for t in themes]
    forms = {
        "rename_form": given.get("rename_form") or RenameForm(formdata=None, label=theme.label),
        "merge_form": given.get("merge_form") or MergeForm(formdata=None),
        "split_form": given.get("split_form") or SplitForm(formdata=None),
        "mapping_form": given.get("mapping_form") or MappingForm(formdata=None),
        "remove_mapping_form": given.get("remove_mapping_form") or RemoveMappingForm(formdata=None),
        "members_form": given.get("members_form") or MembersForm(formdata=None),
    }
    # Other (entries with no distinctive words) is merged with no theme, either way.
    mergeable = [] if theme.is_other else [(t.id, t.label) for t in themes if not t.is_other]
    forms["merge_form"].other.choices = mergeable
    forms["members_form"].move_to.choices = [(0, "Choose a theme")] + others
    suggested = {f"{m['kind']}:{m['id']}": m["score"] for m in theme.framework}
    choices = sorted(mapping_choices(run), key=lambda c: -suggested.get(c[0], -1))
    forms["mapping_form"].strategy_target.choices = [
        (key, f"{name} (suggested, {suggested[key]:.2f})" if key in suggested else name)
        for key, name in choices
    ]
    return forms


def render_theme(run, theme, *, problem=None, status=200, **given):
    query, per_page = members_query(run, theme), current_app.config["WORKSPACE_PER_PAGE"]
    wanted = min(max(request.args.get("page", 1, type=int), 1), 10_000)
    page = db.paginate(query, page=wanted, per_page=per_page, error_out=False)
    if page.total and wanted > page.pages:  # a link kept from before entries left the theme
        page = db.paginate(query, page=page.pages, per_page=per_page, error_out=False)
    forms = _forms(run, theme, **given)
    mentioned = mentions_of_theme(run, theme)
    failing = next((f for f in forms.values() if f.errors), None)
    # Shown again, the page of entries keeps the boxes the member ticked on it.
    ticked = {n for v in request.form.getlist("entry") if (n := parse_id(v))}
    return render_template(
        "workspace/theme.html",
        run=run,
        theme=theme,
        page=page,
        entries=members(page.items),
        raised=mentions_by_assignment([a.id for a in page.items]),
        also=list(zip(mentioned, members([m.assignment for m in mentioned]), strict=True)),
        edits=list_edits(run, theme),
        parts=[t for t in run.themes if t.parent_id == theme.id],
        kinds=EDIT_KINDS,
        ticked=ticked,
        form=failing,
        problem=problem,
        **forms,
    ), status


def _theme_or_404(run, theme_id):
    theme = get_theme(run, theme_id) or abort(404)
    return theme


@bp.get("/runs/<int:run_id>/themes/<int:theme_id>")
def show_theme(run_id, theme_id):
    """Every entry of a theme with why it is there, and the forms to change the theme."""
    run = _done_run_or_404(run_id)
    theme = _theme_or_404(run, theme_id)
    if not theme.visible:
        target = theme.merged_into_id
        if target:
            return redirect(url_for("workspace.show_theme", run_id=run.id, theme_id=target))
    return render_theme(run, theme)


def _edit(run, theme, form_name, form, action, done, field=None):
    """Validate, call the service, commit once, flash, redirect; or show the page again, with
    a refusal at `field` when there is one to correct."""
    if not form.validate_on_submit():
        return render_theme(run, theme, status=400, **{form_name: form})
    try:
        message = action()
    except EngageError as error:
        db.session.rollback()
        problem = error.message
        if field and theme.visible:  # a merged or split theme's page has no fields to correct
            form[field].errors.append(problem)
            problem = None
        return render_theme(run, theme, problem=problem, status=400, **{form_name: form})
    db.session.commit()
    flash(message)
    page = request.args.get("page", type=int)  # the page of entries a change was made on
    return redirect(
        url_for("workspace.show_theme", run_id=run.id, theme_id=done().id, page=page), 303
    )


@bp.post("/runs/<int:run_id>/themes/<int:theme_id>/rename")
def rename(run_id, theme_id):
    run = _done_run_or_404(run_id)
    theme = _theme_or_404(run, theme_id)
    form = RenameForm()

    def action():
        if not rename_theme(theme, form.label.data, staff_user()):
            return f"Nothing changed: the theme is already called “{theme.label}”"
        return f"Renamed the theme “{theme.label}”"

    return _edit(run, theme, "rename_form", form, action, lambda: theme, "label")


@bp.post("/runs/<int:run_id>/themes/<int:theme_id>/merge")
def merge(run_id, theme_id):
    run = _done_run_or_404(run_id)
    theme = _theme_or_404(run, theme_id)
    form = _forms(run, theme, merge_form=MergeForm())["merge_form"]

    def action():
        other = get_theme(run, valid_id(form.other.data))
        if other is None:
            raise EngageError("Choose the theme to merge into this one")
        return _merged(theme, other, merge_themes(theme, other, staff_user()))

    # Other's page, or one with only Other left to merge, shows no field: a refusal is unlinked.
    field = "other" if form.other.choices else None
    return _edit(run, theme, "merge_form", form, action, lambda: theme, field)


def _merged(theme, other, mapping: dict) -> str:
    said = f"Merged “{other.label}” into “{theme.label}”"
    if "gained" in mapping:
        return f"{said}: “{theme.label}” now belongs to {mapping['gained']}, as “{other.label}” did"
    if "ended" in mapping:
        return (
            f"{said}: “{theme.label}” keeps its mapping onto {mapping['kept']}; “{other.label}” "
            f"belonged to {mapping['ended']}, and that mapping ended, as a theme belongs to one "
            f"at a time. Confirm {mapping['ended']} here instead if it fits better"
        )
    return said


@bp.post("/runs/<int:run_id>/themes/<int:theme_id>/split")
def split(run_id, theme_id):
    run = _done_run_or_404(run_id)
    theme = _theme_or_404(run, theme_id)
    form = SplitForm()
    parts = []

    def action():
        parts.extend(split_theme(theme, form.parts.data, staff_user()))
        mapping = parts[0].confirmed_mapping
        kept = f"; each part keeps its mapping onto {mapping.target_title}" if mapping else ""
        return f"Split “{theme.label}” into {len(parts)} themes{kept}"

    field = None if theme.is_other else "parts"  # Other's page has no field to split it with
    return _edit(run, theme, "split_form", form, action, lambda: parts[0], field)


@bp.post("/runs/<int:run_id>/themes/<int:theme_id>/mapping")
def map_theme(run_id, theme_id):
    run = _done_run_or_404(run_id)
    theme = _theme_or_404(run, theme_id)
    form = _forms(run, theme, mapping_form=MappingForm())["mapping_form"]

    def action():
        changed = confirm_mapping(theme, form.strategy_target.data, staff_user())
        title = theme.confirmed_mapping.target_title
        if not changed:
            return f"Nothing changed: “{theme.label}” already belongs to {title}"
        return f"Confirmed: “{theme.label}” belongs to {title}"

    # With nothing left to choose from the field is not shown: a refusal is told unlinked.
    field = "strategy_target" if form.strategy_target.choices else None
    return _edit(run, theme, "mapping_form", form, action, lambda: theme, field)


@bp.post("/runs/<int:run_id>/themes/<int:theme_id>/mapping/remove")
def unmap_theme(run_id, theme_id):
    """Take back the theme's confirmed mapping (it can be confirmed again, or another)."""
    run = _done_run_or_404(run_id)
    theme = _theme_or_404(run, theme_id)

    def action():
        title = remove_mapping(theme, staff_user())
        return f"Removed: “{theme.label}” no longer belongs to {title}"

    return _edit(run, theme, "remove_mapping_form", RemoveMappingForm(), action, lambda: theme)


@bp.post("/runs/<int:run_id>/themes/<int:theme_id>/entries")
def change_entries(run_id, theme_id):
    """Move the ticked entries to another theme, or mark them (not) relevant."""
    run = _done_run_or_404(run_id)
    theme = _theme_or_404(run, theme_id)
    form = _forms(run, theme, members_form=MembersForm())["members_form"]
    ids = [n for v in request.form.getlist("entry") if (n := parse_id(v))][:500]
    what = request.form.get("action", "")

    def action():
        user = staff_user()
        if what == "move":
            target = get_theme(run, valid_id(form.move_to.data))
            if target is None:
                raise EngageError("Choose the theme to move the ticked entries to")
            n = move_entries(run, ids, target, user)
            if n == 0:
                return f"Nothing changed: the ticked entries are already in “{target.label}”"
            return f"Moved {n} {'entry' if n == 1 else 'entries'} to “{target.label}”"
        if what in ("not_relevant", "relevant"):
            n = mark_relevance(run, ids, what == "relevant", user)
            state = "relevant" if what == "relevant" else "not relevant"
            if n == 0:
                return f"Nothing changed: the ticked entries were already marked {state}"
            return f"Marked {n} {'entry' if n == 1 else 'entries'} {state}"
        raise EngageError("Choose what to do with the ticked entries")

    # A move of ticked entries refused is about where they go: told at that choice.
    field = "move_to" if what == "move" and ids else None
    return _edit(run, theme, "members_form", form, action, lambda: theme, field)
