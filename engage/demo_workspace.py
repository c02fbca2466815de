"""The demo consultation's material for the strategy workspace: an age band on most demo
submissions (as the optional "about you" step gives them), and the areas' population and
deprivation deciles from engage/demo_data/, so breakdowns and reach have something to show."""

import random
from pathlib import Path

from sqlalchemy import select

from engage.extensions import db
from engage.models import Consultation, RespondentDetails, Submission
from engage.services.reach import import_baselines, import_deprivation

DATA = Path(__file__).resolve().parent / "demo_data"
# Younger people answer consultations less often: the demo shows them under-represented.
AGE_WEIGHTS = {
    "16_24": 3,
    "25_34": 8,
    "35_44": 12,
    "45_54": 14,
    "55_64": 16,
    "65_74": 15,
    "75_plus": 8,
    "prefer_not": 4,
}


def seed_demo_workspace(consultation: Consultation, seed: int = 7) -> None:
    rng = random.Random(seed)  # noqa: S311 - demo content, not security
    bands, weights = list(AGE_WEIGHTS), list(AGE_WEIGHTS.values())
    submissions = db.session.scalars(
        select(Submission)
        .where(Submission.consultation_id == consultation.id)
        .order_by(Submission.id)
    )
    for submission in submissions:
        if submission.details is None and rng.random() < 0.75:
            band = rng.choices(bands, weights)[0]
            submission.details = RespondentDetails(age_band=band)
    import_baselines((DATA / "population.csv").read_bytes())
    import_deprivation((DATA / "deprivation.csv").read_bytes())
    db.session.flush()
