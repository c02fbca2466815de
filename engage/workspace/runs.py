"""Runs: start the analysis over a consultation, follow its progress, list runs and jobs."""

from flask import abort, flash, redirect, render_template, request, url_for

from engage.errors import EngageError
from engage.extensions import db
from engage.jobs import list_jobs, recover_stalled
from engage.models import JOB_STATUSES, RUN_STATUSES
from engage.numbers import parse_id, whole_number
from engage.services.analysis_runs import (
    MAX_STOP_WORDS_TEXT,
    RunUnderWay,
    get_run,
    list_runs,
    start_run,
)
from engage.services.consultations import get_consultation_by_id, list_consultations
from engage.services.theme_edits import list_edits
from engage.staff import staff_user
from engage.workspace import bp
from engage.workspace.forms import StartRunForm


def run_or_404(run_id: int):
    return get_run(run_id) or abort(404)


def _start_form() -> StartRunForm:
    """The form to start a run; a link from a run's page fills it in (``?themes=23``)."""
    form = StartRunForm() if request.method == "POST" else StartRunForm(data=_suggested())
    form.consultation.choices = [(c.id, c.title) for c in list_consultations()]
    return form


def _suggested() -> dict:
    """Values suggested by the query string, those that are well formed."""
    data = {"stop_words": request.args.get("stop_words", "")[:MAX_STOP_WORDS_TEXT]}
    for name in ("consultation", "themes"):
        value = whole_number(request.args.get(name))
        if value is not None:
            data[name] = value
    return data


@bp.route("/", methods=["GET", "POST"])
def index():
    """Every run, newest first, and the form to start one."""
    form = _start_form()
    problem = None
    if form.validate_on_submit():
        consultation = get_consultation_by_id(form.consultation.data) or abort(400)
        try:
            run = start_run(
                consultation,
                staff_user(),
                form.themes.data,
                keep_themes=form.keep_themes.data,
                stop_words=form.stop_words.data,
            )
        except RunUnderWay as under_way:
            db.session.rollback()
            flash(under_way.message)
            return redirect(url_for("workspace.show_run", run_id=under_way.run.id), 303)
        except EngageError as error:
            db.session.rollback()
            problem = error.message
        else:
            db.session.commit()
            flash(f"Started run {run.id} over the published entries of {consultation.title}")
            return redirect(url_for("workspace.show_run", run_id=run.id), 303)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "workspace/index.html",
        form=form,
        problem=problem,
        runs=list_runs(),
        statuses=RUN_STATUSES,
    ), status


@bp.get("/runs/<int:run_id>")
def show_run(run_id):
    """A run's progress while it works (the page refreshes itself), then what it found."""
    recover_stalled()
    run = run_or_404(run_id)
    return render_template(
        "workspace/run.html",
        run=run,
        job=run.job,
        statuses=RUN_STATUSES,
        edits=list_edits(run)[:50],
    )


@bp.get("/jobs")
def jobs():
    """Background jobs, with the error of any that failed."""
    recover_stalled()
    return render_template("workspace/jobs.html", jobs=list_jobs(), statuses=JOB_STATUSES)


# Any text as the id, not <int:…>: the converter would turn an id beyond MAX_ID away with the
# HTML "Page not found" before this view, and the script polling this reads JSON.
@bp.get("/runs/<run_id>/status")
def run_status(run_id):
    """The run's progress as JSON, for the progress page's script."""
    recover_stalled()
    number = parse_id(run_id)
    run = get_run(number) if number is not None else None
    if run is None:
        error = f"There is no run {run_id[:20]}{'…' if len(run_id) > 20 else ''}"
        return {"error": error, "status": "unknown", "finished": True}, 404
    job = run.job
    return {
        "status": run.status,
        "finished": run.status in ("done", "failed"),
        "progress": job.progress if job else 0,
        "stage": job.stage if job else "",
    }
