"""Building the draft strategy: themes and priorities, wishes cited as evidence, versions,
revisions whose every change records why, and publishing."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from engage.errors import EngageError
from engage.extensions import db
from engage.models import (
    Comment,
    Consultation,
    ModerationStatus,
    Priority,
    PriorityChange,
    PriorityEvidence,
    Strategy,
    StrategyTheme,
    StrategyVersion,
    Submission,
    User,
    Wish,
)
from engage.models._types import utcnow
from engage.services.strategy_diff import Difference, differences

MAX_TITLE = 200
MAX_TEXT = 5000


class StrategyError(EngageError):
    status = 400
    title = "That change to the strategy could not be made"


@dataclass(frozen=True)
class PrioritySpec:
    """A priority as an import file or the browser form gives it."""

    title: str
    statement: str
    why: str = ""
    outcome_measures: list[str] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)
    key: str | None = None


@dataclass(frozen=True)
class ThemeSpec:
    title: str
    summary: str = ""
    priorities: list[PrioritySpec] = field(default_factory=list)


def slugify(text: str, limit: int = 60) -> str:
    """'Children & Young People' -> 'children-young-people'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].strip("-") or "item"


# Look-ups


def get_strategy(consultation: Consultation) -> Strategy | None:
    return db.session.scalar(select(Strategy).where(Strategy.consultation_id == consultation.id))


def list_strategies() -> list[Strategy]:
    return list(db.session.scalars(select(Strategy).order_by(Strategy.id.desc())))


def public_versions(strategy: Strategy) -> list[StrategyVersion]:
    """Every version residents can read, oldest first."""
    return [v for v in strategy.versions if not v.is_draft]


def current_version(strategy: Strategy) -> StrategyVersion | None:
    """The latest version residents can read."""
    versions = public_versions(strategy)
    return versions[-1] if versions else None


def draft_version(strategy: Strategy) -> StrategyVersion | None:
    return next((v for v in strategy.versions if v.is_draft), None)


def get_version(strategy: Strategy, number: int) -> StrategyVersion | None:
    return next((v for v in strategy.versions if v.number == number), None)


def previous_version(version: StrategyVersion) -> StrategyVersion | None:
    """The published version this one was revised from."""
    earlier = [v for v in public_versions(version.strategy) if v.number < version.number]
    return earlier[-1] if earlier else None


def get_priority_in(version: StrategyVersion, key: str) -> Priority | None:
    return next((p for p in version.priorities if p.key == key), None)


def evidence_summary(priority: Priority) -> tuple[int, int]:
    """(wishes cited, distinct areas they came from)."""
    row = db.session.execute(
        select(func.count(Wish.id), func.count(func.distinct(Submission.area_id)))
        .join(PriorityEvidence, PriorityEvidence.wish_id == Wish.id)
        .join(Wish.submission)
        .where(PriorityEvidence.priority_id == priority.id)
    ).one()
    return row[0], row[1]


# Building


def create_strategy(
    consultation: Consultation, title: str, summary: str, opens: datetime, closes: datetime
) -> Strategy:
    """A consultation's strategy, with an empty first draft."""
    if get_strategy(consultation) is not None:
        raise StrategyError(f"{consultation.title} already has a strategy")
    strategy = Strategy(consultation=consultation)
    update_strategy(strategy, title, summary, opens, closes)
    strategy.versions = [StrategyVersion(number=1, status="draft")]
    db.session.add(strategy)
    db.session.flush()
    return strategy


def update_strategy(
    strategy: Strategy, title: str, summary: str, opens: datetime, closes: datetime
) -> None:
    if closes <= opens:
        raise StrategyError("The comment period must close after it opens")
    strategy.title, strategy.summary = title, summary
    strategy.comments_open_at, strategy.comments_close_at = opens, closes
    db.session.flush()


def _require_draft(version: StrategyVersion) -> None:
    if not version.is_draft:
        raise StrategyError(
            f"Version {version.number} is published and cannot be changed: start a revision"
        )


def add_theme(version: StrategyVersion, title: str, summary: str = "") -> StrategyTheme:
    _require_draft(version)
    taken = {t.slug for t in version.themes}
    slug = _unique(slugify(title), taken)
    theme = StrategyTheme(position=len(version.themes) + 1, slug=slug, title=title)
    theme.summary = summary
    version.themes.append(theme)
    db.session.flush()
    return theme


def update_theme(theme: StrategyTheme, title: str, summary: str) -> None:
    _require_draft(theme.version)
    theme.title, theme.summary = title, summary
    db.session.flush()


def remove_theme(theme: StrategyTheme) -> None:
    _require_draft(theme.version)
    if theme.priorities:
        raise StrategyError("Remove or move the priorities of this theme first")
    theme.version.themes.remove(theme)
    db.session.flush()


def add_priority(theme: StrategyTheme, spec: PrioritySpec) -> Priority:
    """A new priority, under a key no version of the strategy has used."""
    version = theme.version
    _require_draft(version)
    taken = set(
        db.session.scalars(
            select(Priority.key)
            .join(StrategyVersion, Priority.version_id == StrategyVersion.id)
            .where(StrategyVersion.strategy_id == version.strategy_id)
        )
    )
    key = spec.key if spec.key and spec.key not in taken else _unique(slugify(spec.title), taken)
    priority = Priority(version_id=version.id, key=key, position=len(theme.priorities) + 1)
    _apply(priority, spec)
    theme.priorities.append(priority)
    db.session.flush()
    return priority


def update_priority(priority: Priority, spec: PrioritySpec, theme: StrategyTheme) -> None:
    _require_draft(priority.theme.version)
    if theme.version_id != priority.version_id:
        raise StrategyError("Choose a theme of the same version")
    if theme is not priority.theme:
        priority.theme.priorities.remove(priority)
        priority.position = len(theme.priorities) + 1
        theme.priorities.append(priority)
    _apply(priority, spec)
    db.session.flush()


def remove_priority(priority: Priority) -> None:
    """Take a priority out of a draft; a revision then asks why it was dropped or merged."""
    version = priority.theme.version
    _require_draft(version)
    if any(c.after_id == priority.id and c.kind == "merged" for c in version.changes):
        raise StrategyError("Other priorities were merged into this one: change those first")
    for change in [c for c in version.changes if c.after_id == priority.id]:
        change.after = None
    priority.theme.priorities.remove(priority)
    db.session.flush()


def _apply(priority: Priority, spec: PrioritySpec) -> None:
    priority.title = spec.title
    priority.statement = spec.statement
    priority.why = spec.why
    priority.outcome_measures = "\n".join(m for m in spec.outcome_measures if m.strip())
    priority.activities = "\n".join(a for a in spec.activities if a.strip())


def _unique(base: str, taken: set[str]) -> str:
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def replace_content(version: StrategyVersion, themes: list[ThemeSpec]) -> None:
    """An imported file replaces a draft's themes and priorities; cited wishes stay with the
    priorities whose key the file keeps."""
    _require_draft(version)
    cited = {p.key: [e.wish_id for e in p.evidence] for p in version.priorities}
    for change in version.changes:
        change.after = None
    version.themes.clear()
    db.session.flush()
    for spec in themes:
        theme = add_theme(version, spec.title, spec.summary)
        for priority_spec in spec.priorities:
            priority = add_priority(theme, priority_spec)
            priority.evidence = [PriorityEvidence(wish_id=w) for w in cited.get(priority.key, [])]
    db.session.flush()


# Evidence


def cite_wishes(priority: Priority, wishes: list[Wish]) -> int:
    """Cite approved wishes of the strategy's consultation; returns how many were new."""
    _require_draft(priority.theme.version)
    consultation_id = priority.theme.version.strategy.consultation_id
    have = {e.wish_id for e in priority.evidence}
    added = 0
    for wish in wishes:
        if wish.submission.consultation_id != consultation_id:
            raise StrategyError("Cite wishes of this strategy's own consultation")
        if wish.status != ModerationStatus.APPROVED:
            raise StrategyError("Only published wishes can be cited")
        if wish.id not in have:
            priority.evidence.append(PriorityEvidence(wish=wish))
            have.add(wish.id)
            added += 1
    db.session.flush()
    return added


def uncite_wish(priority: Priority, wish_id: int) -> None:
    _require_draft(priority.theme.version)
    priority.evidence = [e for e in priority.evidence if e.wish_id != wish_id]
    db.session.flush()


# Revisions and publishing


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
            copy.evidence = [PriorityEvidence(wish_id=e.wish_id) for e in old.evidence]
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
    _require_draft(version)
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
    _require_draft(version)
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
