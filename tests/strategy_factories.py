"""Factories for the draft strategy: a strategy built from the demo import file, published for
comment, and comments on its priorities."""

from datetime import timedelta
from pathlib import Path

from engage.extensions import db
from engage.models import Comment, ModerationStatus, Submission
from engage.models._types import utcnow
from engage.services.references import new_reference
from engage.services.strategy import create_strategy, replace_content
from engage.services.strategy_import import parse_strategy_file
from engage.services.strategy_revisions import publish
from tests.factories import make_consultation

DEMO_FILE = Path(__file__).resolve().parent.parent / "engage" / "demo_data" / "strategy.yaml"


def demo_themes():
    return parse_strategy_file(DEMO_FILE.name, DEMO_FILE.read_bytes())


def make_strategy(consultation=None, *, published=True, **overrides):
    """A strategy with the demo themes; published for comment (open now) unless told not."""
    consultation = consultation or make_consultation()
    now = utcnow()
    strategy = create_strategy(
        consultation,
        overrides.pop("title", "Derby 2026: our community strategy"),
        overrides.pop("summary", "The draft strategy, for your comments."),
        overrides.pop("opens", now - timedelta(days=1)),
        overrides.pop("closes", now + timedelta(days=30)),
    )
    replace_content(strategy.versions[0], demo_themes())
    if published:
        publish(strategy.versions[0], "consultation")
    db.session.flush()
    return strategy


def make_comment(priority, text="I support this", stance="support", **overrides):
    status = overrides.pop("status", ModerationStatus.APPROVED)
    strategy = priority.theme.version.strategy
    submission = Submission(
        consultation_id=strategy.consultation_id,
        reference=new_reference("C"),
        area=overrides.pop("area", None),
        received_at=utcnow(),
    )
    comment = Comment(priority=priority, stance=stance, text=text, status=status, **overrides)
    comment.submission = submission
    db.session.add(comment)
    db.session.flush()
    return comment
