"""The demo strategy: seeded with the demo consultation, open for comment, priorities citing
the demo wishes that ask for them, and published comments to show."""

from engage.demo import seed_demo
from engage.services.comments import published_comments_of, stance_counts
from engage.services.strategy import current_version, get_priority_in, get_strategy
from engage.services.strategy_evidence import evidence_summary


def test_seed_demo_builds_the_draft_strategy(app):
    consultation, created = seed_demo(approved_wishes=300)
    assert created
    strategy = get_strategy(consultation)
    version = current_version(strategy)
    assert version.status == "consultation" and strategy.comments_open()
    assert [t.title for t in version.themes] == [
        "Children & Young People",
        "Healthier Communities",
        "Safer and Stronger Communities",
        "Sustainable Development",
    ]
    buses = get_priority_in(version, "getting-around")
    wishes, areas = evidence_summary(buses)
    assert 0 < wishes <= 8 and areas >= 1
    assert all("bus" in e.wish.search_key for e in buses.evidence)
    assert len(published_comments_of(version)) == 6
    safe = get_priority_in(version, "feeling-safe-at-night")
    assert stance_counts([safe])["oppose"] == 1
    assert seed_demo()[1] is False  # seeding twice adds nothing


def test_demo_evidence_for_lighting_cites_lighting_not_light_rail(app):
    consultation, _ = seed_demo(approved_wishes=300)
    safe = get_priority_in(current_version(get_strategy(consultation)), "feeling-safe-at-night")
    texts = [e.wish.text.lower() for e in safe.evidence]
    assert texts and all("street lighting" in t for t in texts)
    assert not any("rail" in t for t in texts)
