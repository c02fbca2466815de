"""How many entries a run's figures stand on, once the run has lived a while.

A finished run keeps its themes up to date: entries published after it are given its themes
(``assign_new_entries``), entries withdrawn since leave it, and the team marks some not
relevant. ``run.n_entries`` stays what the run read, so every heading, report and export
takes its counts from here and they add up: read by the run, less those with no theme, plus
those added after it, less those not relevant, is the total of the theme sizes.
"""

from dataclasses import dataclass

from sqlalchemy import Integer, func, select

from engage.extensions import db
from engage.models import AnalysisRun, ThemeAssignment


@dataclass(frozen=True)
class EntryCounts:
    analysed: int  # entries the run read
    without_theme: int  # of those, with no theme now: no usable words, or withdrawn since
    added_later: int  # published after the run and given its themes
    not_relevant: int  # marked not relevant by the team: in no theme's count

    @property
    def in_themes(self) -> int:
        """Entries with a theme: the rows of the assignments export."""
        return self.analysed - self.without_theme + self.added_later

    @property
    def relevant(self) -> int:
        """Entries the themes' sizes and shares count."""
        return self.in_themes - self.not_relevant


def entry_counts(run: AnalysisRun) -> EntryCounts:
    """The run's entries: read by it, given a theme since, and left out of the counts."""
    total, later, dropped = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(ThemeAssignment.added_later.cast(Integer)), 0),
            func.coalesce(func.sum(ThemeAssignment.not_relevant.cast(Integer)), 0),
        ).where(ThemeAssignment.run_id == run.id)
    ).one()
    from_run = total - later
    return EntryCounts(
        analysed=run.n_entries,
        without_theme=max(run.n_entries - from_run, 0),
        added_later=int(later),
        not_relevant=int(dropped),
    )
