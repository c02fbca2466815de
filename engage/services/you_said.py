"""'You said, we did': generated from the data, never typed by hand. For each theme: what
residents said on the version they commented on (counts by stance, the wishes behind it, a
few published comments), what changed in the revision and why, and what did not and why."""

from dataclasses import dataclass

from sqlalchemy import func, select

from engage.extensions import db
from engage.models import (
    CHANGE_KINDS,
    Comment,
    ModerationStatus,
    Priority,
    PriorityChange,
    PriorityEvidence,
    Strategy,
    StrategyVersion,
    Submission,
    Wish,
)
from engage.services.comments import published_comments, stance_counts
from engage.services.strategy import previous_version, public_versions
from engage.services.strategy_diff import differences
from engage.services.strategy_evidence import cited_themes

QUOTES_PER_THEME = 3


@dataclass(frozen=True)
class ChangeView:
    kind: str
    label: str
    before: Priority | None
    after: Priority | None
    reason: str | None
    comments: list[Comment]
    wishes: list[Wish]


@dataclass(frozen=True)
class ThemeFeedback:
    slug: str
    title: str
    counts: dict[str, int]
    total: int
    quotes: list[Comment]
    wishes: int
    areas: int
    themes: list
    changed: list[ChangeView]
    unchanged: list[ChangeView]


@dataclass(frozen=True)
class YouSaid:
    version: StrategyVersion
    previous: StrategyVersion
    themes: list[ThemeFeedback]


def revised_version(strategy: Strategy) -> StrategyVersion | None:
    """The latest published version that revised an earlier one."""
    revised = [v for v in public_versions(strategy) if previous_version(v) is not None]
    return revised[-1] if revised else None


def you_said_we_did(strategy: Strategy) -> YouSaid | None:
    """Theme by theme feedback on the latest revision; None before any revision is published."""
    version = revised_version(strategy)
    if version is None:
        return None
    previous = previous_version(version)
    views = _change_views(version, previous)
    slugs = list(
        dict.fromkeys([t.slug for t in version.themes] + [t.slug for t in previous.themes])
    )
    themes = [_theme(slug, version, previous, views) for slug in slugs]
    return YouSaid(version, previous, themes)


def _change_views(version, previous) -> list[tuple[str, ChangeView]]:
    """Every priority of either version as (theme slug, view), recorded reason or not."""
    recorded = {c.key: c for c in version.changes}
    views = []
    for difference in differences(previous, version):
        change: PriorityChange | None = recorded.get(difference.key)
        kind = change.kind if change else "unchanged"
        view = ChangeView(
            kind=kind,
            label=CHANGE_KINDS[kind],
            before=difference.before,
            after=change.after if change and change.kind == "merged" else difference.after,
            reason=change.reason if change else None,
            comments=[c for c in change.comments if c.status == ModerationStatus.APPROVED]
            if change
            else [],
            wishes=[w for w in change.wishes if w.status == ModerationStatus.APPROVED]
            if change
            else [],
        )
        home = difference.before or difference.after
        views.append((home.theme.slug, view))
    return views


def _theme(slug: str, version, previous, views) -> ThemeFeedback:
    new_theme = next((t for t in version.themes if t.slug == slug), None)
    old_theme = next((t for t in previous.themes if t.slug == slug), None)
    commented = old_theme.priorities if old_theme else []
    counts = stance_counts(commented)
    wishes, areas = _evidence(commented)
    mine = [view for home, view in views if home == slug]
    return ThemeFeedback(
        slug=slug,
        title=(new_theme or old_theme).title,
        counts=counts,
        total=sum(counts.values()),
        quotes=published_comments(commented, limit=QUOTES_PER_THEME),
        wishes=wishes,
        areas=areas,
        themes=cited_themes(commented),
        changed=[v for v in mine if v.kind != "unchanged"],
        unchanged=[v for v in mine if v.kind == "unchanged"],
    )


def _evidence(priorities: list[Priority]) -> tuple[int, int]:
    """Distinct published wishes cited by these priorities, and the areas they came from."""
    if not priorities:
        return 0, 0
    row = db.session.execute(
        select(func.count(func.distinct(Wish.id)), func.count(func.distinct(Submission.area_id)))
        .join(PriorityEvidence, PriorityEvidence.wish_id == Wish.id)
        .join(Wish.submission)
        .where(
            PriorityEvidence.priority_id.in_([p.id for p in priorities]),
            Wish.status == ModerationStatus.APPROVED,
        )
    ).one()
    return row[0], row[1]
