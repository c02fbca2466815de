"""Photo competitions for administrators: create one; set its criteria, judges and shortlist;
see the judges' combined scores and the votes; publish the results."""

from flask import abort, flash, redirect, render_template, request, url_for

from engage import audit
from engage.admin import bp
from engage.admin.competition_forms import (
    ActionForm,
    CompetitionDetailsForm,
    CompetitionForm,
    CriterionForm,
    JudgeForm,
)
from engage.errors import EngageError
from engage.extensions import db
from engage.models import AWARDS, PhotoEntry, User
from engage.numbers import parse_id
from engage.services.competitions import (
    add_criterion,
    appoint_judge,
    create_competition,
    details_fingerprint,
    get_criterion_named,
    list_judge_candidates,
    list_judges,
    lock_competition,
    remove_criterion,
    remove_judge,
    update_competition,
)
from engage.services.consultations import get_consultation_by_id, list_consultations
from engage.services.judging import (
    judges_ranking,
    list_awards,
    publish_results,
    scoring_started,
    set_shortlist,
    votes_ranking,
)
from engage.services.photos import gallery_query, get_competition_by_id, list_competitions
from engage.staff import staff_user


def _competition_form() -> CompetitionForm:
    form = CompetitionForm()
    form.consultation.choices = [(c.id, c.title) for c in list_consultations()]
    return form


@bp.route("/competitions", methods=["GET", "POST"])
def competitions():
    """Every photo competition, and a form to create one."""
    form = _competition_form()
    return _details_form(
        form,
        lambda details: create_competition(
            get_consultation_by_id(form.consultation.data) or abort(400),
            dates=form.dates(),
            **details,
        ),
        lambda competition: f"Created {competition.title}. Now add its criteria and judges.",
        "admin/competitions.html",
        competitions=list_competitions(),
    )


def _details_form(form, save, done, template, **context):
    """Save a competition's details from `form` (a refusal is shown on the form, with what was
    typed), or show the form."""
    problem = None
    if form.validate_on_submit():
        details = {
            "slug": form.slug.data,
            "title": form.title.data,
            "summary": form.summary.data,
            "rules": form.rules.data,
        }
        try:
            competition = save(details)
        except EngageError as error:
            db.session.rollback()
            problem = error.message
        else:
            db.session.commit()
            flash(done(competition))
            return redirect(url_for("admin.competition", competition_id=competition.id), 303)
    status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, problem=problem, **context), status


def _competition_or_404(competition_id: int):
    return get_competition_by_id(competition_id) or abort(404)


@bp.get("/competitions/<int:competition_id>")
def competition(competition_id):
    """One competition: criteria, judges, the shortlist, scores, votes and the results."""
    return _competition_page(_competition_or_404(competition_id))


SAVED_SINCE = (
    "Someone else saved this competition's details after you opened this page. Your changes "
    "are below and are not saved: check them against what is saved now, then save again"
)


@bp.route("/competitions/<int:competition_id>/edit", methods=["GET", "POST"])
def edit_competition(competition_id):
    """Change a competition's wording, web address or dates."""
    competition = _competition_or_404(competition_id)
    form = CompetitionDetailsForm() if request.method == "POST" else None
    form = form or CompetitionDetailsForm.of(competition)
    if form.is_submitted():
        lock_competition(competition.id)  # two saves at once: the second finds the first's
        if form.seen.data not in ("", None, details_fingerprint(competition)):
            return _saved_since(competition, form)
    return _details_form(
        form,
        lambda details: update_competition(
            competition, dates=form.dates_for(competition), **details
        ),
        lambda saved: f"Saved the details of {saved.title}",
        "admin/competition_edit.html",
        competition=competition,
    )


def _saved_since(competition, form: CompetitionDetailsForm):
    """Details sent from a page opened before another admin saved theirs: every field comes
    as the page showed it, so saving would undo theirs unseen. Show both, save nothing."""
    form.validate()  # the form's own errors are shown as well
    form.seen.data = details_fingerprint(competition)  # sent again, after checking, it saves
    page = render_template(
        "admin/competition_edit.html",
        form=form,
        problem=SAVED_SINCE,
        competition=competition,
        saved_since=True,
    )
    return page, 409


def _competition_page(competition, criterion_form: CriterionForm | None = None, status=200):
    """The competition's page; a refused criterion is shown again with its message."""
    judge_form = JudgeForm(formdata=None)
    judge_form.judge.choices = [(u.id, f"{u.name} ({u.email})") for u in list_judge_candidates()]
    return render_template(
        "admin/competition.html",
        competition=competition,
        criterion_form=criterion_form or CriterionForm(formdata=None),
        judge_form=judge_form,
        action_form=ActionForm(),
        judges=list_judges(competition),
        entries=list(db.session.scalars(gallery_query(competition))),
        ranking=judges_ranking(competition),
        votes=votes_ranking(competition),
        awards=list_awards(competition),
        labels=AWARDS,
        scoring_started=scoring_started(competition),
    ), status


def _back(competition_id: int, anchor: str):
    target = url_for("admin.competition", competition_id=competition_id, _anchor=anchor)
    return redirect(target, 303)


def _run(competition_id: int, anchor: str, action, done):
    """Run one change, commit, and say what happened (or why nothing did); `done` is the
    message, or makes it from what the change returned, once it is committed."""
    try:
        result = action()
    except EngageError as error:
        if error.status == 404:
            raise  # an id not the competition's, or perhaps removed already: "Page not found"
        db.session.rollback()
        flash(f"Not saved: {error.message}", "error")
        return _back(competition_id, anchor)
    db.session.commit()
    flash(done(result) if callable(done) else done)
    return _back(competition_id, anchor)


@bp.post("/competitions/<int:competition_id>/criteria")
def add_competition_criterion(competition_id):
    """Add a criterion judges score from 1 to 5."""
    competition = _competition_or_404(competition_id)
    form = CriterionForm()
    if not form.validate_on_submit():
        return _competition_page(competition, criterion_form=form, status=400)
    lock_competition(competition.id)  # the same form sent twice at once adds it once
    name = form.name.data
    description = form.description.data or ""
    there = get_criterion_named(competition, name)
    if there is not None and there.description != description:
        # Another admin's, or this form changed and sent again: say what was kept.
        return _criterion_refused(competition, form, _described_otherwise(there))
    try:
        criterion = add_criterion(competition, name, description)
    except EngageError as error:  # judges have scored since the page was opened
        db.session.rollback()
        return _criterion_refused(
            competition, form, f"{error.message}. What you typed was not saved"
        )
    db.session.commit()
    added = criterion is not None
    flash(f"Added the criterion “{name}”" if added else f"The criterion “{name}” was added already")
    return _back(competition.id, "criteria")


def _criterion_refused(competition, form: CriterionForm, message: str):
    """The page again, with the criterion typed and why it was not added."""
    form.name.errors.append(message)
    return _competition_page(competition, criterion_form=form, status=409)


def _described_otherwise(there) -> str:
    """Adding a criterion whose name is taken, with another description: neither is changed."""
    described = f"described as “{there.description}”" if there.description else "undescribed"
    told = (
        f"The criterion “{there.name}” is on this competition already, {described}: what you "
        "typed was not saved, and its description was not changed"
    )
    if scoring_started(there.competition):
        return told
    return f"{told}. To describe it as you typed, remove it and add it again"


def _locked_competition(competition_id: int):
    """The competition a removal is for, once any other change to it is done: the same form
    sent twice at once (a double click, two admins) is made once, the second finding it done."""
    competition = _competition_or_404(competition_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    lock_competition(competition.id)
    return competition


def _name_sent(field: str) -> str:
    """What the removed criterion or judge was called, sent with the form (it is gone now)."""
    return request.form.get(field, "").strip()[:200]


@bp.post("/competitions/<int:competition_id>/criteria/<int:criterion_id>/remove")
def remove_competition_criterion(competition_id, criterion_id):
    """Take a criterion off, before judges start scoring."""
    competition = _locked_competition(competition_id)
    return _run(
        competition.id,
        "criteria",
        lambda: remove_criterion(competition, criterion_id, staff_user()),
        lambda criterion: _criterion_removed(competition_id, criterion_id, criterion),
    )


def _criterion_removed(competition_id: int, criterion_id: int, criterion) -> str:
    """Once committed: log a removal made, and say what was done."""
    if criterion is not None:
        audit.record("criterion_removed", competition=competition_id, criterion=criterion_id)
        return f"Removed the criterion “{criterion.name}”"
    name = _name_sent("criterion_name")  # sent again: a double click, or two admins
    return (
        f"The criterion “{name}” was removed already"
        if name
        else "That criterion was removed already"
    )


@bp.post("/competitions/<int:competition_id>/judges/<int:appointment_id>/remove")
def remove_competition_judge(competition_id, appointment_id):
    """End a judge's appointment to this competition."""
    competition = _locked_competition(competition_id)
    return _run(
        competition.id,
        "judges",
        lambda: remove_judge(competition, appointment_id, staff_user()),
        lambda user: _judge_removed(competition_id, appointment_id, user),
    )


def _judge_removed(competition_id: int, appointment_id: int, user) -> str:
    """Once committed: log a removal made, and say what was done."""
    if user is not None:
        audit.record(
            "judge_removed",
            competition=competition_id,
            appointment=appointment_id,
            target_user=user.id,
            target_role=user.role.value,
        )
        return (
            f"{user.name} no longer judges this competition "
            "(any scores they gave are kept, and no longer count)"
        )
    name = _name_sent("judge_name")  # sent again: a double click, or two admins
    return f"{name} was removed as a judge already" if name else "That judge was removed already"


@bp.post("/competitions/<int:competition_id>/judges")
def appoint_competition_judge(competition_id):
    """Appoint an account with the judge role to this competition."""
    competition = _competition_or_404(competition_id)
    form = JudgeForm()
    form.judge.choices = [(u.id, u.name) for u in list_judge_candidates()]
    user = db.session.get(User, form.judge.data) if form.validate_on_submit() else None
    if user is None:
        flash(
            "Not saved: choose a judge (add accounts with the judge role on the Users page)",
            "error",
        )
        return _back(competition.id, "judges")
    lock_competition(competition.id)  # the same form sent twice at once appoints them once
    return _run(
        competition.id,
        "judges",
        lambda: appoint_judge(competition, user),
        lambda appointment: _judge_appointed(user, appointment),
    )


def _judge_appointed(user, appointment) -> str:
    if appointment is None:  # sent again: a double click, or two admins
        return f"{user.name} judges this competition already"
    return f"{user.name} now judges this competition"


@bp.post("/competitions/<int:competition_id>/shortlist")
def shortlist(competition_id):
    """Shortlist the ticked entries for the judges (and only those)."""
    competition = _competition_or_404(competition_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    ids = {n for v in request.form.getlist("shortlisted") if (n := parse_id(v))}
    shown = request.form.get("shown")  # the photos the page showed, ticked or not
    shown = {n for v in shown.split(",") if (n := parse_id(v))} if shown is not None else None
    return _run(
        competition.id,
        "shortlist",
        lambda: set_shortlist(competition, ids, shown),
        # What was saved: a photo ticked on a page opened before it was rejected is not.
        lambda n: f"Shortlist saved: {n} {'photo' if n == 1 else 'photos'}",
    )


def _chosen(name: str) -> PhotoEntry | None:
    entry_id = parse_id(request.form.get(name))
    return db.session.get(PhotoEntry, entry_id) if entry_id else None


@bp.post("/competitions/<int:competition_id>/publish")
def publish(competition_id):
    """Publish the winner, the runner-up and the people's choice on the results page."""
    competition = _competition_or_404(competition_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    awards = {kind: _chosen(kind) for kind in AWARDS}
    return _run(
        competition.id,
        "results",
        lambda: publish_results(competition, awards, staff_user()),
        "The results are published",
    )
