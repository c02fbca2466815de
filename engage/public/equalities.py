"""The optional equalities questions, offered on each confirmation page: after wishes, after a
photo entry and after a comment on the draft. Only a browser that has just sent something of
that kind sees them; the answers are stored under a random pseudonym that only this browser's
session holds, so they can be changed here and joined to nothing anywhere."""

from flask import abort, flash, redirect, render_template, request, session, url_for

from engage.extensions import db
from engage.models import PhotoEntry
from engage.public import bp
from engage.public.equalities_forms import equalities_form
from engage.public.routes import _consultation_or_404, _own_submission
from engage.public.strategy import _own_comment, _strategy_or_404
from engage.services.equalities import EqualitiesError, save_answers
from engage.services.photos import get_competition

_SESSION_KEY = "equalities"


def _step(consultation, source: str, done_url: str, ask_age: bool):
    """Show the questions, or save them and go back to the confirmation."""
    form = equalities_form(ask_age)
    key = f"{consultation.id}:{source}"
    if request.method == "POST" and "skip" in request.form:
        return redirect(done_url, 303)
    if form.validate_on_submit():
        known = session.get(_SESSION_KEY, {})
        try:
            pseudonym = save_answers(consultation, source, form.answers(), known.get(key))
        except EqualitiesError:
            db.session.rollback()
            abort(400)
        db.session.commit()
        session[_SESSION_KEY] = {**known, key: pseudonym}
        flash("Thank you: your answers are saved, apart from what you told us.", "success")
        return redirect(done_url, 303)
    page = render_template(
        "public/equalities.html", consultation=consultation, form=form, back=done_url
    )
    return page, 400 if form.errors else 200


@bp.route("/consultations/<slug>/wishes/equalities", methods=["GET", "POST"])
def wish_equalities(slug):
    """Optional equalities questions after giving wishes."""
    consultation = _consultation_or_404(slug)
    if _own_submission(consultation) is None:
        return redirect(url_for("public.new_wishes", slug=slug))
    return _step(consultation, "wish", url_for("public.wishes_sent", slug=slug), ask_age=False)


@bp.route("/consultations/<slug>/strategy/comments/equalities", methods=["GET", "POST"])
def comment_equalities(slug):
    """Optional equalities questions after commenting on the draft."""
    consultation, strategy = _strategy_or_404(slug)
    if _own_comment(strategy) is None:
        return redirect(url_for("public.strategy_contents", slug=slug))
    done = url_for("public.comment_sent", slug=slug)
    return _step(consultation, "comment", done, ask_age=False)


@bp.route("/competitions/<slug>/equalities", methods=["GET", "POST"])
def photo_equalities(slug):
    """Optional equalities questions after entering a photo (age included: no step asked it)."""
    competition = get_competition(slug) or abort(404)
    ids = session.get("photo_entries", [])
    entry = db.session.get(PhotoEntry, ids[-1]) if ids else None
    if entry is None or entry.competition_id != competition.id:
        return redirect(url_for("public.show_competition", slug=slug))
    done = url_for("public.entry_sent", slug=slug)
    return _step(competition.consultation, "photo", done, ask_age=True)
