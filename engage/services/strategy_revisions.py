"""Revising the strategy: a new draft copied from the published version, the reason recorded
for every priority added, reworded, merged or dropped (and the comments and wishes that led to
it), and publishing, which is refused while any change has no reason."""

from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    Comment,
    ModerationStatus,
    Priority,
    PriorityChange,
    PriorityEvidence,
    Strategy,
    StrategyTheme,
    StrategyVersion,
    User,
    Wish,
)
from engage.models._types import utcnow
from engage.services.strategy import (
    StrategyError,
    current_version,
    draft_version,
    get_priority_in,
    previous_version,
    require_draft,
)
from engage.services.strategy_diff import Difference, differences


def start_revision(strategy: Strategy) -> StrategyVersion:
    """A new draft, copied from the latest published version, keeping every priority's key."""
    if draft_version(strategy) is not None:
        raise StrategyError("There is already a draft: finish and publish it first")
    source = current_version(strategy)
    if source is None:
        raise StrategyError("Publish the first draft before revising it")
    if source.status == "final":
        raise StrategyError("The final version is published: it cannot be revised")
    draft = StrategyVersion(number=source.number + 1, status="draft")
    strategy.versions.append(draft)
    db.session.flush()
    for old_theme in source.themes:
        theme = StrategyTheme(
            position=old_theme.position,
            slug=old_theme.slug,
            title=old_theme.title,
            summary=old_theme.summary,
        )
        draft.themes.append(theme)
        for old in old_theme.priorities:
            copy = Priority(version_id=draft.id, key=old.key, position=old.position)
            copy.title, copy.statement, copy.why = old.title, old.statement, old.why
            copy.outcome_measures, copy.activities = old.outcome_measures, old.activities
            copy.evidence = [
                PriorityEvidence(wish_id=e.wish_id, run_theme_id=e.run_theme_id)
                for e in old.evidence
            ]
            theme.priorities.append(copy)
    db.session.flush()
    return draft


def record_change(
    version: StrategyVersion,
    key: str,
    *,
    kind: str,
    reason: str,
    user: User | None,
    comment_ids: list[int] = (),
    wish_ids: list[int] = (),
    merged_into: str | None = None,
) -> PriorityChange:
    """Say why a priority changed (or did not), and which comments and wishes led to it."""
    require_draft(version)
    previous = previous_version(version)
    if previous is None:
        raise StrategyError("The first version has nothing to compare with")
    found = {d.key: d for d in differences(previous, version)}
    if key not in found:
        raise StrategyError("No such priority in this revision")
    _check_kind(found[key], kind, merged_into, version)
    if not reason.strip():
        raise StrategyError("Say why: the reason is shown to residents")
    change = next((c for c in version.changes if c.key == key), None) or PriorityChange(key=key)
    change.kind, change.reason, change.created_by = kind, reason, user
    change.before = found[key].before
    change.after = get_priority_in(version, merged_into) if kind == "merged" else found[key].after
    change.comments = _linked_comments(previous, comment_ids)
    change.wishes = _linked_wishes(version, wish_ids)
    if change not in version.changes:
        version.changes.append(change)
    db.session.flush()
    return change


# Which kinds of recorded change fit each kind of difference found between two versions.
FITTING_KINDS = {
    "added": ("added",),
    "changed": ("reworded",),
    "removed": ("dropped", "merged"),
    "same": ("unchanged",),
}


def _fits(change: PriorityChange, difference: Difference | None) -> bool:
    if difference is None or change.kind not in FITTING_KINDS[difference.kind]:
        return False
    return change.kind != "merged" or change.after is not None


def _check_kind(difference: Difference, kind: str, merged_into: str | None, version) -> None:
    allowed = FITTING_KINDS[difference.kind]
    if kind not in allowed:
        raise StrategyError(
            f"This priority was {difference.kind}: record it as {' or '.join(allowed)}"
        )
    if kind == "merged" and get_priority_in(version, merged_into or "") is None:
        raise StrategyError("Choose the priority it was merged into")


def _linked_comments(previous: StrategyVersion, ids: list[int]) -> list[Comment]:
    if not ids:
        return []
    comments = list(db.session.scalars(select(Comment).where(Comment.id.in_(ids))))
    keys = {p.id for p in previous.priorities}
    if len(comments) != len(set(ids)) or any(
        c.priority_id not in keys or c.status != ModerationStatus.APPROVED for c in comments
    ):
        raise StrategyError("Link published comments on the version that was commented on")
    return comments


def _linked_wishes(version: StrategyVersion, ids: list[int]) -> list[Wish]:
    if not ids:
        return []
    wishes = list(db.session.scalars(select(Wish).where(Wish.id.in_(ids))))
    consultation_id = version.strategy.consultation_id
    if len(wishes) != len(set(ids)) or any(
        w.submission.consultation_id != consultation_id or w.status != ModerationStatus.APPROVED
        for w in wishes
    ):
        raise StrategyError("Link published wishes of this consultation")
    return wishes


def unexplained(version: StrategyVersion) -> list[Difference]:
    """Differences from the previous version that have no recorded reason yet."""
    previous = previous_version(version)
    if previous is None:
        return []
    found = differences(previous, version)
    by_key = {d.key: d for d in found}
    explained = {c.key for c in version.changes if _fits(c, by_key.get(c.key))}
    return [d for d in found if d.kind != "same" and d.key not in explained]


def publish(version: StrategyVersion, status: str, note: str = "", now=None) -> None:
    """Publish a draft for comment or as the final version, once every change says why."""
    require_draft(version)
    if status not in ("consultation", "final"):
        raise StrategyError("Publish it for comment or as the final version")
    if not version.priorities:
        raise StrategyError("Add at least one priority before publishing")
    if missing := unexplained(version):
        titles = "; ".join((d.after or d.before).title for d in missing)
        raise StrategyError(f"Say why these priorities changed before publishing: {titles}")
    _settle_changes(version)
    version.status, version.note = status, note
    version.published_at = now or utcnow()
    db.session.flush()


def _settle_changes(version: StrategyVersion) -> None:
    """Drop records of changes that were undone since, and point the rest at their rows."""
    previous = previous_version(version)
    if previous is None:
        version.changes.clear()
        return
    found = {d.key: d for d in differences(previous, version)}
    for change in list(version.changes):
        difference = found.get(change.key)
        if not _fits(change, difference):
            version.changes.remove(change)
            continue
        change.before = difference.before
        if change.kind != "merged":
            change.after = difference.after
