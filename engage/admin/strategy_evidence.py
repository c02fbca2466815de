"""Administrators cite published wishes and themes of the analysis as a draft priority's
evidence, and take them off. Each change waits for any other change to the priority's version
(lock_version), so a form sent twice (a double click, two admins at once) is done once and the
second copy is told it was done already; a priority removed meanwhile is said to be gone."""

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from engage.admin import bp
from engage.admin.strategy_removal import get_for_removal, removed_meanwhile
from engage.errors import EngageError
from engage.extensions import db
from engage.models import Priority, RunTheme, Wish
from engage.numbers import id_arg, parse_id
from engage.public.forms import WallSearchForm
from engage.services.analysis_runs import latest_done_run, visible_themes
from engage.services.search import query_terms
from engage.services.strategy_evidence import (
    cite_theme,
    cite_wishes,
    evidence_summary,
    uncite_theme,
    uncite_wish,
)
from engage.services.wishes import wall_query, wish_named


@bp.route("/strategy/priorities/<int:priority_id>/evidence", methods=["GET", "POST"])
def priority_evidence(priority_id):
    """Search the published wishes and cite those that ask for this priority."""
    priority = get_for_removal(Priority, priority_id)
    if priority is None:
        return removed_meanwhile()  # a page asked for (GET) is "Page not found"
    problem, ids = None, []
    if request.method == "POST":
        ids = [n for v in request.form.getlist("wish") if (n := parse_id(v))][:200]
        wishes = list(db.session.scalars(select(Wish).where(Wish.id.in_(ids)))) if ids else []
        try:
            if not wishes or len(wishes) != len(set(ids)):
                raise EngageError("Tick the wishes to cite")
            added = cite_wishes(priority, wishes)
        except EngageError as error:
            db.session.rollback()
            problem = error.message
        else:
            db.session.commit()
            flash(_cited(added, wishes))
            return redirect(request.full_path, 303)
    return _evidence_page(priority, problem, ticked=set(ids) if problem else set())


def _cited(added: int, wishes: list[Wish]) -> str:
    named = f" {wish_named(wishes[0])}" if len(wishes) == 1 else ""
    if added:
        return f"Cited {added} more {'wish' if added == 1 else 'wishes'}{named}"
    # Sent again (a double click, or another admin cited them first): nothing was left to add.
    return (
        f"The ticked wish{named} was already cited"
        if len(wishes) == 1
        else "The ticked wishes were already cited"
    )


def _evidence_page(priority, problem=None, ticked=frozenset()):
    """The evidence page, with what went wrong if a change to the evidence was refused (and
    the wishes that were ticked, ticked again)."""
    consultation = priority.theme.version.strategy.consultation
    search = WallSearchForm(request.args)
    words = query_terms(search.q.data or "") if search.validate() else []
    found = db.paginate(
        wall_query(consultation, words, None),
        page=min(max(request.args.get("page", 1, type=int), 1), 10_000),
        per_page=current_app.config["WISHES_PER_PAGE"],
        error_out=False,
    )
    cited = {e.wish_id for e in priority.evidence}
    run = latest_done_run(consultation.id)
    return render_template(
        "admin/strategy_evidence.html",
        priority=priority,
        analysis_run=run,
        analysis_themes=visible_themes(run) if run else [],
        search=search,
        found=found,
        words=words,
        cited=cited,
        ticked=ticked,
        evidence=evidence_summary(priority),
        problem=problem,
    ), (400 if problem else 200)


def _change(priority_id: int, change, done):
    """Make one change to a priority's evidence (`change(priority)`), commit, and say what
    happened (`done` of what it returned), or show the evidence page with why not."""
    priority = get_for_removal(Priority, priority_id)
    if priority is None:
        return removed_meanwhile()
    try:
        result = change(priority)
    except EngageError as error:
        db.session.rollback()
        return _evidence_page(priority, error.message)
    db.session.commit()
    flash(done(result))
    return redirect(url_for("admin.priority_evidence", priority_id=priority.id), 303)


@bp.post("/strategy/priorities/<int:priority_id>/evidence/<int:wish_id>/remove")
def uncite_priority_wish(priority_id, wish_id):
    """Take a wish off the evidence."""
    return _change(
        priority_id,
        lambda priority: (_wish_named(wish_id), uncite_wish(priority, wish_id)),
        lambda removed: (
            f"Removed the wish{removed[0]} from the evidence"
            if removed[1]
            else f"The wish{removed[0]} was removed from the evidence already"
        ),
    )


def _wish_named(wish_id: int) -> str:
    """The wish named for a message, after "the wish" (nothing if the wish itself is gone)."""
    wish = db.session.get(Wish, wish_id)
    return f" {wish_named(wish)}" if wish else ""


@bp.post("/strategy/priorities/<int:priority_id>/evidence/themes")
def cite_priority_theme(priority_id):
    """Cite a theme of the latest analysis run as evidence for a priority."""

    def cite(priority):
        theme = _theme_to_cite(priority)
        return theme.label, cite_theme(priority, theme)

    return _change(
        priority_id,
        cite,
        lambda cited: (
            f"Cited the theme {cited[0]}" if cited[1] else f"The theme {cited[0]} was already cited"
        ),
    )


@bp.post("/strategy/priorities/<int:priority_id>/evidence/themes/<int:theme_id>/remove")
def uncite_priority_theme(priority_id, theme_id):
    """Take a theme of the analysis off the evidence."""

    def uncite(priority):
        theme = db.session.get(RunTheme, theme_id)
        return (f" {theme.label}" if theme else ""), uncite_theme(priority, theme_id)

    return _change(
        priority_id,
        uncite,
        lambda removed: (
            f"Removed the theme{removed[0]} from the evidence"
            if removed[1]
            else f"The theme{removed[0]} was removed from the evidence already"
        ),
    )


def _theme_to_cite(priority) -> RunTheme:
    """The theme chosen on the evidence page, if it is a current theme of the latest run; if
    not, why not, naming it: a run finished, or the theme was merged or split, after the page
    was opened."""
    run = latest_done_run(priority.theme.version.strategy.consultation_id)
    theme = db.session.get(RunTheme, request.form.get("run_theme", type=id_arg) or 0)
    if run is None or theme is None or theme.run.consultation_id != run.consultation_id:
        raise EngageError("Choose a theme from the latest analysis run")
    if theme.run_id != run.id:
        raise EngageError(
            f"The theme {theme.label} is from analysis run {theme.run_id}, and run {run.id} has"
            " finished since: choose one of its themes"
        )
    if not theme.visible:
        now = f"merged into {theme.merged_into.label}" if theme.merged_into else "split"
        raise EngageError(
            f"The theme {theme.label} was {now} after this page was opened: choose a current theme"
        )
    return theme
