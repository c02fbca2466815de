"""Exports of a run: themes and assignments as CSV and XLSX, and the printable report."""

from flask import Response, render_template, stream_with_context

from engage.services.analysis_runs import get_run, newer_done_run
from engage.services.breakdowns import DIMENSIONS, breakdowns
from engage.services.reach import reach
from engage.services.run_counts import entry_counts
from engage.services.theme_exports import (
    ASSIGNMENT_COLUMNS,
    THEME_COLUMNS,
    about_rows,
    assignment_rows,
    csv_lines,
    theme_rows,
    workbook,
)
from engage.services.theme_reports import summaries
from engage.workspace import bp
from engage.workspace.themes import _done_run_or_404


@bp.context_processor
def _entry_counts():
    # The run, themes and report pages all say how their entries add up, the same way; a
    # run's pages say when a newer run has taken over (edits here are not carried on).
    return {"entry_counts": entry_counts, "newer_run": newer_done_run}


def _download(body, mimetype: str, filename: str) -> Response:
    # Flask adds "; charset=utf-8" to a text/* mimetype itself: giving it here doubles it.
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/runs/<int:run_id>/exports")
def exports(run_id):
    """The downloads of a run and its report."""
    run = _done_run_or_404(run_id)
    return render_template("workspace/exports.html", run=run)


@bp.get("/runs/<int:run_id>/themes.csv")
def themes_csv(run_id):
    run = _done_run_or_404(run_id)
    lines = list(csv_lines(THEME_COLUMNS, theme_rows(run)))
    return _download(lines, "text/csv", f"run-{run.id}-themes.csv")


@bp.get("/runs/<int:run_id>/assignments.csv")
def assignments_csv(run_id):
    run = _done_run_or_404(run_id)
    lines = stream_with_context(csv_lines(ASSIGNMENT_COLUMNS, _streamed_rows(run.id)))
    return _download(lines, "text/csv", f"run-{run.id}-assignments.csv")


def _streamed_rows(run_id: int):
    # The rows are read while the response streams, after the view's session has closed.
    yield from assignment_rows(get_run(run_id))


@bp.get("/runs/<int:run_id>/themes.xlsx")
def themes_xlsx(run_id):
    run = _done_run_or_404(run_id)
    return _download(
        workbook(run),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"run-{run.id}-themes.xlsx",
    )


@bp.get("/runs/<int:run_id>/report")
def report(run_id):
    """A printable report for the partnership board: themes, charts and tables, and reach."""
    run = _done_run_or_404(run_id)
    weeks, found = summaries(run)
    tables = breakdowns(run, ("area", "channel", "age-band", "deprivation"))
    return render_template(
        "workspace/report.html",
        run=run,
        weeks=weeks,
        summaries=found,
        tables=tables,
        dimensions=DIMENSIONS,
        reach=reach(run.consultation),
        about=about_rows(run),
    )
