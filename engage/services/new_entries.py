"""Entries published after an analysis run, given its themes without running it again.

That happens lazily: the themes page notices entries the run has not seen and queues a job,
which places them with the run's stored model and follows the team's merges and splits.
"""

from collections import defaultdict

from sqlalchemy import delete

from engage.extensions import db
from engage.models import AnalysisRun, RunTheme, ThemeAssignment
from engage.services import workspace_entries as entries
from engage.services.analysis_runs import (
    RunError,
    assignment_values,
    bulk_insert_assignments,
    get_run,
    lock_run,
    refresh_sizes,
)
from engage.services.run_models import MODEL_MISSING, load_model, split_parts
from engage.services.theme_mentions import store_mentions

# The analysis's name for the entries with no words its themes use.
OTHER = "Other (no distinctive words)"


def new_entries_waiting(run: AnalysisRun) -> int:
    """Entries published (or withdrawn) since the run read them."""
    if not run.is_done or run.started_at is None:
        return 0
    return entries.count_changed_since(run.consultation, run.id, run.started_at)


def queue_new_entries(run: AnalysisRun):
    """Queue the job that gives new entries the run's themes (once at a time)."""
    from engage.jobs import enqueue

    return enqueue("assign_new_entries", {"run_id": run.id}, key=f"assign:{run.id}")


def assign_new_entries(run_id: int) -> int:
    """Give entries published since the run its themes, and drop entries no longer published.
    Returns how many entries were added."""
    lock_run(run_id)
    run = get_run(run_id)
    withdrawn = entries.withdrawn_assignments(run.id)
    if withdrawn:
        db.session.execute(delete(ThemeAssignment).where(ThemeAssignment.id.in_(withdrawn)))
    rows = entries.list_unassigned_entries(run.consultation, run.id)
    if rows:
        model = load_model(run.model_file)
        if model is None:
            raise RunError(MODEL_MISSING.format(run="This run"))
        _assign(run, model, rows)
    refresh_sizes(run)
    return len(rows)


def _assign(run: AnalysisRun, model, rows: list[entries.EntryRow]) -> None:
    by_model = {t.model_theme: t for t in run.themes if t.model_theme is not None}
    found = model.transform([r.text for r in rows], ids=[r.key for r in rows])
    # Primary and further themes are routed together: a split theme's model loads once.
    targets: dict[int, list[tuple[entries.EntryRow, tuple[bool, float]]]] = defaultdict(list)
    for row, assignment in zip(rows, found, strict=True):
        theme = by_model.get(assignment.theme_id) or _other_theme(run)
        targets[theme.id].append((row, (True, assignment.score)))
        for secondary in assignment.secondary:
            if secondary.theme_id in by_model:
                targets[by_model[secondary.theme_id].id].append((row, (False, secondary.score)))
    values, mentions = [], defaultdict(list)
    for theme_id, items in targets.items():
        for theme, row, (primary, score) in _route(db.session.get(RunTheme, theme_id), items):
            if primary:
                values.append({**assignment_values(run.id, theme, row, score), "added_later": True})
            else:
                mentions[row.key].append((theme.id, score))
    bulk_insert_assignments(values)
    store_mentions(run.id, mentions)


def _other_theme(run: AnalysisRun) -> RunTheme:
    """Where a new entry goes when it uses none of the words the run's themes were found in
    (another language, a word no entry of the run had): the run's "Other" theme, made the
    first time one is needed. Left out, it was counted nowhere and waited for a theme forever."""
    other = next((t for t in run.themes if t.is_other), None)
    if other is None:
        number = max((t.number for t in run.themes), default=0) + 1
        other = RunTheme(run=run, number=number, label=OTHER, found_label=OTHER, is_other=True)
        db.session.add(other)
        db.session.flush()
    return other


def _route(theme: RunTheme, items):
    """Follow the team's edits: a merged theme sends entries to the theme it was merged into,
    a split theme to its parts (by the model fitted when it was split)."""
    while theme.merged_into is not None:
        theme = theme.merged_into
    if not theme.split:
        for row, score in items:
            yield theme, row, score
        return
    parts = {t.split_part: t for t in theme.run.themes if t.parent_id == theme.id}
    model = load_model(theme.split_model_file)
    biggest = max(parts.values(), key=lambda t: t.size)
    chosen = split_parts(model, [row.text for row, _ in items], parts, biggest)
    for (row, score), part in zip(items, chosen, strict=True):
        yield from _route(part, [(row, score)])
