"""The strategy team's edits to a run's themes: rename, merge, split (the members clustered
again), move entries, mark entries not relevant, confirm a mapping onto the strategy.

Every edit is a line in the append-only ThemeEdit log (who, when, what); the next run carries
the edits over (engage.services.theme_carry).
"""

from functools import partial

from sqlalchemy import func, select, update

from engage.errors import EngageError
from engage.extensions import db
from engage.models import AnalysisRun, RunTheme, ThemeAssignment, ThemeEdit, ThemeMapping, User
from engage.models._types import utcnow
from engage.services.analysis_runs import (
    fit_model,
    framework_for,
    lock_run,
    matching_terms,
    refresh_sizes,
)
from engage.services.run_models import save_model, split_parts
from engage.services.theme_keywords import describe_from_members
from engage.services.theme_mappings import pass_on_merge, pass_on_split, unconfirm
from engage.services.theme_mentions import move_mentions, route_mentions
from engage.services.workspace_entries import texts_of

MAX_LABEL = 200
MAX_SPLIT = 10
MAX_KEYWORDS = 12


class ThemeEditError(EngageError):
    status = 400
    title = "That change to the themes could not be made"


def log_edit(run: AnalysisRun, kind: str, user: User | None, theme=None, **details) -> ThemeEdit:
    edit = ThemeEdit(run_id=run.id, kind=kind, theme=theme, user=user, details=details)
    db.session.add(edit)
    return edit


def list_edits(run: AnalysisRun, theme: RunTheme | None = None) -> list[ThemeEdit]:
    query = select(ThemeEdit).where(ThemeEdit.run_id == run.id)
    if theme is not None:
        query = query.where(ThemeEdit.theme_id == theme.id)
    return list(db.session.scalars(query.order_by(ThemeEdit.id.desc())))


def get_theme(run: AnalysisRun, theme_id: int | None) -> RunTheme | None:
    theme = db.session.get(RunTheme, theme_id) if theme_id else None
    return theme if theme is not None and theme.run_id == run.id else None


def _require_editable(run: AnalysisRun, *themes: RunTheme | None) -> None:
    # Two members merging two themes into each other at once would each hide the other's.
    lock_run(run.id)
    if not run.is_done:
        raise ThemeEditError("The run has not finished: wait for it before changing its themes")
    for theme in themes:
        if theme is None or theme.run_id != run.id:
            raise ThemeEditError("Choose a theme of this run")
        if not theme.visible:
            raise ThemeEditError(f"“{theme.label}” {_gone(theme)}: choose a current theme")


def _gone(theme: RunTheme) -> str:
    """What became of a theme no longer shown, for a change sent from a page opened before."""
    if theme.merged_into is not None:
        return f"was merged into “{theme.merged_into.label}” after this page was opened"
    parts = sum(1 for t in theme.run.themes if t.parent_id == theme.id)
    return f"was split into {parts} themes after this page was opened"


def rename_theme(theme: RunTheme, label: str, user: User | None) -> bool:
    """A name the team chose; it stays with the theme through later runs. Returns False, and
    changes and logs nothing, when the theme is already called that."""
    _require_editable(theme.run, theme)
    label = " ".join(label.split())
    if not label:
        raise ThemeEditError("Enter the theme's new name")
    if label == theme.label:
        return False
    if len(label) > MAX_LABEL:
        raise ThemeEditError(f"The name must be {MAX_LABEL} characters or fewer")
    others = [t for t in theme.run.themes if t.visible and t.id != theme.id]
    if any(t.label.casefold() == label.casefold() for t in others):
        raise ThemeEditError(
            f"Another theme is already called “{label}”: choose another name, or merge the two"
        )
    log_edit(theme.run, "rename", user, theme, before=theme.label, after=label)
    theme.label, theme.renamed = label, True
    db.session.flush()
    return True


OTHER_NOT_MERGED = (
    "“{label}” holds the entries with no distinctive words, so it is not merged into a theme:"
    " move its entries to the themes they belong to instead"
)
NOT_MERGED_INTO_OTHER = (
    "“{label}” holds the entries with no distinctive words, so no theme is merged into it:"
    " tick the entries that belong there and move them instead"
)


def merge_themes(target: RunTheme, source: RunTheme, user: User | None) -> dict:
    """Every entry of `source` joins `target`; `source` is kept, marked merged. Returns what
    became of its confirmed mapping (see theme_mappings.pass_on_merge)."""
    run = target.run
    _require_editable(run, target, source)
    if source.id == target.id:
        raise ThemeEditError("Choose a different theme to merge with")
    # Other is no subject: merged into a theme, entries nobody has read would be counted under
    # it (and new entries with no usable words after them); merged into Other, a theme is hidden.
    if source.is_other:
        raise ThemeEditError(OTHER_NOT_MERGED.format(label=source.label))
    if target.is_other:
        raise ThemeEditError(NOT_MERGED_INTO_OTHER.format(label=target.label))
    db.session.execute(
        update(ThemeAssignment)
        .where(ThemeAssignment.run_id == run.id, ThemeAssignment.theme_id == source.id)
        .values(theme_id=target.id)
    )
    move_mentions(run.id, source.id, target.id)
    target.keywords = _union(target.keywords, source.keywords)[:MAX_KEYWORDS]
    target.representatives = target.representatives + source.representatives
    source.merged_into = target
    edit = log_edit(run, "merge", user, target, merged=source.id, label=source.label)
    mapping = pass_on_merge(target, source, user)
    edit.details = {**edit.details, "into": target.label, **mapping}
    refresh_sizes(run)
    return mapping


def _union(first: list, second: list) -> list:
    return first + [k for k in second if k not in first]


OTHER_NOT_SPLIT = (
    "“{label}” holds the entries with no distinctive words, so it is not split into themes:"
    " move its entries to the themes they belong to instead"
)


def split_theme(theme: RunTheme, parts: int, user: User | None) -> list[RunTheme]:
    """Cluster a theme's members again into `parts` themes of their own; each belongs to what
    the theme belonged to."""
    run = theme.run
    _require_editable(run, theme)
    if theme.is_other:  # its parts would count as themes found, though nothing was found in it
        raise ThemeEditError(OTHER_NOT_SPLIT.format(label=theme.label))
    members = list(
        db.session.scalars(
            select(ThemeAssignment)
            .where(ThemeAssignment.run_id == run.id, ThemeAssignment.theme_id == theme.id)
            .order_by(ThemeAssignment.id)
        )
    )
    if not 2 <= parts <= MAX_SPLIT:
        raise ThemeEditError(f"Split a theme into 2 to {MAX_SPLIT} themes")
    if len(members) < parts * 2:
        raise ThemeEditError(f"“{theme.label}” has too few entries to split into {parts}")
    texts = texts_of([(a.entry_type, a.entry_id) for a in members])
    member_texts = [texts.get((a.entry_type, a.entry_id), "") for a in members]
    words = {k: run.parameters.get(k) for k in ("area_name", "extra_stop_words")}
    model = fit_model(member_texts, [a.key for a in members], {"n_themes": parts, **words}, [])
    found = [t for t in model.themes_ if t.size]
    if len(found) < 2:
        raise ThemeEditError(f"The entries of “{theme.label}” are too alike to split")
    children = _children(theme, found)
    labels = [int(x) for x in model.labels_]
    fallback = max(children.values(), key=lambda c: len(c.keywords))
    for assignment, label, text in zip(members, labels, member_texts, strict=True):
        child = children.get(label) or fallback
        assignment.theme_id = child.id
        assignment.terms = matching_terms(text, child.keywords)
    parts = {c.split_part: c for c in children.values()}
    route_mentions(run.id, theme.id, partial(split_parts, model, parts=parts, fallback=fallback))
    theme.split, theme.split_model_file = True, save_model(model)
    edit = log_edit(run, "split", user, theme, parts=[c.id for c in children.values()])
    mapping = pass_on_split(theme, list(children.values()), user)
    edit.details = {**edit.details, "label": theme.label, "mapping": mapping}
    refresh_sizes(run)
    return list(children.values())


def _children(theme: RunTheme, found) -> dict[int, RunTheme]:
    run = theme.run
    number = db.session.scalar(select(func.max(RunTheme.number)).where(RunTheme.run_id == run.id))
    children = {}
    for i, sub in enumerate(found, start=1):
        child = RunTheme(
            run=run,
            number=number + i,
            label=f"{theme.label}: {sub.label}"[:MAX_LABEL],
            found_label=sub.label[:MAX_LABEL],
            keywords=list(sub.keywords),
            representatives=[list(_split(r.id)) for r in sub.representatives],
            framework=theme.framework,
            is_new=theme.is_new,
            parent_id=theme.id,
            split_part=sub.id + 1,
        )
        db.session.add(child)
        children[sub.id] = child
    db.session.flush()
    return children


def _split(key: str) -> tuple[str, int]:
    entry_type, _, entry_id = key.partition(":")
    return entry_type, int(entry_id)


def _assignments(run: AnalysisRun, ids: list[int]) -> list[ThemeAssignment]:
    if not ids:
        raise ThemeEditError("Tick the entries first")
    found = list(
        db.session.scalars(
            select(ThemeAssignment).where(
                ThemeAssignment.run_id == run.id, ThemeAssignment.id.in_(ids)
            )
        )
    )
    if len(found) != len(set(ids)):
        raise ThemeEditError("Some of the ticked entries are not in this run")
    return found


def move_entries(run: AnalysisRun, ids: list[int], target: RunTheme, user: User | None) -> int:
    """Put entries in another theme; they stay there in later runs. Returns how many moved:
    entries already in `target` are left as they are, and out of the log."""
    _require_editable(run, target)
    moved = [a for a in _assignments(run, ids) if a.theme_id != target.id]
    if not moved:
        return 0
    texts = texts_of([(a.entry_type, a.entry_id) for a in moved])
    sources = {a.theme_id for a in moved}
    for assignment in moved:
        assignment.theme_id, assignment.moved_by_team = target.id, True
        assignment.terms = matching_terms(
            texts.get((assignment.entry_type, assignment.entry_id), ""), target.keywords
        )
    log_edit(run, "move", user, target, entries=[a.key for a in moved], to=target.label)
    db.session.flush()
    # Keywords (and a label the team did not type) follow the entries each theme now holds.
    describe_from_members(run, sources | {target.id})
    refresh_sizes(run)
    return len(moved)


def mark_relevance(run: AnalysisRun, ids: list[int], relevant: bool, user: User | None) -> int:
    """Leave entries out of the counts (not relevant), or count them again, and describe their
    themes again; returns how many changed (entries already so are left as they are, and out
    of the log)."""
    _require_editable(run)  # two members marking entries at once must each count the other's
    changed = [a for a in _assignments(run, ids) if a.not_relevant == relevant]
    if not changed:
        return 0
    for assignment in changed:
        assignment.not_relevant = not relevant
    log_edit(
        run,
        "relevant" if relevant else "not_relevant",
        user,
        None,
        entries=[a.key for a in changed],
    )
    refresh_sizes(run)
    # A theme is described by the entries that count: words only the entries left out used
    # are no longer its keywords, and those entries are no longer quoted for it.
    describe_from_members(run, {a.theme_id for a in changed})
    return len(changed)


def mapping_choices(run: AnalysisRun) -> list[tuple[str, str]]:
    """The strategy's themes and priorities a run theme can be mapped onto."""
    return [(item["id"], item["name"]) for item in framework_for(run.consultation_id)]


def confirm_mapping(theme: RunTheme, target: str, user: User | None) -> bool:
    """A person confirms that a theme belongs to one of the strategy's themes or priorities.

    A theme belongs to one of them at a time: confirming another replaces the earlier one
    (which stays as a suggestion with its score, if the analysis made it). Returns False, and
    changes and logs nothing, when the theme already belongs to that one.
    """
    _require_editable(theme.run, theme)
    names = dict(mapping_choices(theme.run))
    if target not in names:
        raise ThemeEditError(_not_a_choice(target, names))
    kind, _, target_id = target.partition(":")
    column = "priority_id" if kind == "priority" else "strategy_theme_id"
    mapping = next((m for m in theme.mappings if getattr(m, column) == int(target_id)), None)
    if mapping is not None and mapping.confirmed_at is not None:
        return False  # a double click, or two members confirming the same: who and when stay
    if mapping is None:
        mapping = ThemeMapping(**{column: int(target_id)})
        theme.mappings.append(mapping)
    for other in list(theme.mappings):
        if other is not mapping:
            unconfirm(theme, other)
    mapping.confirmed_by, mapping.confirmed_at = user, utcnow()
    log_edit(theme.run, "map", user, theme, target=target, name=names[target])
    db.session.flush()
    return True


def _not_a_choice(target: str, names: dict) -> str:
    kind, _, target_id = target.partition(":")
    if not names:
        return "The strategy has no themes or priorities to map onto now"
    if kind in ("theme", "priority") and target_id.isascii() and target_id.isdigit():
        return (
            "The theme or priority you chose was removed from the strategy after this page was "
            "opened: choose one of those listed now"
        )
    return "Choose one of the strategy's themes or priorities"


def remove_mapping(theme: RunTheme, user: User | None) -> str:
    """Take back the confirmed mapping of a theme; returns what it belonged to."""
    _require_editable(theme.run, theme)
    mapping = theme.confirmed_mapping
    if mapping is None:
        raise ThemeEditError("This theme has no confirmed mapping to remove")
    title = mapping.target_title
    unconfirm(theme, mapping)
    log_edit(theme.run, "unmap", user, theme, name=title)
    db.session.flush()
    return title
