"""The further themes an entry raises besides its own ("more buses and safer parks"): stored
from the analysis's secondary themes, kept through the team's merges and splits, and read for
the theme pages and the exports.

A mention never adds to a theme's size (an entry is counted once, in its own theme); it tells
the team how many more entries raise a theme alongside another. One that names the entry's
own theme (after a merge or a move) is kept but not shown, so moving the entry out again
brings it back.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from operator import itemgetter

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import aliased

from engage.extensions import db
from engage.models import AnalysisRun, RunTheme, ThemeAssignment, ThemeMention
from engage.services.workspace_entries import split_key, texts_of

SHOWN = 20  # mentions listed on a theme's page, highest score first
CHUNK = 500


def store_mentions(run_id: int, found: dict[str, list[tuple[int, float]]]) -> int:
    """Record mentions: entry key ("wish:12") -> [(RunTheme id, score), ...].

    The entries must have their assignment in the run already. A mention of the entry's own
    theme, or a second one of the same theme, is skipped. Returns how many were recorded.
    """
    found = {key: pairs for key, pairs in found.items() if pairs}
    primary = _assignments(run_id, list(found))
    values = []
    for key, pairs in found.items():
        if key not in primary:
            continue
        assignment_id, own = primary[key]
        seen = {own}
        for theme_id, score in sorted(pairs, key=lambda pair: -pair[1]):
            if theme_id not in seen:
                seen.add(theme_id)
                values.append(
                    {
                        "run_id": run_id,
                        "assignment_id": assignment_id,
                        "theme_id": theme_id,
                        "score": round(float(score), 4),
                    }
                )
    for start in range(0, len(values), 5000):
        db.session.execute(insert(ThemeMention), values[start : start + 5000])
    return len(values)


def _assignments(run_id: int, keys: list[str]) -> dict[str, tuple[int, int]]:
    """Entry key -> (assignment id, theme id) for the given entries of a run."""
    by_id: dict[int, set[str]] = defaultdict(set)
    for key in keys:
        entry_type, entry_id = split_key(key)
        by_id[entry_id].add(entry_type)
    ids, out = sorted(by_id), {}
    for start in range(0, len(ids), CHUNK):
        rows = db.session.execute(
            select(
                ThemeAssignment.id,
                ThemeAssignment.entry_type,
                ThemeAssignment.entry_id,
                ThemeAssignment.theme_id,
            ).where(
                ThemeAssignment.run_id == run_id,
                ThemeAssignment.entry_id.in_(ids[start : start + CHUNK]),
            )
        )
        for assignment_id, entry_type, entry_id, theme_id in rows:
            if entry_type in by_id[entry_id]:
                out[f"{entry_type}:{entry_id}"] = (assignment_id, theme_id)
    return out


def move_mentions(run_id: int, source_id: int, target_id: int) -> None:
    """A merge: the mentions of `source` become mentions of `target` (once per entry)."""
    has_target = select(ThemeMention.assignment_id).where(
        ThemeMention.run_id == run_id, ThemeMention.theme_id == target_id
    )
    db.session.execute(
        delete(ThemeMention).where(
            ThemeMention.run_id == run_id,
            ThemeMention.theme_id == source_id,
            ThemeMention.assignment_id.in_(has_target.scalar_subquery()),
        )
    )
    db.session.execute(
        update(ThemeMention)
        .where(ThemeMention.run_id == run_id, ThemeMention.theme_id == source_id)
        .values(theme_id=target_id)
    )


def route_mentions(
    run_id: int, theme_id: int, choose: Callable[[list[str]], list[RunTheme]]
) -> None:
    """A split: each mention of the split theme goes to the part its entry's text is closest
    to; ``choose`` gives the part of each text (the model fitted at the split)."""
    mentions = list(
        db.session.scalars(
            select(ThemeMention)
            .where(ThemeMention.run_id == run_id, ThemeMention.theme_id == theme_id)
            .order_by(ThemeMention.id)
        )
    )
    if not mentions:
        return
    keys = [(m.assignment.entry_type, m.assignment.entry_id) for m in mentions]
    texts = texts_of(keys)
    parts = choose([texts.get(key, "") for key in keys])
    for mention, part in zip(mentions, parts, strict=True):
        mention.theme_id = part.id
    db.session.flush()


def _others(own):
    """Mentions of another theme than the entry's own (`own`: its assignment, aliased)."""
    return (
        select(ThemeMention)
        .join(own, ThemeMention.assignment)
        .where(own.theme_id != ThemeMention.theme_id)
    )


def _shown(run: AnalysisRun):
    """Mentions of another theme than the entry's own, by relevant entries."""
    own = aliased(ThemeAssignment)
    return _others(own).where(ThemeMention.run_id == run.id, own.not_relevant.is_(False))


def mentions_of_theme(run: AnalysisRun, theme: RunTheme, limit: int = SHOWN) -> list[ThemeMention]:
    """The entries of other themes that raise this one too, highest score first."""
    query = _shown(run).where(ThemeMention.theme_id == theme.id)
    return list(
        db.session.scalars(query.order_by(ThemeMention.score.desc(), ThemeMention.id).limit(limit))
    )


def mention_counts(run: AnalysisRun) -> dict[int, int]:
    """Theme id -> how many relevant entries of other themes raise it too."""
    query = _shown(run).with_only_columns(ThemeMention.theme_id, func.count())
    return dict(db.session.execute(query.group_by(ThemeMention.theme_id)).all())


def mentions_by_assignment(assignment_ids: Iterable[int]) -> dict[int, list[ThemeMention]]:
    """Assignment id -> the other themes it raises (not its own), highest score first."""
    ids = list(assignment_ids)
    out: dict[int, list[ThemeMention]] = defaultdict(list)
    query = _others(aliased(ThemeAssignment))
    for start in range(0, len(ids), CHUNK):
        rows = db.session.scalars(
            query.where(ThemeMention.assignment_id.in_(ids[start : start + CHUNK])).order_by(
                ThemeMention.assignment_id, ThemeMention.score.desc(), ThemeMention.id
            )
        )
        for mention in rows:
            out[mention.assignment_id].append(mention)
    return out


def raised_in_run(run_id: int) -> Iterator[tuple[int, list[tuple[int, float]]]]:
    """Each assignment of the run that raises other themes than its own, in id order, with
    (theme id, score) of each, highest score first: what mentions_by_assignment finds, read
    as one query (an export reads tens of thousands)."""
    own = aliased(ThemeAssignment)
    query = (
        _others(own)
        .with_only_columns(ThemeMention.assignment_id, ThemeMention.theme_id, ThemeMention.score)
        .where(own.run_id == run_id)
        .order_by(ThemeMention.assignment_id, ThemeMention.score.desc(), ThemeMention.id)
    )
    rows = db.session.execute(query.execution_options(yield_per=CHUNK))
    for assignment_id, mentions in groupby(rows, key=itemgetter(0)):
        yield assignment_id, [(theme_id, score) for _, theme_id, score in mentions]


def model_mentions(model, rows, themes: dict[int, RunTheme]) -> dict[str, list[tuple[int, float]]]:
    """The secondary themes a fitted model gives its entries, as stored mentions: entry key
    -> [(RunTheme id, score), ...]; ``themes`` maps the model's theme ids to the run's."""
    out = {}
    for row, assignment in zip(rows, model.assignments(), strict=True):
        pairs = [(themes[s.theme_id].id, s.score) for s in assignment.secondary]
        if pairs:
            out[row.key] = pairs
    return out
