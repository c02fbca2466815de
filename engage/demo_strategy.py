"""The demo consultation's draft strategy: the four themes of engage/demo_data/strategy.yaml,
published for comment, each priority citing the demo wishes that ask for it, and a few
published comments, so the strategy pages show something on a new install."""

from datetime import timedelta
from pathlib import Path

from engage.extensions import db
from engage.models import Comment, Consultation, ModerationStatus, Submission
from engage.models._types import utcnow
from engage.services.references import new_reference
from engage.services.search import query_terms
from engage.services.strategy import create_strategy, get_priority_in, replace_content
from engage.services.strategy_evidence import cite_wishes
from engage.services.strategy_import import parse_strategy_file
from engage.services.strategy_revisions import publish
from engage.services.wishes import wall_query

DEMO_FILE = Path(__file__).parent / "demo_data" / "strategy.yaml"

# What the wishes each demo priority cites as its evidence say. Each is matched as a phrase
# (its words together, in this order), not as separate words: "lighting" alone is the lemma
# "light", which also finds "a tram or light rail link" and "kept clear and lit".
EVIDENCE_WORDS = {
    "places-for-young-people": "youth",
    "skills-and-jobs-for-school-leavers": "apprenticeships",
    "narrowing-the-health-gap": "swimming",
    "mental-health-and-loneliness": "lonely",
    "feeling-safe-at-night": "street lighting",
    "residents-having-a-say": "voice",
    "cleaner-greener-streets": "litter",
    "getting-around": "buses",
}

COMMENTS = [
    ("places-for-young-people", "support", "Yes, and keep them open in the school holidays."),
    ("places-for-young-people", "support_with_changes", "Ask young people where they want them."),
    ("feeling-safe-at-night", "support_with_changes", "Lighting on the river path first."),
    ("feeling-safe-at-night", "oppose", "More cameras will not make people feel safer."),
    ("getting-around", "support", "Evening buses would change my life."),
    ("cleaner-greener-streets", "no_view", "Fine, but who empties the extra bins?"),
]


def seed_demo_strategy(consultation: Consultation, evidence_per_priority: int = 8):
    """Create the demo strategy (version 1, open for comment) with evidence and comments."""
    now = utcnow()
    strategy = create_strategy(
        consultation,
        "Derby 2026: our draft community strategy",
        "This draft turns your wishes into the partnership's themes and priorities. Tell us "
        "what you think of each priority before comments close.",
        now - timedelta(days=1),
        now + timedelta(days=60),
    )
    version = strategy.versions[0]
    replace_content(version, parse_strategy_file(DEMO_FILE.name, DEMO_FILE.read_bytes()))
    for key, phrase in EVIDENCE_WORDS.items():
        # The search key keeps an entry's lemmas in order, space separated: a phrase's lemmas
        # joined by spaces are found only where residents wrote them side by side.
        words = [" ".join(query_terms(phrase))]
        query = wall_query(consultation, words, None).limit(evidence_per_priority)
        cite_wishes(get_priority_in(version, key), list(db.session.scalars(query)))
    publish(version, "consultation", "The first draft, for comment", now=now)
    for key, stance, text in COMMENTS:
        comment = Comment(
            priority=get_priority_in(version, key),
            stance=stance,
            text=text,
            status=ModerationStatus.APPROVED,
            created_at=now,
        )
        comment.submission = Submission(
            consultation=consultation, reference=new_reference("C"), received_at=now
        )
        db.session.add(comment)
    db.session.flush()
    return strategy
