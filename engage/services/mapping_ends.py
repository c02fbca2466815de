"""Mappings of run themes onto a strategy theme or priority an administrator removes.

The database drops such mappings with what they point at; each confirmed one is first ended
in its theme's edit log, so the log does not go on saying the theme belongs to something that
no longer exists, and the theme's page can say why it is no longer mapped.
"""

from sqlalchemy import select

from engage.extensions import db
from engage.models import Priority, StrategyTheme, ThemeEdit, ThemeMapping, User

REMOVED = "removed_from_strategy"


def end_mappings_onto(target: Priority | StrategyTheme, user: User | None) -> int:
    """End every mapping onto `target`, logging the confirmed ones; returns how many those were."""
    column = (
        ThemeMapping.priority_id if isinstance(target, Priority) else ThemeMapping.strategy_theme_id
    )
    ended = 0
    for mapping in db.session.scalars(select(ThemeMapping).where(column == target.id)):
        theme = mapping.theme
        if mapping.confirmed_at is not None:
            details = {"name": mapping.target_title, "reason": REMOVED}
            db.session.add(
                ThemeEdit(
                    run_id=theme.run_id, kind="unmap", theme=theme, user=user, details=details
                )
            )
            ended += 1
        theme.mappings.remove(mapping)  # gone from the session too, not only from the database
    return ended
