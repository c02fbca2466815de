"""Short digests of what an admin's edit form showed when it was opened: the form carries one
back, and a save whose digest no longer matches was made over someone else's later save, so it
is refused and shown beside theirs instead of silently replacing it."""

import hashlib

from engage.models import Priority, PriorityChange, Strategy, StrategyTheme, StrategyVersion


def priority_fingerprint(priority: Priority) -> str:
    """A short digest of what a priority says and where it sits: a form carries the one it was
    opened with, so a save over someone else's later save is noticed, not silently lost."""
    parts = (priority.title, priority.statement, priority.why, priority.outcome_measures)
    return _digest(*parts, priority.activities, str(priority.theme_id))


def strategy_fingerprint(strategy: Strategy) -> str:
    """As priority_fingerprint, for a strategy's settings."""
    dates = (strategy.comments_open_at.isoformat(), strategy.comments_close_at.isoformat())
    return _digest(strategy.title, strategy.summary, *dates)


def theme_fingerprint(theme: StrategyTheme) -> str:
    """As priority_fingerprint, for a theme's title and summary."""
    return _digest(theme.title, theme.summary)


def version_fingerprint(version: StrategyVersion) -> str:
    """As priority_fingerprint, for everything a draft holds: an import asked about carries the
    one the question was made from, so it never replaces what someone changed since unseen."""
    parts = []
    for theme in version.themes:
        parts += [str(theme.id), theme_fingerprint(theme)]
        for priority in theme.priorities:
            cited = sorted(f"{e.wish_id}:{e.run_theme_id}" for e in priority.evidence)
            parts += [priority.key, priority_fingerprint(priority), ",".join(cited)]
    return _digest(*parts)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def change_fingerprint(change: PriorityChange | None) -> str:
    """A short digest of a recorded reason ("none" before one is recorded): a form carries the
    one it was opened with, so saving over a reason someone recorded since is noticed."""
    if change is None:
        return "none"
    merged = change.after.key if change.kind == "merged" and change.after else ""
    links = [",".join(str(row.id) for row in rows) for rows in (change.comments, change.wishes)]
    return _digest(change.kind, change.reason, merged, *links)
