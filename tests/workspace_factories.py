"""Factories for the strategy workspace: a consultation with enough varied wishes for the
analysis to find themes, and a finished run over them."""

import random

from engage.demo import demo_wish
from engage.extensions import db
from engage.models import AnalysisRun, RespondentDetails
from engage.services.analysis_runs import start_run
from tests.factories import make_area, make_consultation, make_wish

AGE_BANDS = ["16_24", "25_34", "45_54", "65_74"]


def make_wishes(consultation, n=60, seed=3, areas=None):
    """n approved wishes in the demo's voice, spread over areas, channels and age bands."""
    rng = random.Random(seed)
    areas = areas or consultation.areas or [None]
    wishes = []
    for i in range(n):
        wish = make_wish(
            consultation,
            text=demo_wish(rng),
            area=areas[i % len(areas)],
            channel=["online", "paper_card"][i % 2],
        )
        wish.submission.details = RespondentDetails(age_band=AGE_BANDS[i % len(AGE_BANDS)])
        wishes.append(wish)
    db.session.flush()
    return wishes


def make_consultation_with_wishes(n=60, seed=3, **overrides):
    consultation = make_consultation(**overrides)
    consultation.areas = [make_area(name="Abbey"), make_area(name="Spondon")]
    make_wishes(consultation, n, seed)
    db.session.commit()
    return consultation


def run_analysis(consultation, user=None, n_themes=6, keep_themes=False) -> AnalysisRun:
    """A run, done before this returns (jobs run inline in tests)."""
    run = start_run(consultation, user, n_themes, keep_themes=keep_themes)
    db.session.commit()
    db.session.refresh(run)
    assert run.status == "done", run.error
    return run
