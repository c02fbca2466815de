"""Administrators edit a draft's priorities and record why each priority changed (or did not)
in a revision, with the comments and wishes that led to it. Evidence is in strategy_evidence."""

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from engage.admin import bp
from engage.admin.strategy import render_editor
from engage.admin.strategy_forms import ChangeForm, PriorityForm
from engage.admin.strategy_removal import get_for_removal, removed_already, sent_once_gone
from engage.errors import EngageError
from engage.extensions import db
from engage.models import (
    CHANGE_KINDS,
    STANCES,
    ModerationStatus,
    Priority,
    StrategyTheme,
    StrategyVersion,
)
from engage.services.comments import published_comments
from engage.services.strategy import (
    add_priority,
    check_removable,
    previous_version,
    remove_priority,
    repeated_priority,
    update_priority,
)
from engage.services.strategy_diff import differences
from engage.services.strategy_fingerprints import change_fingerprint, priority_fingerprint
from engage.services.strategy_revisions import FITTING_KINDS, record_change
from engage.staff import staff_user


def _priority_form(version, obj=None) -> PriorityForm:
    form = PriorityForm(obj=obj)
    form.theme.choices = [(t.id, t.title) for t in version.themes]
    return form


RECORDED_SINCE = (
    "Someone else recorded why this priority changed after you opened this page. Your reason is"
    " below and is not saved: check it against what is recorded now, then save again"
)
SAVED_SINCE = (
    "Someone else saved this priority after you opened it. Your changes are below and are not"
    " saved: check them against what is saved now, then save again"
)


def _render_priority(version, form, priority=None, problem=None, saved_since=False):
    status = 400 if form.is_submitted() else 200
    if priority is not None and not form.is_submitted():
        form.seen.data = priority_fingerprint(priority)
    return render_template(
        "admin/strategy_priority.html",
        version=version,
        form=form,
        priority=priority,
        problem=problem,
        saved_since=saved_since,
    ), status


@bp.route("/strategy/themes/<int:theme_id>/priorities/new", methods=["GET", "POST"])
def new_priority(theme_id):
    theme = db.session.get(StrategyTheme, theme_id) or _theme_gone()
    form = _priority_form(theme.version)
    if request.method == "GET":
        form.theme.data = theme.id
    if form.validate_on_submit():
        target = next(t for t in theme.version.themes if t.id == form.theme.data)
        if repeated := repeated_priority(target, form.spec()):
            flash(f"The priority {repeated.title} is in {target.title} already")
            return redirect(url_for("admin.edit_version", version_id=theme.version_id), 303)
        try:
            priority = add_priority(target, form.spec())
        except EngageError as error:
            db.session.rollback()
            return _render_priority(theme.version, form, problem=error.message)
        db.session.commit()
        flash(f"Added the priority {priority.title}")
        return redirect(url_for("admin.edit_version", version_id=theme.version_id), 303)
    return _render_priority(theme.version, form)


@bp.route("/strategy/priorities/<int:priority_id>", methods=["GET", "POST"])
def edit_priority(priority_id):
    priority = db.session.get(Priority, priority_id) or _priority_gone()
    version = priority.theme.version
    form = _priority_form(version, obj=priority)
    if request.method == "GET":
        form.theme.data = priority.theme_id
    saved = priority_fingerprint(priority)
    if form.validate_on_submit():
        if form.seen.data and form.seen.data != saved:
            form.seen.data = saved  # saving again, after checking, keeps these words
            return _render_priority(version, form, priority, SAVED_SINCE, saved_since=True)
        target = next(t for t in version.themes if t.id == form.theme.data)
        try:
            update_priority(priority, form.spec(), target)
        except EngageError as error:
            db.session.rollback()
            return _render_priority(version, form, priority, error.message)
        db.session.commit()
        flash(f"Saved the priority {priority.title}")
        return redirect(url_for("admin.edit_version", version_id=version.id), 303)
    return _render_priority(version, form, priority)


GONE_FIELDS = (
    ("title", "Priority"),
    ("statement", "Statement"),
    ("why", "Why this is a priority"),
    ("outcome_measures", "Outcome measures"),
    ("activities", "Examples of partnership activity"),
)


def _priority_gone():
    """A save of a priority someone removed since the page was opened."""
    sent_once_gone("priority", GONE_FIELDS, "your changes were not saved", "a new priority")


def _theme_gone():
    """A new priority sent for a theme someone removed since the page was opened."""
    sent_once_gone(
        "theme", GONE_FIELDS, "your new priority was not added", "a new priority of another theme"
    )


@bp.route("/strategy/priorities/<int:priority_id>/remove", methods=["GET", "POST"])
def remove_strategy_priority(priority_id):
    """Ask first, naming what goes with it: a priority's words and cited evidence cannot be
    brought back."""
    priority = get_for_removal(Priority, priority_id)
    if priority is None:
        return removed_already("priority")
    version = priority.theme.version
    title = priority.title
    try:
        if request.method == "GET":
            check_removable(priority)  # a removal that would be refused is not asked about
            return _confirm_removal(priority, version)
        remove_priority(priority, staff_user())
    except EngageError as error:
        db.session.rollback()
        return render_editor(version, problem=error.message, status=400)
    db.session.commit()
    flash(f"Removed the priority {title} from version {version.number}")
    return redirect(url_for("admin.edit_version", version_id=version.id), 303)


def _confirm_removal(priority, version):
    return render_template(
        "admin/strategy_remove_priority.html",
        priority=priority,
        version=version,
        previous=previous_version(version),
        wishes=sum(1 for e in priority.evidence if e.wish_id),
        themes=sum(1 for e in priority.evidence if e.run_theme_id),
    )


@bp.get("/strategy/versions/<int:version_id>/changes")
def version_changes(version_id):
    """Every priority of a revision against the version before, and the reasons recorded."""
    version = db.session.get(StrategyVersion, version_id) or abort(404)
    previous = previous_version(version) or abort(404)
    recorded = {c.key: c for c in version.changes}
    return render_template(
        "admin/strategy_changes.html",
        version=version,
        previous=previous,
        found=differences(previous, version),
        recorded=recorded,
        kinds=CHANGE_KINDS,
    )


@bp.route("/strategy/versions/<int:version_id>/changes/<key>", methods=["GET", "POST"])
def record_priority_change(version_id, key):
    """Say why one priority changed, or did not, and what led to it."""
    version = db.session.get(StrategyVersion, version_id) or abort(404)
    previous = previous_version(version) or abort(404)
    difference = next((d for d in differences(previous, version) if d.key == key), None)
    difference or abort(404)
    existing = next((c for c in version.changes if c.key == key), None)
    form = _change_form(version, previous, difference, existing)
    problem, recorded = None, change_fingerprint(existing)
    valid = form.validate_on_submit()
    if valid and form.seen.data and form.seen.data != recorded:
        form.seen.data = recorded  # saving again, after checking, keeps these words
        problem = RECORDED_SINCE
    elif valid:
        try:
            record_change(
                version,
                key,
                kind=form.kind.data,
                reason=form.reason.data,
                user=staff_user(),
                comment_ids=form.comments.data or [],
                wish_ids=form.wishes.data or [],
                merged_into=form.merged_into.data or None,
            )
        except EngageError as error:
            db.session.rollback()
            problem = error.message
        else:
            db.session.commit()
            flash(f"Recorded why: {(difference.after or difference.before).title}")
            return redirect(url_for("admin.version_changes", version_id=version.id), 303)
    if not form.is_submitted():
        form.seen.data = recorded
    return render_template(
        "admin/strategy_change.html",
        version=version,
        previous=previous,
        difference=difference,
        form=form,
        problem=problem,
        existing=existing if problem == RECORDED_SINCE else None,
        kinds=CHANGE_KINDS,
        stances=STANCES,
    ), (400 if form.is_submitted() else 200)


def _change_form(version, previous, difference, existing) -> ChangeForm:
    """The form, offering the kinds that fit, the priorities to merge into, and the comments
    and wishes behind the priority as it was."""
    form = ChangeForm(obj=existing)
    form.kind.choices = [(k, CHANGE_KINDS[k]) for k in FITTING_KINDS[difference.kind]]
    form.merged_into.choices = [("", "Not merged")] + [(p.key, p.title) for p in version.priorities]
    before = difference.before
    theme = (before or difference.after).theme
    same_theme = next((t for t in previous.themes if t.slug == theme.slug), None)
    pool = [before] if before else (same_theme.priorities if same_theme else [])
    form.comments.choices = [
        (c.id, f"{STANCES[c.stance]}: {c.public_text[:200]}") for c in published_comments(pool)
    ]
    cited = before.evidence if before else []
    # Cited themes have no wish; wishes rejected since cannot be linked (record_change says so).
    form.wishes.choices = [
        (e.wish_id, e.wish.public_text[:200])
        for e in cited
        if e.wish and e.wish.status == ModerationStatus.APPROVED
    ]
    if existing and request.method == "GET":
        form.comments.data = [c.id for c in existing.comments]
        form.wishes.data = [w.id for w in existing.wishes]
        merged = existing.after if existing.kind == "merged" else None
        form.merged_into.data = merged.key if merged else ""
    elif request.method == "GET" and len(form.kind.choices) == 1:
        form.kind.data = form.kind.choices[0][0]
    return form
