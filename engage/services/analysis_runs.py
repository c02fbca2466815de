"""Analysis runs: the analysis library over a consultation's published entries, stored with
its parameters, the library's version and the time, so every report can say which run it came
from; and new entries given the run's themes without running it again.

The fitted model of each run is kept (:mod:`engage.services.run_models`), so entries published
after the run are given its themes (:mod:`engage.services.new_entries`).
"""

import re

from sqlalchemy import delete, func, insert, select, update

import analysis
from analysis import ThemeModel
from engage.errors import EngageError
from engage.extensions import db
from engage.models import (
    RUN_STATUSES,
    AnalysisRun,
    Consultation,
    RunTheme,
    ThemeAssignment,
    ThemeMapping,
    User,
)
from engage.models._types import utcnow
from engage.services import workspace_entries as entries
from engage.services.run_models import MODEL_MISSING, load_model, save_model
from engage.services.strategy import current_version, draft_version, get_strategy
from engage.services.theme_mentions import mention_counts, model_mentions, store_mentions

MIN_ENTRIES = 10
MAX_THEMES = 100
MAX_STOP_WORDS = 30
MAX_STOP_WORD = 40
MAX_STOP_WORDS_TEXT = MAX_STOP_WORDS * (MAX_STOP_WORD + 2)  # the words and ", " between
# Framework suggestions at least this close are offered as mappings to confirm.
SUGGEST_SCORE = 0.2


class RunError(EngageError):
    status = 400
    title = "The analysis could not be run"


class RunUnderWay(RunError):
    """A run of the same consultation with the same settings is waiting or running: asked
    again (a second click, a form sent twice), the analysis is not started a second time."""

    status = 409

    def __init__(self, run: AnalysisRun):
        super().__init__(
            f"Run {run.id} over {run.consultation.title} with these settings is already "
            f"{RUN_STATUSES[run.status].lower()}: this is its page"
        )
        self.run = run


# Look-ups


def get_run(run_id: int) -> AnalysisRun | None:
    return db.session.get(AnalysisRun, run_id)


def list_runs(consultation: Consultation | None = None) -> list[AnalysisRun]:
    query = select(AnalysisRun).order_by(AnalysisRun.id.desc())
    if consultation is not None:
        query = query.where(AnalysisRun.consultation_id == consultation.id)
    return list(db.session.scalars(query))


def latest_done_run(consultation_id: int, before: int | None = None) -> AnalysisRun | None:
    query = select(AnalysisRun).where(
        AnalysisRun.consultation_id == consultation_id, AnalysisRun.status == "done"
    )
    if before is not None:
        query = query.where(AnalysisRun.id < before)
    return db.session.scalar(query.order_by(AnalysisRun.id.desc()).limit(1))


def lock_run(run_id: int) -> None:
    """Changes to one run's themes (the team's edits, new entries given themes) wait for each
    other, then read the themes as the change before left them: an entry given a theme the
    team is merging at that moment would otherwise land in a theme no page shows."""
    db.session.execute(select(AnalysisRun.id).where(AnalysisRun.id == run_id).with_for_update())
    db.session.expire_all()


def newer_done_run(run: AnalysisRun) -> AnalysisRun | None:
    """The latest finished run of the same consultation after this one: the next run carries
    over its edits, not this one's."""
    query = select(AnalysisRun).where(
        AnalysisRun.consultation_id == run.consultation_id,
        AnalysisRun.status == "done",
        AnalysisRun.id > run.id,
    )
    return db.session.scalar(query.order_by(AnalysisRun.id.desc()).limit(1))


def visible_themes(run: AnalysisRun) -> list[RunTheme]:
    """The run's themes as the team sees them now, biggest first."""
    themes = [t for t in run.themes if t.visible]
    return sorted(themes, key=lambda t: (t.is_other, -t.size, t.number))


# Starting a run


def start_run(
    consultation: Consultation,
    user: User | None,
    n_themes: int | None = None,
    keep_themes: bool = False,
    stop_words: str = "",
) -> AnalysisRun:
    """Record a run and queue the job that does it.

    ``keep_themes`` starts the analysis from the last done run's fitted model
    (``ThemeModel.fit(previous=...)``): its themes keep their entries as new ones arrive.
    ``stop_words`` (separated by commas) carry no theme in this consultation: the analysis
    leaves them out in every form.
    """
    from engage.jobs import enqueue

    if n_themes is not None and not 2 <= n_themes <= MAX_THEMES:
        raise RunError(f"Choose between 2 and {MAX_THEMES} themes, or leave it to the analysis")
    words = parse_stop_words(stop_words)
    count = sum(1 for _ in entries.list_published_entries(consultation))
    if count < MIN_ENTRIES:
        raise RunError(
            f"{consultation.title} has {count} published entries: the analysis needs at "
            f"least {MIN_ENTRIES}"
        )
    parameters = _parameters(consultation, n_themes)
    if words:
        parameters["extra_stop_words"] = words
    previous = latest_done_run(consultation.id) if keep_themes else None
    if keep_themes and previous is None:
        raise RunError("There is no earlier run of this consultation to start from")
    if previous is not None and load_model(previous.model_file) is None:
        raise RunError(MODEL_MISSING.format(run="The earlier run"))
    if previous is not None:
        parameters["start_from_run"] = previous.id
    if under_way := _under_way(consultation, parameters):
        raise RunUnderWay(under_way)
    run = AnalysisRun(
        consultation=consultation,
        parameters=parameters,
        library_version=analysis.__version__,
        created_by=user,
        status="queued",
    )
    db.session.add(run)
    db.session.flush()
    run.job = enqueue("analysis_run", {"run_id": run.id}, key=f"run:{run.id}")
    return run


def _under_way(consultation: Consultation, parameters: dict) -> AnalysisRun | None:
    waiting = select(AnalysisRun).where(
        AnalysisRun.consultation_id == consultation.id,
        AnalysisRun.status.in_(("queued", "running")),
    )
    return next((r for r in db.session.scalars(waiting) if r.parameters == parameters), None)


def parse_stop_words(text: str | None) -> list[str]:
    """The words of a comma-separated list, each once, in the order given."""
    words: list[str] = []
    seen: set[str] = set()
    for item in (text or "").split(","):
        word = " ".join(item.split())
        if not word or word.lower() in seen:
            continue
        seen.add(word.lower())
        if len(word) > MAX_STOP_WORD:
            raise RunError(f"“{word[:MAX_STOP_WORD]}…” is too long to be a word to leave out")
        words.append(word)
    if len(words) > MAX_STOP_WORDS:
        raise RunError(f"Enter at most {MAX_STOP_WORDS} words to leave out")
    return words


def _parameters(consultation: Consultation, n_themes: int | None) -> dict:
    return {
        "n_themes": n_themes,
        "representation": "tfidf",
        "random_state": 0,
        "area_name": consultation.place_name or None,
    }


def framework_for(consultation_id: int) -> list[dict]:
    """The strategy's own themes and priorities, for the analysis to suggest mappings.

    A priority is described by its statement, why it matters and what will be done: the
    team's own words for what it covers ("police patrols", "fear of crime"), which a
    statement alone may not say. A theme is described by its summary and its priorities'
    titles.
    """
    consultation = db.session.get(Consultation, consultation_id)
    strategy = get_strategy(consultation) if consultation else None
    version = strategy and (draft_version(strategy) or current_version(strategy))
    if not version:
        return []
    items = []
    for theme in version.themes:
        # A theme covers its priorities: its summary alone is a line, whose every word weighs
        # (the culture wishes' "lively" went to "live longer, healthier lives").
        covers = [theme.summary, *(f"{p.title}." for p in theme.priorities)]
        description = " ".join(w.strip() for w in covers if w and w.strip())
        items.append({"id": f"theme:{theme.id}", "name": theme.title, "description": description})
        for p in theme.priorities:
            words = [p.statement, p.why, *(p.activities or "").splitlines()]
            description = " ".join(w.strip() for w in words if w and w.strip())
            items.append({"id": f"priority:{p.id}", "name": p.title, "description": description})
    return items


# Doing a run (the job)


def fit_model(
    texts: list[str], ids: list[str], parameters: dict, framework: list[dict], previous=None
):
    """The analysis itself: the longest step, with no database work."""
    return ThemeModel(
        n_themes=parameters.get("n_themes"),
        representation="tfidf",
        random_state=parameters.get("random_state", 0),
        area_name=parameters.get("area_name"),
        extra_stop_words=parameters.get("extra_stop_words"),
        framework=framework or None,
    ).fit(texts, ids=ids, previous=previous)


def perform_run(run_id: int, progress) -> None:
    """Read the entries, fit, store the themes and assignments, carry the team's edits over."""
    from engage.services.theme_carry import carry_over

    run = get_run(run_id)
    _clear(run)
    run.status, run.started_at, run.error = "running", utcnow(), ""
    progress(5, "Reading the published entries")
    rows = entries.list_published_entries(run.consultation)
    framework = framework_for(run.consultation_id)
    parameters = dict(run.parameters)
    progress(15, f"Finding themes in {len(rows):,} entries (the longest step)")
    start = parameters.get("start_from_run")
    earlier = get_run(start) if start else None
    previous_model = load_model(earlier.model_file) if earlier is not None else None
    model = fit_model(
        [r.text for r in rows], [r.key for r in rows], parameters, framework, previous_model
    )
    progress(75, "Saving the themes")
    run = get_run(run_id)
    run.model_file = save_model(model)
    run.n_entries = len(rows)
    run.parameters = {
        **parameters,
        "framework_items": len(framework),
        "selection": list(model.report().selection),  # how the number of themes was chosen
    }
    _store(run, model, rows)
    previous = latest_done_run(run.consultation_id, before=run.id)
    if previous is not None:
        run.previous_run_id = previous.id
        carry_over(previous, run)
    refresh_sizes(run)
    run.status, run.finished_at = "done", utcnow()
    db.session.flush()


def fail_run(payload: dict, error: str) -> None:
    """The job gave up: the run says so, with the error."""
    run = get_run(payload["run_id"])
    if run is not None:
        run.status, run.error, run.finished_at = "failed", error, utcnow()


def _clear(run: AnalysisRun) -> None:
    """A retried run starts again from nothing."""
    db.session.execute(delete(ThemeAssignment).where(ThemeAssignment.run_id == run.id))
    theme_ids = select(RunTheme.id).where(RunTheme.run_id == run.id)
    db.session.execute(delete(ThemeMapping).where(ThemeMapping.theme_id.in_(theme_ids)))
    db.session.execute(
        update(RunTheme)
        .where(RunTheme.run_id == run.id)
        .values(merged_into_id=None, parent_id=None)
    )
    db.session.execute(delete(RunTheme).where(RunTheme.run_id == run.id))
    db.session.expire(run)


def _store(run: AnalysisRun, model, rows: list[entries.EntryRow]) -> None:
    themes = {}
    for theme in model.themes_:
        themes[theme.id] = _run_theme(run, theme)
    db.session.add_all(themes.values())
    db.session.flush()
    labels = [int(x) for x in model.labels_]
    scores = [float(x) for x in model.scores_]
    values = []
    for i, row in enumerate(rows):
        if labels[i] < 0:
            continue  # an empty entry has no theme
        theme = themes[labels[i]]
        values.append(assignment_values(run.id, theme, row, scores[i]))
    bulk_insert_assignments(values)
    store_mentions(run.id, model_mentions(model, rows, themes))
    _suggest_mappings(themes.values())


def _run_theme(run: AnalysisRun, theme) -> RunTheme:
    framework = [
        {
            "kind": m.framework_id.split(":")[0],
            "id": int(m.framework_id.split(":")[1]),
            "name": m.name,
            "score": m.score,
        }
        for m in theme.framework
    ]
    return RunTheme(
        run=run,
        number=theme.id + 1,
        label=theme.label[:200],
        found_label=theme.label[:200],
        keywords=list(theme.keywords),
        representatives=[list(entries.split_key(r.id)) for r in theme.representatives],
        framework=framework,
        is_new=bool(theme.is_new),
        is_other=theme.is_other,
        model_theme=theme.id,
    )


def _suggest_mappings(themes) -> None:
    for theme in themes:
        for match in theme.framework:
            if match["score"] < SUGGEST_SCORE:
                continue
            target = "priority_id" if match["kind"] == "priority" else "strategy_theme_id"
            theme.mappings.append(ThemeMapping(score=match["score"], **{target: match["id"]}))


def assignment_values(run_id: int, theme: RunTheme, row: entries.EntryRow, score: float) -> dict:
    return {
        "run_id": run_id,
        "entry_type": row.entry_type,
        "entry_id": row.entry_id,
        "theme_id": theme.id,
        "score": round(score, 4),
        "terms": matching_terms(row.text, theme.keywords),
        "moved_by_team": False,
        "not_relevant": False,
        "added_later": False,
        "area_id": row.area_id,
        "channel": row.channel or "",
        "age_band": row.age_band,
        "week": row.week,
    }


def bulk_insert_assignments(values: list[dict]) -> None:
    for start in range(0, len(values), 5000):
        db.session.execute(insert(ThemeAssignment), values[start : start + 5000])


def matching_terms(text: str, keywords: list[str]) -> str:
    """The theme's keywords that the entry uses, as the reason it is in the theme."""
    lowered = text.lower()
    found = [k for k in keywords if re.search(rf"\b{re.escape(k.lower())}\b", lowered)]
    return ", ".join(found)[:500]


def refresh_sizes(run: AnalysisRun) -> None:
    """Each theme's size (its relevant entries), and how many relevant entries of other themes
    raise it too."""
    counts = dict(
        db.session.execute(
            select(ThemeAssignment.theme_id, func.count())
            .where(ThemeAssignment.run_id == run.id, ThemeAssignment.not_relevant.is_(False))
            .group_by(ThemeAssignment.theme_id)
        ).all()
    )
    also = mention_counts(run)
    for theme in db.session.scalars(select(RunTheme).where(RunTheme.run_id == run.id)):
        theme.size, theme.also_raised = counts.get(theme.id, 0), also.get(theme.id, 0)
    db.session.flush()
