"""A judge's pages: the competitions they judge, and a score form for each shortlisted entry."""

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from engage.errors import EngageError
from engage.extensions import db
from engage.judging import bp
from engage.models import PhotoEntry
from engage.numbers import parse_id, whole_number
from engage.services.competitions import lock_competition
from engage.services.judging import (
    SCORE_RANGE,
    competitions_judged_by,
    is_judge,
    save_scores,
    scores_of,
    shortlisted_entries,
)
from engage.services.photos import get_competition_by_id
from engage.staff import staff_user


class ScoreForm(FlaskForm):
    """The scores are read from the request by criterion id; this carries the CSRF token."""


@bp.get("/")
def index():
    """The competitions this judge was appointed to, and how far their scoring has got."""
    return _index_page()


def _index_page(problem: str | None = None, status: int = 200):
    judge = staff_user()
    progress = {}
    competitions = competitions_judged_by(judge)
    for competition in competitions:
        mine = scores_of(judge, competition)
        entries = shortlisted_entries(competition)
        criteria = len(competition.criteria)
        # With no criteria yet, nothing can have been scored.
        done = sum(1 for e in entries if criteria and len(mine.get(e.id, {})) == criteria)
        progress[competition.id] = (done, len(entries))
    return render_template(
        "judging/index.html", competitions=competitions, progress=progress, problem=problem
    ), status


def _judged_competition(competition_id: int):
    competition = get_competition_by_id(competition_id) or abort(404)
    if not is_judge(staff_user(), competition):
        abort(403)
    return competition


@bp.get("/<int:competition_id>")
def score_entries(competition_id, problem=None, problem_entry=None, status=200):
    """Every shortlisted entry with a 1–5 score for each criterion."""
    competition = _judged_competition(competition_id)
    return render_template(
        "judging/score.html",
        competition=competition,
        entries=shortlisted_entries(competition),
        scores=scores_of(staff_user(), competition),
        choices=list(SCORE_RANGE),
        form=ScoreForm(),
        problem=problem,
        problem_entry=problem_entry,
        unscored=_unscored(competition) if problem else [],
        sent=request.form if problem else {},
    ), status


def _unscored(competition) -> list[int]:
    """The criteria the form sent no score from 1 to 5 for, to mark them on the page."""
    return [
        c.id
        for c in competition.criteria
        if whole_number(request.form.get(f"criterion-{c.id}"), 1, 5) is None
    ]


@bp.post("/<int:competition_id>/entries/<int:entry_id>")
def save_entry_scores(competition_id, entry_id):
    """Save this judge's scores for one entry; they can change them until results are out."""
    # Whether they judge it is asked once the lock is held: they may have been removed since.
    competition = get_competition_by_id(competition_id) or abort(404)
    entry = db.session.get(PhotoEntry, entry_id)
    if entry is None or entry.competition_id != competition.id:
        abort(404)
    if not ScoreForm().validate_on_submit():
        abort(400)
    # An admin removing a criterion or this judge, or this form sent twice, waits for this
    # save (or it for them), which then reads what they left.
    lock_competition(competition.id)
    if not is_judge(staff_user(), competition):
        return _no_longer_judge(competition, entry)
    try:
        save_scores(staff_user(), entry, _sent_scores())
    except EngageError as error:
        db.session.rollback()
        return score_entries(competition.id, error.message, entry.id, 400)
    db.session.commit()
    flash(f"Saved your scores for “{entry.title}”")
    anchor = f"entry-{entry.id}"
    return redirect(
        url_for("judging.score_entries", competition_id=competition.id, _anchor=anchor), 303
    )


_SCORE_FIELD = re.compile(r"criterion-([0-9]+)")


def _sent_scores() -> dict[int, int]:
    """The scores sent, by criterion id: those of a criterion removed since the page was
    opened included, so that the judge is told rather than it being left out unseen."""
    values = {}
    for name, value in request.form.items():
        field = _SCORE_FIELD.fullmatch(name)
        criterion_id = parse_id(field[1]) if field else None
        number = whole_number(value)
        if criterion_id is not None and number is not None:
            values[criterion_id] = number
    return values


def _no_longer_judge(competition, entry):
    """An admin removed this judge since the page was opened: nothing of this form is saved,
    and the scores they saved before are kept."""
    db.session.rollback()
    problem = (
        f"Your scores for “{entry.title}” were not saved: you no longer judge "
        f"{competition.title}. The scores you saved before are kept."
    )
    return _index_page(problem, 403)
