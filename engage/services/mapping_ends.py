"""Mappings of run themes onto a strategy theme or priority an administrator removes, or
replaces by importing a file over the draft.

The database drops such mappings with what they point at; each confirmed one is first ended
in its theme's edit log, so the log does not go on saying the theme belongs to something that
no longer exists, and the theme's page can say why it is no longer mapped.
"""

from sqlalchemy import select

from engage.extensions import db
from engage.models import Priority, StrategyTheme, StrategyVersion, ThemeEdit, ThemeMapping, User

# Why a mapping ended, as its 'unmap' line in the theme's log records it.
REMOVED = "removed_from_strategy"
REPLACED = "replaced_by_import"


def end_mappings_onto(
    target: Priority | StrategyTheme, user: User | None, reason: str = REMOVED
) -> int:
    """End every mapping onto `target`, logging the confirmed ones; returns how many those were."""
    column = (
        ThemeMapping.priority_id if isinstance(target, Priority) else ThemeMapping.strategy_theme_id
    )
    ended = 0
    for mapping in db.session.scalars(select(ThemeMapping).where(column == target.id)):
        theme = mapping.theme
        if mapping.confirmed_at is not None:
            details = {"name": mapping.target_title, "reason": reason}
            db.session.add(
                ThemeEdit(
                    run_id=theme.run_id, kind="unmap", theme=theme, user=user, details=details
                )
            )
            ended += 1
        theme.mappings.remove(mapping)  # gone from the session too, not only from the database
    return ended


def end_mappings_into(version: StrategyVersion, user: User | None) -> int:
    """End every mapping onto the themes and priorities of a draft a file replaces; returns how
    many confirmed ones ended."""
    targets = [*version.priorities, *version.themes]
    return sum(end_mappings_onto(target, user, REPLACED) for target in targets)
