"""Administrators build the draft strategy: its settings, versions, themes, revisions and
publishing. Priorities, evidence and reasons for changes are in strategy_priorities; importing
a file is in strategy_import."""

from datetime import date, datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for

from engage.admin import bp
from engage.admin.strategy_forms import (
    ImportForm,
    NewStrategyForm,
    PublishForm,
    StrategyForm,
    ThemeForm,
)
from engage.admin.strategy_removal import get_for_removal, removed_already, sent_once_gone
from engage.errors import EngageError
from engage.extensions import db
from engage.models import CHANGE_KINDS, VERSION_STATUSES, Strategy, StrategyTheme, StrategyVersion
from engage.services.consultations import get_consultation_by_id, list_consultations
from engage.services.strategy import (
    add_theme,
    check_theme_removable,
    create_strategy,
    current_version,
    draft_version,
    get_strategy,
    last_comment_day,
    list_strategies,
    lock_version,
    previous_version,
    remove_theme,
    repeated_theme,
    update_strategy,
    update_theme,
)
from engage.services.strategy_fingerprints import strategy_fingerprint, theme_fingerprint
from engage.services.strategy_revisions import publish, start_revision, unexplained
from engage.staff import staff_user
from engage.template_helpers import LOCAL_TZ


def start_of(day: date) -> datetime:
    """Midnight at the start of a UK day, as an aware datetime."""
    return datetime.combine(day, time(0, 0), tzinfo=LOCAL_TZ)


def _fill_dates(form, strategy: Strategy) -> None:
    """Put the comment period in the form as entered: the first and the last day."""
    form.opens.data = strategy.comments_open_at.astimezone(LOCAL_TZ).date()
    form.closes.data = last_comment_day(strategy)


def _dates(form) -> tuple[datetime, datetime]:
    """Comments open at the start of the first day and close at the end of the last."""
    return start_of(form.opens.data), start_of(form.closes.data + timedelta(days=1))


@bp.route("/strategy", methods=["GET", "POST"])
def strategies():
    """Every strategy, and a form to set one up for a consultation."""
    form = NewStrategyForm()
    form.consultation.choices = [(c.id, c.title) for c in list_consultations()]
    problem = None
    if form.validate_on_submit():
        consultation = get_consultation_by_id(form.consultation.data) or abort(400)
        existing = get_strategy(consultation)
        if existing and existing.title == form.title.data:
            # A double click, or the form sent again: it was set up the first time.
            flash(f"{existing.title} is set up already")
            return redirect(url_for("admin.strategy_settings", strategy_id=existing.id), 303)
        try:
            strategy = create_strategy(
                consultation, form.title.data, form.summary.data or "", *_dates(form)
            )
        except EngageError as error:
            db.session.rollback()
            problem = error.message
        else:
            db.session.commit()
            flash(f"Set up {strategy.title}: import a file or add themes to its first draft")
            return redirect(url_for("admin.edit_version", version_id=strategy.versions[0].id), 303)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/strategy_list.html", form=form, problem=problem, strategies=list_strategies()
    ), status


@bp.route("/strategy/<int:strategy_id>", methods=["GET", "POST"])
def strategy_settings(strategy_id):
    """A strategy's title, introduction and comment period, and its versions."""
    strategy = db.session.get(Strategy, strategy_id) or abort(404)
    form = StrategyForm(obj=strategy)
    saved = strategy_fingerprint(strategy)
    if request.method == "GET":
        _fill_dates(form, strategy)
        form.seen.data = saved
    problem = None
    valid = form.validate_on_submit()
    if valid and form.seen.data and form.seen.data != saved:
        form.seen.data = saved  # saving again, after checking, keeps these settings
        problem = SETTINGS_SAVED_SINCE
    elif valid:
        try:
            update_strategy(strategy, form.title.data, form.summary.data or "", *_dates(form))
        except EngageError as error:
            db.session.rollback()
            problem = error.message
        else:
            db.session.commit()
            flash("Saved the strategy's settings")
            return redirect(url_for("admin.strategy_settings", strategy_id=strategy.id), 303)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/strategy_settings.html",
        strategy=strategy,
        form=form,
        problem=problem,
        saved_since=problem == SETTINGS_SAVED_SINCE,
        draft=draft_version(strategy),
        statuses=VERSION_STATUSES,
    ), status


SETTINGS_SAVED_SINCE = (
    "Someone else saved these settings after you opened the page. Your changes are below and are"
    " not saved: check them against what is saved now, then save again"
)


@bp.post("/strategy/<int:strategy_id>/revisions")
def start_strategy_revision(strategy_id):
    """A new draft copied from the latest published version, to revise after comments."""
    strategy = db.session.get(Strategy, strategy_id) or abort(404)
    if (published := current_version(strategy)) is not None:
        lock_version(published.id)  # started twice at once: the second waits, then carries on
    if (draft := draft_version(strategy)) is not None and previous_version(draft) is not None:
        # A double click, or a second admin starting it too: carry on with the revision.
        flash(f"Version {draft.number} was already started: carry on revising it")
        return redirect(url_for("admin.edit_version", version_id=draft.id), 303)
    try:
        draft = start_revision(strategy)
    except EngageError as error:
        db.session.rollback()
        return _settings_again(strategy, error.message)
    db.session.commit()
    flash(f"Started version {draft.number}: every change you make will ask why")
    return redirect(url_for("admin.edit_version", version_id=draft.id), 303)


def _settings_again(strategy, problem):
    form = StrategyForm(formdata=None, obj=strategy)
    _fill_dates(form, strategy)
    form.seen.data = strategy_fingerprint(strategy)
    return render_template(
        "admin/strategy_settings.html",
        strategy=strategy,
        form=form,
        problem=problem,
        draft=draft_version(strategy),
        statuses=VERSION_STATUSES,
    ), 400


def _version_or_404(version_id) -> StrategyVersion:
    return db.session.get(StrategyVersion, version_id) or abort(404)


def render_editor(version, *, problem=None, status=200, **forms):
    """The version's page: its themes and priorities and, for a draft, the forms to change it."""
    forms.setdefault("theme_form", ThemeForm(formdata=None))
    forms.setdefault("import_form", ImportForm(formdata=None))
    forms.setdefault("publish_form", PublishForm(formdata=None))
    previous = previous_version(version)
    failing = next((f for f in forms.values() if f.errors), None)
    return render_template(
        "admin/strategy_version.html",
        form=failing,
        version=version,
        strategy=version.strategy,
        previous=previous,
        unexplained=unexplained(version) if version.is_draft else [],
        statuses=VERSION_STATUSES,
        kinds=CHANGE_KINDS,
        problem=problem,
        **forms,
    ), status


@bp.get("/strategy/versions/<int:version_id>")
def edit_version(version_id):
    """A version's themes and priorities; a draft can be changed, imported and published."""
    return render_editor(_version_or_404(version_id))


@bp.post("/strategy/versions/<int:version_id>/themes")
def add_strategy_theme(version_id):
    version = _version_or_404(version_id)
    form = ThemeForm()
    if not form.validate_on_submit():
        return render_editor(version, status=400, theme_form=form)
    if repeated := repeated_theme(version, form.title.data, form.summary.data or ""):
        flash(f"The theme {repeated.title} is in version {version.number} already")
        return redirect(url_for("admin.edit_version", version_id=version.id), 303)
    try:
        theme = add_theme(version, form.title.data, form.summary.data or "")
    except EngageError as error:
        db.session.rollback()
        return render_editor(version, problem=error.message, status=400, theme_form=form)
    db.session.commit()
    flash(f"Added the theme {theme.title}")
    return redirect(url_for("admin.edit_version", version_id=version.id), 303)


@bp.route("/strategy/themes/<int:theme_id>", methods=["GET", "POST"])
def edit_strategy_theme(theme_id):
    theme = db.session.get(StrategyTheme, theme_id) or _theme_gone()
    form = ThemeForm(obj=theme)
    problem, saved = None, theme_fingerprint(theme)
    valid = form.validate_on_submit()
    if valid and form.seen.data and form.seen.data != saved:
        form.seen.data = saved  # saving again, after checking, keeps these words
        problem = THEME_SAVED_SINCE
    elif valid:
        try:
            update_theme(theme, form.title.data, form.summary.data or "")
        except EngageError as error:
            db.session.rollback()
            problem = error.message
        else:
            db.session.commit()
            flash(f"Saved the theme {theme.title}")
            return redirect(url_for("admin.edit_version", version_id=theme.version_id), 303)
    if not form.is_submitted():
        form.seen.data = saved
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/strategy_theme.html",
        theme=theme,
        form=form,
        problem=problem,
        saved_since=problem == THEME_SAVED_SINCE,
    ), status


def _theme_gone():
    """A save of a theme someone removed since the page was opened."""
    fields = (("title", "Theme"), ("summary", "What the theme is about"))
    sent_once_gone("theme", fields, "your changes were not saved", "a new theme")


THEME_SAVED_SINCE = (
    "Someone else saved this theme after you opened it. Your changes are below and are not"
    " saved: check them against what is saved now, then save again"
)


@bp.route("/strategy/themes/<int:theme_id>/remove", methods=["GET", "POST"])
def remove_strategy_theme(theme_id):
    """Ask first, naming the theme, as for a priority: its words cannot be brought back."""
    theme = get_for_removal(StrategyTheme, theme_id)
    if theme is None:
        return removed_already("theme")
    version, title = theme.version, theme.title
    try:
        if request.method == "GET":
            check_theme_removable(theme)  # a removal that would be refused is not asked about
            return render_template("admin/strategy_remove_theme.html", theme=theme, version=version)
        remove_theme(theme, staff_user())
    except EngageError as error:
        db.session.rollback()
        return render_editor(version, problem=error.message, status=400)
    db.session.commit()
    flash(f"Removed the theme {title} from version {version.number}")
    return redirect(url_for("admin.edit_version", version_id=version.id), 303)


@bp.post("/strategy/versions/<int:version_id>/publish")
def publish_strategy_version(version_id):
    """Publish a draft for comment or as the final version, once every change says why."""
    version = _version_or_404(version_id)
    form = PublishForm()
    if not form.validate_on_submit():
        return render_editor(version, status=400, publish_form=form)
    lock_version(version.id)  # sent twice at once: the second waits, then is told it is done
    if not version.is_draft and version.status == form.status.data:
        # A double click, or a second admin publishing the same draft: it is done already.
        flash(f"Version {version.number} was already published: {_as(version)}")
        return redirect(url_for("admin.strategy_settings", strategy_id=version.strategy_id), 303)
    try:
        publish(version, form.status.data, form.note.data or "")
    except EngageError as error:
        db.session.rollback()
        return render_editor(version, problem=error.message, status=400, publish_form=form)
    if form.status.data == "final" and form.confirmed.data != "yes":
        # It could be published (nothing refused it); the final version cannot be revised, so ask.
        db.session.rollback()
        return render_template("admin/strategy_publish_final.html", version=version, form=form)
    db.session.commit()
    flash(f"Published version {version.number}: {_as(version)}")
    return redirect(url_for("admin.strategy_settings", strategy_id=version.strategy_id), 303)


def _as(version: StrategyVersion) -> str:
    return VERSION_STATUSES[version.status].lower()
