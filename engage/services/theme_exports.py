"""Exports of a run: its themes and their assignments as CSV and XLSX, and what the printable
report for the partnership board shows.

No cell can run as a formula: in CSV, text starting with =, +, -, @, a tab or a carriage
return is prefixed with an apostrophe (the OWASP advice for CSV injection); in XLSX every cell
is written as text or a number, never a formula, and such text keeps its own first character
with the "quote prefix" style, which keeps it text when someone edits the cell.
"""

import csv
import io
from collections.abc import Callable, Iterator
from itertools import islice

from sqlalchemy import Row, select

from engage.extensions import db
from engage.models import AGE_BANDS, CHANNELS, AnalysisRun, Area, ThemeAssignment
from engage.services.analysis_runs import visible_themes
from engage.services.flags import redact_personal_data
from engage.services.run_counts import entry_counts
from engage.services.theme_mentions import raised_in_run
from engage.services.theme_reports import WITHDRAWN, relevant_total
from engage.services.workspace_entries import ENTRY_TYPES, with_entries
from engage.services.xlsx import write_workbook
from engage.template_helpers import local_datetime

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000
CSV_ROWS = 500
_CHANNELS = {**CHANNELS, "photo": "Photo competition"}

THEME_COLUMNS = [
    "run",
    "theme",
    "label",
    "label found by the analysis",
    "renamed by the team",
    "entries",
    "share (%)",
    "also raised by entries of other themes",
    "keywords",
    "mapped to",
    "new (fits none of the strategy)",
]
ASSIGNMENT_COLUMNS = [
    "run",
    "reference",
    "kind of entry",
    "theme",
    "theme label",
    "score",
    "matching terms",
    "other themes it raises",
    "moved by the team",
    "not relevant",
    "given a theme after the run",
    "area",
    "channel",
    "age band",
    "week",
    "text",
]


def neutralise(value):
    """Text that a spreadsheet would run as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def theme_rows(run: AnalysisRun) -> Iterator[list]:
    total = relevant_total(run) or 1
    for t in visible_themes(run):
        mapping = t.confirmed_mapping
        yield [
            run.id,
            t.number,
            t.label,
            t.found_label,
            "yes" if t.renamed else "no",
            t.size,
            round(100 * t.size / total, 1),
            t.also_raised,
            ", ".join(t.keywords)
            if t.size
            else "",  # an emptied theme's are the entries' that left
            mapping.target_title if mapping else "",
            "yes" if t.is_new and mapping is None else "no",
        ]


def assignment_rows(run: AnalysisRun) -> Iterator[list]:
    """Every assignment of the run, with the entry's public text (personal data redacted,
    as in every quote the workspace shows), read as it goes so a large run streams."""
    themes = {t.id: (t.number, t.label) for t in run.themes}
    areas = dict(db.session.execute(select(Area.id, Area.name)).all())
    raised = _alongside(raised_in_run(run.id))
    for a in _assignments(run.id):
        number, label = themes[a.theme_id]
        yield [
            run.id,
            a.reference if a.reference is not None else f"{a.entry_type}:{a.entry_id}",
            ENTRY_TYPES.get(a.entry_type, a.entry_type),
            number,
            label,
            a.score,
            a.terms,
            "; ".join(f"{themes[t][0]} {themes[t][1]} ({s:.2f})" for t, s in raised(a.id)),
            "yes" if a.moved_by_team else "no",
            "yes" if a.not_relevant else "no",
            "yes" if a.added_later else "no",
            areas.get(a.area_id, ""),
            _CHANNELS.get(a.channel, a.channel),
            AGE_BANDS.get(a.age_band or "", ""),
            a.week.isoformat(),
            redact_personal_data(a.text) if a.text is not None else WITHDRAWN,
        ]


def _assignments(run_id: int) -> Iterator[Row]:
    """The run's assignments in id order, with their entries' references and texts, as plain
    rows: one query read CHUNK rows at a time. (A query per chunk, each after the last one's
    id, made SQLite sort the whole run's assignments again for every chunk; looking the
    entries up by lists of ids took PostgreSQL longer than reading them.)"""
    columns = [c for c in ThemeAssignment.__table__.c if c.key != "run_id"]
    query = select(*columns).where(ThemeAssignment.run_id == run_id).order_by(ThemeAssignment.id)
    yield from db.session.execute(with_entries(query).execution_options(yield_per=CHUNK))


def _alongside(found: Iterator[tuple[int, list]]) -> Callable[[int], list]:
    """A lookup of what `found` lists by increasing id, asked in increasing id order: two
    queries read side by side rather than the second asked again for each chunk of the first."""
    pending = next(found, None)

    def lookup(key: int) -> list:
        nonlocal pending
        while pending is not None and pending[0] < key:
            pending = next(found, None)
        return pending[1] if pending is not None and pending[0] == key else []

    return lookup


def csv_lines(header: list[str], rows: Iterator[list]) -> Iterator[str]:
    """CSV text with a byte-order mark so spreadsheets read UTF-8: the header at once, then
    CSV_ROWS rows at a time (a piece per row made a write to the network per row)."""
    rows, buffer = iter(rows), io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    yield buffer.getvalue()
    while batch := list(islice(rows, CSV_ROWS)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([neutralise(v) for v in row] for row in batch)
        yield buffer.getvalue()


def workbook(run: AnalysisRun) -> bytes:
    """An XLSX workbook: a sheet of themes, a sheet of assignments, and where they came from."""
    return write_workbook(
        [
            ("Themes", THEME_COLUMNS, theme_rows(run)),
            ("Assignments", ASSIGNMENT_COLUMNS, assignment_rows(run)),
            ("About this run", ["", ""], about_rows(run)),
        ],
        quoted=DANGEROUS,
    )


def about_rows(run: AnalysisRun) -> list[list]:
    """Which run a report or export came from, in words a reader understands: who ran it and
    when (as the rest of the site shows dates), how its entries add up, and what was asked of
    the analysis. Internal parameters (the random seed, how the number was chosen) are left
    out: the run's page shows how the number of themes was chosen."""
    who = run.created_by.name if run.created_by else "the command line"
    counts = entry_counts(run)
    parameters = run.parameters or {}
    chosen = [c["n_themes"] for c in parameters.get("selection") or [] if c.get("chosen")]
    asked = parameters.get("n_themes")
    start = parameters.get("start_from_run")
    return [
        ["Consultation", run.consultation.title],
        ["Run", run.id],
        ["Started by", who],
        ["Started", local_datetime(run.started_at)],
        ["Finished", local_datetime(run.finished_at)],
        ["Entries analysed", run.n_entries],
        ["Entries of the run with no theme", counts.without_theme],
        ["Entries published after the run and given its themes", counts.added_later],
        ["Entries marked not relevant", counts.not_relevant],
        ["Entries counted in the themes", counts.relevant],
        ["Analysis library version", run.library_version],
        ["Number of themes", _number_of_themes(run, asked, chosen[0] if chosen else None)],
        ["Words left out", ", ".join(parameters.get("extra_stop_words") or []) or "None"],
        ["Themes started from", f"Run {start}" if start else "A fresh analysis"],
        [
            "Edits carried over from",
            f"Run {run.previous_run_id}" if run.previous_run_id else "None",
        ],
    ]


def _number_of_themes(run: AnalysisRun, asked: int | None, chosen: int | None) -> str:
    """How many themes the analysis found, and how many were asked for or it chose: fewer
    are found where themes too small to act on joined their nearest."""
    found = sum(1 for t in run.themes if t.parent_id is None and not t.is_other)
    wanted, how = (asked, "asked for") if asked else (chosen, "chosen by the analysis")
    if wanted is None:
        return "Chosen by the analysis"
    if found == wanted:
        return f"{found}, as asked for" if asked else f"{found}, chosen by the analysis"
    return f"{found} found, of {wanted} {how} (themes too small to act on joined their nearest)"
