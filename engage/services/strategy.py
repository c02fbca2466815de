"""Building the draft strategy: versions, their themes and priorities, and a file's content
replacing a draft's. What the priorities cite is in strategy_evidence; revisions and
publishing in strategy_revisions."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from engage.errors import EngageError
from engage.extensions import db
from engage.models import (
    Consultation,
    Priority,
    PriorityEvidence,
    Strategy,
    StrategyTheme,
    StrategyVersion,
    User,
)
from engage.services.mapping_ends import (
    carry_mappings,
    carry_suggestions,
    end_mappings_onto,
    hold_mappings_into,
    suggestion_places,
)
from engage.template_helpers import LOCAL_TZ

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


def last_comment_day(strategy: Strategy) -> date:
    """The last day residents can comment, as entered: comments close as the next day starts."""
    return (strategy.comments_close_at - timedelta(seconds=1)).astimezone(LOCAL_TZ).date()


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


def repeated_theme(version: StrategyVersion, title: str, summary: str) -> StrategyTheme | None:
    """The theme of the version this one repeats word for word: a double click on Add, or the
    form sent again, is one theme, not two."""
    return next((t for t in version.themes if (t.title, t.summary) == (title, summary)), None)


def repeated_priority(theme: StrategyTheme, spec: PrioritySpec) -> Priority | None:
    """The priority of the theme this one repeats word for word (as repeated_theme)."""
    return next(
        (p for p in theme.priorities if (p.title, p.statement) == (spec.title, spec.statement)),
        None,
    )


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


def lock_version(version_id: int) -> None:
    """Changes to one version that would clash when sent twice at once (a file imported, a
    theme or priority removed, a priority's evidence changed, the version published or a revision
    started from it) wait for each other, then read the version as the change before left it."""
    query = select(StrategyVersion.id).where(StrategyVersion.id == version_id)
    db.session.execute(query.with_for_update())
    db.session.expire_all()


def require_draft(version: StrategyVersion) -> None:
    if not version.is_draft:
        raise StrategyError(
            f"Version {version.number} is published and cannot be changed: start a revision"
        )


def add_theme(version: StrategyVersion, title: str, summary: str = "") -> StrategyTheme:
    require_draft(version)
    taken = {t.slug for t in version.themes}
    slug = _unique(slugify(title), taken)
    theme = StrategyTheme(position=_next_position(version.themes), slug=slug, title=title)
    theme.summary = summary
    version.themes.append(theme)
    db.session.flush()
    return theme


def update_theme(theme: StrategyTheme, title: str, summary: str) -> None:
    require_draft(theme.version)
    theme.title, theme.summary = title, summary
    db.session.flush()


def check_theme_removable(theme: StrategyTheme) -> None:
    """Refuse, saying why, to take out a theme of a published version or one with priorities."""
    require_draft(theme.version)
    if theme.priorities:
        raise StrategyError(f"Remove or move the priorities of the theme {theme.title} first")


def remove_theme(theme: StrategyTheme, user: User | None = None) -> None:
    check_theme_removable(theme)
    end_mappings_onto(theme, user)
    version = theme.version
    version.themes.remove(theme)
    _renumber(version.themes)
    db.session.flush()


def add_priority(
    theme: StrategyTheme, spec: PrioritySpec, reserved: frozenset[str] = frozenset()
) -> Priority:
    """A new priority, under the key it was given if that keeps continuity, else a new one."""
    version = theme.version
    require_draft(version)
    key = _priority_key(version, spec, reserved)
    priority = Priority(version_id=version.id, key=key, position=_next_position(theme.priorities))
    _apply(priority, spec)
    theme.priorities.append(priority)
    db.session.flush()
    return priority


def _priority_key(version: StrategyVersion, spec: PrioritySpec, reserved: frozenset[str]) -> str:
    """Keys are unique within a version. A key of the version being revised is kept, as
    start_revision keeps it, since the key is how a priority is followed from version to
    version; any other key is one no version of the strategy has used, so a dropped priority
    never comes back under a new meaning. `reserved` holds keys others in the same file ask for.
    """
    here = {p.key for p in version.priorities}
    used = set(
        db.session.scalars(
            select(Priority.key)
            .join(StrategyVersion, Priority.version_id == StrategyVersion.id)
            .where(StrategyVersion.strategy_id == version.strategy_id)
        )
    )
    previous = previous_version(version)
    kept = {p.key for p in previous.priorities} if previous else set()
    if spec.key and spec.key not in here and (spec.key in kept or spec.key not in used):
        return spec.key
    return _unique(slugify(spec.title), used | here | reserved)


def update_priority(priority: Priority, spec: PrioritySpec, theme: StrategyTheme) -> None:
    require_draft(priority.theme.version)
    if theme.version_id != priority.version_id:
        raise StrategyError("Choose a theme of the same version")
    if theme is not priority.theme:
        # No flush half-way: a priority out of one theme's list and not yet in the other's is
        # an orphan, which a flush would delete.
        with db.session.no_autoflush:
            home = priority.theme
            home.priorities.remove(priority)
            priority.position = _next_position(theme.priorities)
            theme.priorities.append(priority)
            _renumber(home.priorities)
    _apply(priority, spec)
    db.session.flush()


def check_removable(priority: Priority) -> None:
    """Refuse, saying why, to take out a priority of a published version or one that others
    were merged into."""
    version = priority.theme.version
    require_draft(version)
    if any(c.after_id == priority.id and c.kind == "merged" for c in version.changes):
        raise StrategyError(
            f"Other priorities were merged into {priority.title}: change those first"
        )


def remove_priority(priority: Priority, user: User | None = None) -> None:
    """Take a priority out of a draft; a revision then asks why it was dropped or merged."""
    version = priority.theme.version
    check_removable(priority)
    end_mappings_onto(priority, user)
    for change in [c for c in version.changes if c.after_id == priority.id]:
        change.after = None
    theme = priority.theme
    theme.priorities.remove(priority)
    _renumber(theme.priorities)
    db.session.flush()


def _next_position(rows) -> int:
    """After the last: residents read themes and priorities in the order of their positions."""
    return max((row.position for row in rows), default=0) + 1


def _renumber(rows) -> None:
    """Close the gap a removed or moved row leaves, so a row added later never shares a place."""
    for position, row in enumerate(rows, start=1):
        row.position = position


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


def replace_content(
    version: StrategyVersion, themes: list[ThemeSpec], user: User | None = None
) -> list[int]:
    """An imported file replaces a draft's themes and priorities; cited wishes, and mappings
    and suggestions of run themes, stay with the priorities whose key the file keeps (and
    mappings and suggestions with the themes whose title it keeps). The other mappings end (in
    their logs, by `user`); returns the ids of the confirmed ones that ended."""
    require_draft(version)
    cited = {p.key: [(e.wish_id, e.run_theme_id) for e in p.evidence] for p in version.priorities}
    held, suggested = hold_mappings_into(version), suggestion_places(version)
    for change in version.changes:
        change.after = None
    version.themes.clear()
    db.session.flush()
    reserved = frozenset(p.key for spec in themes for p in spec.priorities if p.key)
    for spec in themes:
        theme = add_theme(version, spec.title, spec.summary)
        for priority_spec in spec.priorities:
            priority = add_priority(theme, priority_spec, reserved)
            priority.evidence = [
                PriorityEvidence(wish_id=w, run_theme_id=t) for w, t in cited.get(priority.key, [])
            ]
    db.session.flush()
    carry_suggestions(version, suggested)
    return sorted(carry_mappings(version, held, user))
