"""Mappings of run themes onto a strategy theme or priority an administrator removes, or
replaces by importing a file over the draft.

The database drops such mappings with what they point at; each confirmed one is first ended
in its theme's edit log, so the log does not go on saying the theme belongs to something that
no longer exists, and the theme's page can say why it is no longer mapped.

A file imported over a draft replaces every row, yet keeps some of what they stand for: a
priority whose key the file keeps (as its cited evidence is kept), a theme whose title it
keeps. Mappings onto those are held while the rows are replaced and put on the new ones; only
the mappings onto what the file drops end. The analysis's suggestions each run theme keeps
(its framework, by the ids of the rows) are carried over the same way, in the file's words;
those onto what the file drops go.
"""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    AnalysisRun,
    Priority,
    RunTheme,
    StrategyTheme,
    StrategyVersion,
    ThemeEdit,
    ThemeMapping,
    User,
)

# Why a mapping ended, as its 'unmap' line in the theme's log records it.
REMOVED = "removed_from_strategy"
REPLACED = "replaced_by_import"


def _end(mapping: ThemeMapping, name: str, user: User | None, reason: str) -> bool:
    """Drop a mapping, logging it when it was confirmed; returns whether it was."""
    theme = mapping.theme
    confirmed = mapping.confirmed_at is not None
    if confirmed:
        details = {"name": name, "reason": reason}
        db.session.add(
            ThemeEdit(run_id=theme.run_id, kind="unmap", theme=theme, user=user, details=details)
        )
    theme.mappings.remove(mapping)  # gone from the session too, not only from the database
    return confirmed


def _onto(target: Priority | StrategyTheme) -> list[ThemeMapping]:
    column = (
        ThemeMapping.priority_id if isinstance(target, Priority) else ThemeMapping.strategy_theme_id
    )
    return list(db.session.scalars(select(ThemeMapping).where(column == target.id)))


def end_mappings_onto(
    target: Priority | StrategyTheme, user: User | None, reason: str = REMOVED
) -> int:
    """End every mapping onto `target`, logging the confirmed ones; returns how many those were."""
    return sum(_end(m, m.target_title, user, reason) for m in _onto(target))


@dataclass(frozen=True)
class HeldMapping:
    """A mapping taken off a draft's theme or priority that a file replaces."""

    mapping: ThemeMapping
    place: tuple  # what it pointed at, as the file names it: ("priority", key) or a theme's title
    name: str  # its title as the theme's log names it


def _places(version: StrategyVersion) -> dict[tuple, Priority | StrategyTheme]:
    """Each theme and priority of a draft by what a file keeps: a priority by its key, a theme
    by its title (the second of two with one title as the second)."""
    places: dict[tuple, Priority | StrategyTheme] = {}
    seen: Counter = Counter()
    for theme in version.themes:
        places[("theme", theme.title, seen[theme.title])] = theme
        seen[theme.title] += 1
        places.update({("priority", p.key): p for p in theme.priorities})
    return places


def hold_mappings_into(version: StrategyVersion) -> list[HeldMapping]:
    """Take every mapping off the themes and priorities of a draft a file is to replace, so the
    rows can go; carry_mappings then puts each on what replaces its target, or ends it."""
    held = []
    for place, target in _places(version).items():
        for mapping in _onto(target):
            held.append(HeldMapping(mapping, place, mapping.target_title))
            mapping.priority, mapping.strategy_theme = None, None
    db.session.flush()
    return held


def carry_mappings(version: StrategyVersion, held: list[HeldMapping], user: User | None) -> list:
    """Put each held mapping on the theme or priority of the new content in its place; end the
    others (logging the confirmed ones, by `user`). Returns the ids of the confirmed ones ended."""
    places = _places(version)
    ended = []
    for each in held:
        target = places.get(each.place)
        if isinstance(target, Priority):
            each.mapping.priority = target
        elif target is not None:
            each.mapping.strategy_theme = target
        elif _end(each.mapping, each.name, user, REPLACED):
            ended.append(each.mapping.id)
    db.session.flush()
    return ended


def suggestion_places(version: StrategyVersion) -> dict[tuple[str, int], tuple]:
    """Each theme and priority of a draft as the analysis's suggestions name it, (kind, id),
    with what a file keeps of it (see _places): taken before a file replaces the rows."""
    return {
        ("priority" if isinstance(target, Priority) else "theme", target.id): place
        for place, target in _places(version).items()
    }


def carry_suggestions(version: StrategyVersion, before: dict[tuple[str, int], tuple]) -> None:
    """Point the suggestions of the consultation's run themes that named the replaced rows
    (`before`) at the rows in their place, with their new titles; drop the others."""
    places = _places(version)
    runs = select(AnalysisRun.id).where(
        AnalysisRun.consultation_id == version.strategy.consultation_id
    )
    for theme in db.session.scalars(select(RunTheme).where(RunTheme.run_id.in_(runs))):
        if any((s["kind"], s["id"]) in before for s in theme.framework):
            carried = (_carried(s, before, places) for s in theme.framework)
            theme.framework = [s for s in carried if s is not None]


def _carried(suggestion: dict, before: dict, places: dict) -> dict | None:
    place = before.get((suggestion["kind"], suggestion["id"]))
    if place is None:
        return suggestion  # onto another version of the strategy, which stays
    target = places.get(place)
    return None if target is None else {**suggestion, "id": target.id, "name": target.title}
