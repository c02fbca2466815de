"""The strategy workspace: analysis runs over a consultation's published entries, the themes
they found, each entry's theme, the team's edits (an append-only log), how themes map onto the
strategy, and the population figures that reach is measured against.

Entries of every kind (wishes, the wishes behind photos, comments) are referred to by
(entry_type, entry_id), as in the moderation log. An assignment also keeps the entry's area,
channel, age band and week as they were when it got its theme, so breakdowns are one query.
"""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.extensions import db
from engage.models._types import UTCDateTime, utcnow

RUN_STATUSES = {
    "queued": "Waiting to start",
    "running": "Running",
    "done": "Done",
    "failed": "Failed",
}

EDIT_KINDS = {
    "rename": "Renamed",
    "merge": "Merged",
    "split": "Split",
    "move": "Moved entries",
    "not_relevant": "Marked not relevant",
    "relevant": "Marked relevant again",
    "map": "Confirmed a mapping",
    "unmap": "Removed a mapping",
    "carry": "Carried over from the previous run",
}


class AnalysisRun(db.Model):
    """One run of the analysis over a consultation's published entries."""

    __tablename__ = "analysis_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="RESTRICT"), index=True
    )
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    library_version: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    error: Mapped[str] = mapped_column(Text, default="")
    n_entries: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    # The run whose edits this one carried over.
    previous_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("analysis_runs.id", ondelete="SET NULL")
    )
    # The fitted model's file in the instance folder (a server-made name), for new entries.
    model_file: Mapped[str | None] = mapped_column(String(80))

    consultation = relationship("Consultation")
    created_by = relationship("User")
    job = relationship("Job")
    themes: Mapped[list["RunTheme"]] = relationship(
        back_populates="run", order_by="RunTheme.number", foreign_keys="RunTheme.run_id"
    )

    @property
    def is_done(self) -> bool:
        return self.status == "done"


class RunTheme(db.Model):
    """A theme of a run: found by the analysis, or made by the team (split, carried over).

    A theme merged into another, or split into others, stays for the record but is no longer
    shown (merged_into_id / split set).
    """

    __tablename__ = "run_themes"
    __table_args__ = (UniqueConstraint("run_id", "number", name="uq_run_themes_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"))
    number: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))
    # The analysis's own label, kept when the team renames the theme.
    found_label: Mapped[str] = mapped_column(String(200), default="")
    renamed: Mapped[bool] = mapped_column(Boolean, default=False)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(default=0)
    # Relevant entries of other themes that raise this one too (not counted in size).
    also_raised: Mapped[int] = mapped_column(default=0)
    # [[entry_type, entry_id], ...]: the analysis's representative entries.
    representatives: Mapped[list] = mapped_column(JSON, default=list)
    # The analysis's suggestions: [{"kind", "id", "name", "score"}, ...], best first.
    framework: Mapped[list] = mapped_column(JSON, default=list)
    is_new: Mapped[bool] = mapped_column(Boolean, default=False)
    is_other: Mapped[bool] = mapped_column(Boolean, default=False)
    # The theme id inside the fitted model (None for themes the team made).
    model_theme: Mapped[int | None]
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("run_themes.id", ondelete="SET NULL")
    )
    split: Mapped[bool] = mapped_column(Boolean, default=False)
    # A split theme's own model file, which sends its new entries to its parts.
    split_model_file: Mapped[str | None] = mapped_column(String(80))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("run_themes.id", ondelete="SET NULL"))
    split_part: Mapped[int | None]
    # The previous run's theme this one continues.
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("run_themes.id", ondelete="SET NULL")
    )

    run: Mapped[AnalysisRun] = relationship(back_populates="themes", foreign_keys=[run_id])
    merged_into: Mapped["RunTheme | None"] = relationship(
        remote_side=[id], foreign_keys=[merged_into_id]
    )
    mappings: Mapped[list["ThemeMapping"]] = relationship(
        back_populates="theme", cascade="all, delete-orphan", order_by="ThemeMapping.id"
    )

    @property
    def visible(self) -> bool:
        return self.merged_into_id is None and not self.split

    @property
    def confirmed_mapping(self) -> "ThemeMapping | None":
        return next((m for m in self.mappings if m.confirmed_at is not None), None)


class ThemeAssignment(db.Model):
    """One entry's theme in a run, why it is there, and what the team did with it."""

    __tablename__ = "theme_assignments"
    __table_args__ = (
        UniqueConstraint("run_id", "entry_type", "entry_id", name="uq_theme_assignments_entry"),
        # Covering indexes for the themes page: sizes and weekly trend, and quotes by score.
        Index("ix_theme_assignments_week", "run_id", "not_relevant", "theme_id", "week"),
        Index("ix_theme_assignments_score", "run_id", "theme_id", "not_relevant", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"))
    entry_type: Mapped[str] = mapped_column(String(16))
    entry_id: Mapped[int]
    theme_id: Mapped[int] = mapped_column(ForeignKey("run_themes.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    # The theme's keywords found in the entry, comma separated.
    terms: Mapped[str] = mapped_column(String(500), default="")
    moved_by_team: Mapped[bool] = mapped_column(Boolean, default=False)
    not_relevant: Mapped[bool] = mapped_column(Boolean, default=False)
    # Given a theme after the run, without re-running.
    added_later: Mapped[bool] = mapped_column(Boolean, default=False)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(20), default="")
    age_band: Mapped[str | None] = mapped_column(String(16))
    week: Mapped[date]

    theme: Mapped[RunTheme] = relationship()

    @property
    def key(self) -> str:
        return f"{self.entry_type}:{self.entry_id}"


class ThemeMention(db.Model):
    """A further theme an entry raises besides its own ("more buses and safer parks" is about
    buses, and raises parks too), with the analysis's score for it.

    Kept through the team's edits: a merge moves the mentions of the merged theme, a split
    sends them to its parts. An entry moved into a theme it mentions is not counted twice.
    """

    __tablename__ = "theme_mentions"
    __table_args__ = (
        UniqueConstraint("assignment_id", "theme_id", name="uq_theme_mentions_theme"),
        Index("ix_theme_mentions_run_theme", "run_id", "theme_id", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"))
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("theme_assignments.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("run_themes.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float, default=0.0)

    assignment: Mapped[ThemeAssignment] = relationship()
    theme: Mapped[RunTheme] = relationship()


class ThemeEdit(db.Model):
    """One line of the append-only log of the team's edits: who, when, what."""

    __tablename__ = "theme_edits"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("analysis_runs.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("run_themes.id", ondelete="SET NULL"))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user = relationship("User")
    theme = relationship("RunTheme")


class ThemeMapping(db.Model):
    """A run theme linked to one of the strategy's themes or priorities: suggested by the
    analysis (with its score), confirmed by a person."""

    __tablename__ = "theme_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("run_themes.id", ondelete="CASCADE"), index=True
    )
    strategy_theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("strategy_themes.id", ondelete="CASCADE")
    )
    priority_id: Mapped[int | None] = mapped_column(ForeignKey("priorities.id", ondelete="CASCADE"))
    score: Mapped[float | None] = mapped_column(Float)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    theme: Mapped[RunTheme] = relationship(back_populates="mappings")
    strategy_theme = relationship("StrategyTheme")
    priority = relationship("Priority")
    confirmed_by = relationship("User")

    @property
    def target_title(self) -> str:
        if self.priority is not None:
            return f"Priority: {self.priority.title}"
        return f"Theme: {self.strategy_theme.title}" if self.strategy_theme else ""


class PopulationBaseline(db.Model):
    """How many people live in an area in an age band (census-style, imported as CSV)."""

    __tablename__ = "population_baselines"
    __table_args__ = (UniqueConstraint("area_id", "age_band", name="uq_population_baselines_band"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    age_band: Mapped[str] = mapped_column(String(16))
    population: Mapped[int]

    area = relationship("Area")


class AreaDeprivation(db.Model):
    """An area's deprivation decile (1 = the most deprived tenth), imported as CSV."""

    __tablename__ = "area_deprivation"

    area_id: Mapped[int] = mapped_column(
        ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True
    )
    decile: Mapped[int]

    area = relationship("Area")
