"""Building, revising and publishing the strategy; the side-by-side diff; 'you said, we did'."""

import pytest

from engage.extensions import db
from engage.models import ModerationStatus
from engage.services.strategy import (
    PrioritySpec,
    StrategyError,
    ThemeSpec,
    add_priority,
    add_theme,
    current_version,
    get_priority_in,
    remove_priority,
    replace_content,
    update_priority,
)
from engage.services.strategy_diff import compare_words, differences
from engage.services.strategy_evidence import cite_wishes, evidence_summary
from engage.services.strategy_revisions import publish, record_change, start_revision, unexplained
from engage.services.you_said import you_said_we_did
from tests.factories import make_area, make_consultation, make_wish
from tests.strategy_factories import make_comment, make_strategy


def _spec(priority, **changes):
    values = {
        "title": priority.title,
        "statement": priority.statement,
        "why": priority.why,
        "outcome_measures": priority.measures_list,
        "activities": priority.activities_list,
    }
    values.update(changes)
    return PrioritySpec(**values)


def test_first_draft_is_built_and_published(app):
    strategy = make_strategy(published=False)
    draft = strategy.versions[0]
    assert [t.title for t in draft.themes] == [
        "Children & Young People",
        "Healthier Communities",
        "Safer and Stronger Communities",
        "Sustainable Development",
    ]
    assert current_version(strategy) is None
    publish(draft, "consultation")
    assert current_version(strategy) is draft and draft.published_at is not None
    with pytest.raises(StrategyError, match="published and cannot be changed"):
        add_theme(draft, "Another theme")


def test_new_priorities_get_keys_no_version_has_used(app):
    strategy = make_strategy()
    revision = start_revision(strategy)
    theme = revision.themes[0]
    added = add_priority(theme, PrioritySpec("Places for young people to go", "Another one"))
    assert added.key == "places-for-young-people-to-go"
    again = add_priority(theme, PrioritySpec("Places for young people to go", "And another"))
    assert again.key == "places-for-young-people-to-go-2"


def test_revision_copies_keys_and_every_change_needs_a_reason(app):
    strategy = make_strategy()
    first = strategy.versions[0]
    safe = get_priority_in(first, "feeling-safe-at-night")
    comment = make_comment(safe, "Lighting matters more than cameras", "support_with_changes")
    revision = start_revision(strategy)
    assert [p.key for p in revision.priorities] == [p.key for p in first.priorities]
    assert unexplained(revision) == []

    priority = get_priority_in(revision, "feeling-safe-at-night")
    update_priority(
        priority, _spec(priority, statement="Well-lit streets, day and night."), priority.theme
    )
    remove_priority(get_priority_in(revision, "residents-having-a-say"))
    missing = {d.key: d.kind for d in unexplained(revision)}
    assert missing == {"feeling-safe-at-night": "changed", "residents-having-a-say": "removed"}
    with pytest.raises(StrategyError, match="Say why these priorities changed"):
        publish(revision, "final")

    with pytest.raises(StrategyError, match="record it as reworded"):
        record_change(revision, "feeling-safe-at-night", kind="dropped", reason="x", user=None)
    record_change(
        revision,
        "feeling-safe-at-night",
        kind="reworded",
        reason="Residents asked for lighting first",
        user=None,
        comment_ids=[comment.id],
    )
    record_change(
        revision,
        "residents-having-a-say",
        kind="merged",
        reason="It belongs with feeling safe",
        user=None,
        merged_into="feeling-safe-at-night",
    )
    publish(revision, "final")
    assert revision.status == "final" and current_version(strategy) is revision
    reworded = next(c for c in revision.changes if c.key == "feeling-safe-at-night")
    assert reworded.before.version_id == first.id and reworded.after.version_id == revision.id
    assert reworded.comments == [comment]
    merged = next(c for c in revision.changes if c.kind == "merged")
    assert merged.after.key == "feeling-safe-at-night"
    with pytest.raises(StrategyError, match="final version is published"):
        start_revision(strategy)


def test_only_published_comments_on_the_commented_version_can_be_linked(app):
    strategy = make_strategy()
    pending = make_comment(strategy.versions[0].priorities[0], status=ModerationStatus.PENDING)
    revision = start_revision(strategy)
    key = revision.priorities[0].key
    with pytest.raises(StrategyError, match="Link published comments"):
        record_change(
            revision, key, kind="unchanged", reason="r", user=None, comment_ids=[pending.id]
        )
    with pytest.raises(StrategyError, match="Link published comments"):
        record_change(revision, key, kind="unchanged", reason="r", user=None, comment_ids=[999999])


def test_changes_undone_before_publishing_are_not_recorded(app):
    strategy = make_strategy()
    revision = start_revision(strategy)
    priority = revision.priorities[0]
    original = _spec(priority)
    update_priority(priority, _spec(priority, title="Changed title"), priority.theme)
    record_change(revision, priority.key, kind="reworded", reason="A better title", user=None)
    update_priority(priority, original, priority.theme)
    publish(revision, "final")
    assert revision.changes == []


def test_cited_wishes_give_n_wishes_from_m_areas(app):
    consultation = make_consultation()
    abbey, spondon = make_area(), make_area()
    wishes = [
        make_wish(consultation, area=abbey),
        make_wish(consultation, area=abbey),
        make_wish(consultation, area=spondon),
    ]
    strategy = make_strategy(consultation, published=False)
    priority = strategy.versions[0].priorities[0]
    assert cite_wishes(priority, wishes) == 3
    assert cite_wishes(priority, wishes[:1]) == 0
    assert evidence_summary(priority) == (3, 2)
    with pytest.raises(StrategyError, match="is not published: it cannot be cited"):
        cite_wishes(priority, [make_wish(consultation, status=ModerationStatus.PENDING)])
    with pytest.raises(StrategyError, match="own consultation"):
        cite_wishes(priority, [make_wish()])
    publish(strategy.versions[0], "consultation")
    revision = start_revision(strategy)
    assert evidence_summary(revision.priorities[0]) == (3, 2)


def test_diff_marks_changed_words_on_each_side():
    left, right = compare_words("Safer streets at night", "Safer, well-lit streets at night")
    assert [s.text for s in left if s.changed] == ["Safer"]
    assert "".join(s.text for s in right if s.changed) == "Safer, well-lit"
    assert "".join(s.text for s in right) == "Safer, well-lit streets at night"


def test_you_said_we_did_is_built_from_the_links(app):
    strategy = make_strategy()
    first = strategy.versions[0]
    safe = get_priority_in(first, "feeling-safe-at-night")
    quote = make_comment(safe, "Lighting first, please", "support_with_changes")
    make_comment(safe, "Not needed", "oppose")
    make_comment(safe, "Hidden", "oppose", status=ModerationStatus.REJECTED)
    revision = start_revision(strategy)
    priority = get_priority_in(revision, "feeling-safe-at-night")
    update_priority(priority, _spec(priority, title="Well-lit, safe streets"), priority.theme)
    record_change(
        revision,
        priority.key,
        kind="reworded",
        reason="You asked for lighting",
        user=None,
        comment_ids=[quote.id],
    )
    record_change(
        revision,
        "getting-around",
        kind="unchanged",
        reason="Buses were already the focus",
        user=None,
    )
    publish(revision, "final")
    db.session.flush()

    feedback = you_said_we_did(strategy)
    assert feedback.version is revision and feedback.previous is first
    safer = next(t for t in feedback.themes if t.title == "Safer and Stronger Communities")
    assert safer.counts == {"support": 0, "support_with_changes": 1, "oppose": 1, "no_view": 0}
    assert [c.text for c in safer.quotes] == ["Lighting first, please", "Not needed"]
    (change,) = safer.changed
    assert (change.before.title, change.after.title) == (
        "Feeling safe at night",
        "Well-lit, safe streets",
    )
    assert change.reason == "You asked for lighting" and change.comments == [quote]
    development = next(t for t in feedback.themes if t.title == "Sustainable Development")
    reasons = {v.before.key: v.reason for v in development.unchanged}
    assert reasons["getting-around"] == "Buses were already the focus"
    assert reasons["cleaner-greener-streets"] is None


def test_no_feedback_before_a_revision_is_published(app):
    strategy = make_strategy()
    assert you_said_we_did(strategy) is None
    start_revision(strategy)
    assert you_said_we_did(strategy) is None
    assert [d.kind for d in differences(strategy.versions[0], strategy.versions[1])] == ["same"] * 8


def test_an_import_into_a_revision_keeps_the_keys_the_file_keeps(app):
    strategy = make_strategy()
    first = strategy.versions[0]
    revision = start_revision(strategy)
    kept = first.priorities[0]
    themes = [
        ThemeSpec(
            "One theme",
            priorities=[
                PrioritySpec("Brand new", "A new one"),
                PrioritySpec(kept.title, kept.statement, key=kept.key),
                PrioritySpec("Also new", "Its own key", key="brand-new"),
            ],
        )
    ]
    replace_content(revision, themes)
    assert [p.key for p in revision.priorities] == ["brand-new-2", kept.key, "brand-new"]
