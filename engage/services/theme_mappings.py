"""What becomes of a theme's confirmed mapping onto the strategy when the team merges or
splits it: the mapping goes with the entries.

A theme merged into one with no confirmed mapping passes its own on; into one mapped already,
its own ends (a theme belongs to one of the strategy's themes or priorities at a time, and the
theme merged into keeps its name, and so its mapping). Each part of a split theme belongs to
what the theme belonged to. The hidden theme no longer holds the mapping, so it is counted
once when an administrator removes or replaces what it points at.

Each change is a 'map' or 'unmap' line in the log of the theme it happened to, with the reason
('merged' or 'split'), as engage.services.mapping_ends logs mappings the strategy ends.
"""

from engage.extensions import db
from engage.models import RunTheme, ThemeEdit, ThemeMapping, User

MERGED = "merged"
SPLIT = "split"


def unconfirm(theme: RunTheme, mapping: ThemeMapping) -> None:
    """A confirmed mapping the analysis suggested goes back to a suggestion; one a person
    added goes."""
    if mapping.score is None:
        theme.mappings.remove(mapping)
    else:
        mapping.confirmed_by, mapping.confirmed_at = None, None


def _log(theme: RunTheme, kind: str, user: User | None, **details) -> None:
    db.session.add(
        ThemeEdit(run_id=theme.run_id, kind=kind, theme=theme, user=user, details=details)
    )


def _key(mapping: ThemeMapping) -> str:
    if mapping.priority_id is not None:
        return f"priority:{mapping.priority_id}"
    return f"theme:{mapping.strategy_theme_id}"


def give_mapping(theme: RunTheme, mapping: ThemeMapping) -> None:
    """Confirm on `theme` what `mapping` (of another theme) points at, as it was confirmed."""
    same = next(
        (
            m
            for m in theme.mappings
            if (m.priority_id, m.strategy_theme_id)
            == (mapping.priority_id, mapping.strategy_theme_id)
        ),
        None,
    )
    if same is None:
        same = ThemeMapping(
            priority_id=mapping.priority_id, strategy_theme_id=mapping.strategy_theme_id
        )
        theme.mappings.append(same)
    same.confirmed_by_id, same.confirmed_at = mapping.confirmed_by_id, mapping.confirmed_at


def pass_on_merge(target: RunTheme, source: RunTheme, user: User | None) -> dict:
    """`source` is merged into `target`: its confirmed mapping goes to `target` when that has
    none, and ends otherwise. Returns what happened, for the merge's log line and message:
    {"gained": title}, {"ended": title, "kept": title} or {}."""
    mapping, held = source.confirmed_mapping, target.confirmed_mapping
    if mapping is None:
        return {}
    name = mapping.target_title
    if held is not None and _key(held) == _key(mapping):
        unconfirm(source, mapping)  # the same: held once, by the theme that is shown
        return {}
    if held is None:
        give_mapping(target, mapping)
        _log(
            target, "map", user, target=_key(mapping), name=name, reason=MERGED, label=source.label
        )
        unconfirm(source, mapping)
        return {"gained": name}
    _log(source, "unmap", user, name=name, reason=MERGED, into=target.label)
    unconfirm(source, mapping)
    return {"ended": name, "kept": held.target_title}


def pass_on_split(theme: RunTheme, parts: list[RunTheme], user: User | None) -> str | None:
    """Each part of the split `theme` belongs to what it belonged to; returns its title."""
    mapping = theme.confirmed_mapping
    if mapping is None:
        return None
    name = mapping.target_title
    for part in parts:
        give_mapping(part, mapping)
        _log(part, "map", user, target=_key(mapping), name=name, reason=SPLIT, label=theme.label)
    unconfirm(theme, mapping)
    return name
