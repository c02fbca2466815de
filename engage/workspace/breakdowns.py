"""Breakdowns of a run's themes (small counts hidden), and reach against the population."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from engage.errors import EngageError
from engage.extensions import db
from engage.services.breakdowns import DIMENSIONS, breakdown
from engage.services.consultations import get_consultation_by_id
from engage.services.reach import has_baselines, import_baselines, import_deprivation, reach
from engage.services.reach_files import MAX_FILE
from engage.workspace import bp
from engage.workspace.forms import UploadForm
from engage.workspace.themes import _done_run_or_404


@bp.get("/runs/<int:run_id>/breakdowns/<dimension>")
def show_breakdown(run_id, dimension):
    """Every theme by area, channel, age band, deprivation or kind of entry: chart and table."""
    run = _done_run_or_404(run_id)
    if dimension not in DIMENSIONS:
        abort(404)
    table = breakdown(run, dimension)
    chosen = request.args.get("theme", type=int)
    row = next((i for i, (theme_id, _) in enumerate(table.rows) if theme_id == chosen), None)
    return render_template(
        "workspace/breakdown.html",
        run=run,
        dimension=dimension,
        dimensions=DIMENSIONS,
        table=table,
        row=row,
    )


@bp.url_value_preprocessor
def _reach_form_body_limit(endpoint, values) -> None:
    """Let the reach imports take a body larger than MAX_CONTENT_LENGTH, so that a whole
    national file is read, and one over the import's limit gets the reach page's message, not
    the public "too large" page. Set before CSRFProtect's before_request reads the body."""
    if endpoint == "workspace.import_reach":
        request.max_content_length = current_app.config["REACH_FORM_MAX_CONTENT_LENGTH"]


def _render_reach(consultation, problem=None, status=200, **forms):
    forms.setdefault("baseline_form", UploadForm(formdata=None, prefix="baselines"))
    forms.setdefault("deprivation_form", UploadForm(formdata=None, prefix="deprivation"))
    failing = next((f for f in forms.values() if f.errors), None)
    return render_template(
        "workspace/reach.html",
        consultation=consultation,
        reach=reach(consultation),
        has_baselines=has_baselines(consultation),
        form=failing,
        problem=problem,
        **forms,
    ), status


@bp.get("/consultations/<int:consultation_id>/reach")
def show_reach(consultation_id):
    """Who took part against who lives in each area and age band, and by deprivation."""
    consultation = get_consultation_by_id(consultation_id) or abort(404)
    return _render_reach(consultation)


@bp.post("/consultations/<int:consultation_id>/reach/<kind>")
def import_reach(consultation_id, kind):
    """Import population baselines or deprivation deciles from a CSV or XLSX file."""
    try:
        return _import(consultation_id, kind)
    finally:
        for upload in request.files.values():
            upload.close()  # a large upload is spooled to a temporary file


def _import(consultation_id: int, kind: str):
    consultation = get_consultation_by_id(consultation_id) or abort(404)
    importers = {"baselines": import_baselines, "deprivation": import_deprivation}
    if kind not in importers:
        abort(404)
    form = UploadForm(prefix=kind)
    name = f"{'baseline' if kind == 'baselines' else 'deprivation'}_form"
    if not form.validate_on_submit():
        return _render_reach(consultation, status=400, **{name: form})
    try:
        saved = importers[kind](form.upload.data.read(MAX_FILE + 1))  # enough to refuse it
    except EngageError as error:
        db.session.rollback()
        return _render_reach(consultation, problem=error.message, status=400, **{name: form})
    db.session.commit()
    flash(saved.summary)
    return redirect(url_for("workspace.show_reach", consultation_id=consultation.id), 303)
