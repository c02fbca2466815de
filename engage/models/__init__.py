"""The data model, one module per aggregate. Importing this package registers every table."""

from engage.models.consultation import Area, AreaPostcodeDistrict, Consultation, consultation_areas
from engage.models.moderation import (
    ACTIONS,
    FLAG_KINDS,
    REJECT_REASONS,
    Flag,
    ModerationDecision,
)
from engage.models.photo import (
    AWARDS,
    Award,
    Competition,
    Criterion,
    JudgeAppointment,
    PhotoEntry,
    Score,
    Vote,
)
from engage.models.ratelimit import RateLimitHit
from engage.models.strategy import (
    CHANGE_KINDS,
    STANCES,
    VERSION_STATUSES,
    Comment,
    Priority,
    PriorityChange,
    PriorityEvidence,
    Strategy,
    StrategyTheme,
    StrategyVersion,
)
from engage.models.submission import (
    AGE_BANDS,
    CHANNELS,
    ModerationStatus,
    RespondentDetails,
    Submission,
    Wish,
)
from engage.models.user import ROLE_LABELS, Role, StaffSession, User
from engage.models.workshop import Partner, WorkshopImport

__all__ = [
    "ACTIONS",
    "AGE_BANDS",
    "FLAG_KINDS",
    "REJECT_REASONS",
    "ROLE_LABELS",
    "Flag",
    "ModerationDecision",
    "Partner",
    "Role",
    "StaffSession",
    "User",
    "WorkshopImport",
    "CHANNELS",
    "Area",
    "AreaPostcodeDistrict",
    "Consultation",
    "ModerationStatus",
    "RateLimitHit",
    "RespondentDetails",
    "Submission",
    "Wish",
    "consultation_areas",
    "AWARDS",
    "Award",
    "Competition",
    "Criterion",
    "JudgeAppointment",
    "PhotoEntry",
    "Score",
    "Vote",
    "CHANGE_KINDS",
    "STANCES",
    "VERSION_STATUSES",
    "Comment",
    "Priority",
    "PriorityChange",
    "PriorityEvidence",
    "Strategy",
    "StrategyTheme",
    "StrategyVersion",
]
