"""The data model, one module per aggregate. Importing this package registers every table."""

from engage.models.consultation import Area, AreaPostcodeDistrict, Consultation, consultation_areas
from engage.models.ratelimit import RateLimitHit
from engage.models.submission import (
    AGE_BANDS,
    CHANNELS,
    ModerationStatus,
    RespondentDetails,
    Submission,
    Wish,
)

__all__ = [
    "AGE_BANDS",
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
]
