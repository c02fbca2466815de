"""What importing a file would replace in a draft, worked out before it is done, so the
administrator can be told which priorities go (and the evidence they cite), which the file
words differently, which recorded reasons stop fitting and which of the strategy team's
confirmed mappings end (those onto the themes and priorities the file drops)."""

from dataclasses import dataclass

from engage.extensions import db
from engage.models import Priority, StrategyVersion
from engage.services.strategy import ThemeSpec, replace_content
from engage.services.strategy_revisions import unexplained


@dataclass(frozen=True)
class PriorityShown:
    """A priority of the draft as the confirmation names it, with the evidence it cites."""

    title: str
    theme: str
    wishes: int
    themes: int


@dataclass(frozen=True)
class Replacement:
    """The draft before and after the import: counts, and what the draft says that goes."""

    themes_before: int
    priorities_before: int
    themes_after: int
    priorities_after: int
    themes_gone: list[str]
    gone: list[PriorityShown]
    reworded: list[PriorityShown]
    reasons_gone: list[str]
    unchanged: bool
    # The confirmed mappings of run themes onto what the file drops, which end (their ids).
    mappings_ending: tuple[int, ...] = ()

    @property
    def mappings_ended(self) -> int:
        return len(self.mappings_ending)


def _words(priority: Priority) -> tuple[str, ...]:
    fields = (priority.title, priority.statement, priority.why, priority.outcome_measures)
    return (*fields, priority.activities)


def _cited(priority: Priority) -> list[tuple[int, int]]:
    return sorted((e.wish_id or 0, e.run_theme_id or 0) for e in priority.evidence)


def _snapshot(version: StrategyVersion) -> list[tuple]:
    """Everything the draft holds, as plain values (no ids of rows an import makes anew)."""
    return [
        (theme.title, theme.summary, [(p.key, _words(p), _cited(p)) for p in theme.priorities])
        for theme in version.themes
    ]


def _shown(priority: Priority) -> PriorityShown:
    wishes = sum(1 for e in priority.evidence if e.wish_id)
    themes = sum(1 for e in priority.evidence if e.run_theme_id)
    return PriorityShown(priority.title, priority.theme.title, wishes, themes)


def _explained_keys(version: StrategyVersion) -> set[str]:
    """The priorities whose recorded reason fits how they changed."""
    missing = {d.key for d in unexplained(version)}
    return {c.key for c in version.changes} - missing


def preview_replacement(version: StrategyVersion, themes: list[ThemeSpec]) -> Replacement:
    """What replace_content would change, found by doing it in a savepoint rolled back at once:
    nothing is changed. StrategyError if the version cannot be changed."""
    before, explained = _snapshot(version), _explained_keys(version)
    old = {p.key: (_shown(p), _words(p)) for p in version.priorities}
    counts = (len(version.themes), len(old))
    savepoint = db.session.begin_nested()
    try:
        ended = replace_content(version, themes)
        after = _snapshot(version)
        new = {p.key: _words(p) for p in version.priorities}
        lost = [(d.after or d.before).title for d in unexplained(version) if d.key in explained]
    finally:
        savepoint.rollback()
    titles_after = {title for title, _summary, _priorities in after}
    return Replacement(
        *counts,
        themes_after=len(after),
        priorities_after=len(new),
        themes_gone=[title for title, _s, _p in before if title not in titles_after],
        gone=[shown for key, (shown, _w) in old.items() if key not in new],
        reworded=[shown for key, (shown, w) in old.items() if key in new and new[key] != w],
        reasons_gone=lost,
        unchanged=after == before,
        mappings_ending=tuple(ended),
    )
