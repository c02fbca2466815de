"""What the themes pages and the report show: each theme's size and share, keywords, quotes
with personal data redacted, its weekly trend, and its member entries with why they are there."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from engage.extensions import db
from engage.models import AnalysisRun, RunTheme, ThemeAssignment
from engage.services.analysis_runs import visible_themes
from engage.services.flags import redact_personal_data
from engage.services.workspace_entries import ENTRY_TYPES, references_of, texts_of

QUOTES = 5
MIN_QUOTES = 3
WITHDRAWN = "Withdrawn since the run: no longer published, it leaves the theme shortly"


@dataclass(frozen=True)
class ThemeSummary:
    theme: RunTheme
    share: float  # percentage of the run's relevant entries
    quotes: list[str]
    trend: list[int]  # entries per week, in the order of the run's weeks


@dataclass(frozen=True)
class Member:
    assignment: ThemeAssignment
    text: str
    reference: str
    kind: str


def relevant_total(run: AnalysisRun) -> int:
    return sum(t.size for t in run.themes if t.visible)


def weeks_of(run: AnalysisRun) -> tuple[list[date], dict[int, dict[date, int]]]:
    """The weeks the run's entries arrived in, and each theme's entries per week."""
    rows = db.session.execute(
        select(ThemeAssignment.theme_id, ThemeAssignment.week, func.count())
        .where(ThemeAssignment.run_id == run.id, ThemeAssignment.not_relevant.is_(False))
        .group_by(ThemeAssignment.theme_id, ThemeAssignment.week)
    ).all()
    found = sorted({week for _, week, _ in rows})
    # Every week from the first to the last: a week nobody wrote in is a 0 in the trend.
    count = (found[-1] - found[0]).days // 7 + 1 if found else 0
    weeks = [found[0] + timedelta(weeks=i) for i in range(count)]
    by_theme: dict[int, dict[date, int]] = {}
    for theme_id, week, n in rows:
        by_theme.setdefault(theme_id, {})[week] = n
    return weeks, by_theme


def summaries(run: AnalysisRun, with_quotes: bool = True) -> tuple[list[date], list[ThemeSummary]]:
    """Every current theme of a run, biggest first, with its share, quotes and trend."""
    themes = visible_themes(run)
    total = relevant_total(run) or 1
    weeks, by_theme = weeks_of(run)
    quotes = theme_quotes(run, themes) if with_quotes else {}
    return weeks, [
        ThemeSummary(
            theme=t,
            share=round(100 * t.size / total, 1),
            quotes=quotes.get(t.id, []),
            trend=[by_theme.get(t.id, {}).get(w, 0) for w in weeks],
        )
        for t in themes
    ]


def theme_quotes(run: AnalysisRun, themes: list[RunTheme]) -> dict[int, list[str]]:
    """3 to 5 quotes a theme: the analysis's representatives still in it, topped up with its
    best-scoring members; personal data redacted."""
    picked = _still_members(run, themes)
    for theme in themes:
        if len(picked[theme.id]) < MIN_QUOTES:
            picked[theme.id] = _top_up(run, theme, picked[theme.id])
    keys = [key for found in picked.values() for key in found]
    texts = texts_of(keys)
    return {
        theme_id: [redact_personal_data(texts[k]) for k in found if k in texts]
        for theme_id, found in picked.items()
    }


def _still_members(run, themes) -> dict[int, list[tuple[str, int]]]:
    by_type: dict[str, set[int]] = {}
    for theme in themes:
        for entry_type, entry_id in theme.representatives:
            by_type.setdefault(entry_type, set()).add(entry_id)
    here: dict[tuple[str, int], int] = {}
    for entry_type, found in by_type.items():
        ids = sorted(found)
        for start in range(0, len(ids), 500):
            # Not-relevant ones are left out here, not in SQL: asked for there, SQLite reads
            # the whole run through the week index instead of the entries' unique one.
            rows = db.session.execute(
                select(
                    ThemeAssignment.entry_id, ThemeAssignment.theme_id, ThemeAssignment.not_relevant
                ).where(
                    ThemeAssignment.run_id == run.id,
                    ThemeAssignment.entry_type == entry_type,
                    ThemeAssignment.entry_id.in_(ids[start : start + 500]),
                )
            )
            here.update({(entry_type, e): theme_id for e, theme_id, dropped in rows if not dropped})
    picked: dict[int, list[tuple[str, int]]] = {t.id: [] for t in themes}
    for theme in themes:
        for rep in theme.representatives:
            key = (rep[0], rep[1])
            if here.get(key) == theme.id and key not in picked[theme.id]:
                picked[theme.id].append(key)
        picked[theme.id] = picked[theme.id][:QUOTES]
    return picked


def _top_up(run, theme, have: list[tuple[str, int]]) -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(ThemeAssignment.entry_type, ThemeAssignment.entry_id)
        .where(
            ThemeAssignment.run_id == run.id,
            ThemeAssignment.theme_id == theme.id,
            ThemeAssignment.not_relevant.is_(False),
        )
        .order_by(ThemeAssignment.score.desc(), ThemeAssignment.id.desc())
        .limit(QUOTES + len(have))
    )
    out = list(have)
    for entry_type, entry_id in rows:
        if (entry_type, entry_id) not in out and len(out) < QUOTES:
            out.append((entry_type, entry_id))
    return out


def members_query(run: AnalysisRun, theme: RunTheme):
    """A theme's entries: relevant first, then by score."""
    return (
        select(ThemeAssignment)
        .where(ThemeAssignment.run_id == run.id, ThemeAssignment.theme_id == theme.id)
        .order_by(ThemeAssignment.not_relevant, ThemeAssignment.score.desc(), ThemeAssignment.id)
    )


def members(assignments: list[ThemeAssignment]) -> list[Member]:
    """Entries with their redacted text and reference, ready to list."""
    keys = [(a.entry_type, a.entry_id) for a in assignments]
    texts, references = texts_of(keys), references_of(keys)
    return [
        Member(
            a,
            redact_personal_data(texts[k]) if k in texts else WITHDRAWN,
            references.get(k, ""),
            ENTRY_TYPES.get(a.entry_type, a.entry_type),
        )
        for a, k in zip(assignments, keys, strict=True)
    ]
