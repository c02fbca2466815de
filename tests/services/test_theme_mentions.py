"""An entry that raises two things ("more buses and safer parks") counts in its own theme and
is listed under the other one too; merges, splits, moves and "not relevant" keep that true."""

import pytest

from engage.extensions import db
from engage.models import ThemeAssignment, ThemeMention
from engage.services.analysis_runs import visible_themes
from engage.services.new_entries import assign_new_entries
from engage.services.run_models import load_model
from engage.services.theme_edits import mark_relevance, merge_themes, move_entries, split_theme
from engage.services.theme_mentions import (
    mention_counts,
    mentions_by_assignment,
    mentions_of_theme,
    store_mentions,
)
from tests.conftest import make_staff
from tests.factories import make_consultation, make_wish
from tests.workspace_factories import run_analysis

BUSES = [
    "More buses to the hospital",
    "Buses every ten minutes on Sundays",
    "Cheaper bus fares for young people",
    "A bus route to the retail park estate",
    "Later buses home from the city centre",
    "Bus shelters with seats and timetables",
    "Buses that turn up on time",
    "A night bus at weekends",
    "Bus stops closer to the flats",
    "Free buses for carers",
    "Electric buses on every route",
    "More buses in the evening",
]
PARKS = [
    "Safer parks with lights at night",
    "Clean play areas in the parks",
    "More benches and bins in the park",
    "A new playground in Markeaton park",
    "Park wardens so the park feels safe",
    "Toilets that open in the park",
    "Parks with trees and flowers",
    "A splash park for the children",
    "Safer parks for dog walkers",
    "Football pitches in the park",
    "Parks kept tidy all year",
    "Lighting on the paths through the park",
]
LITTER = [
    "Less litter on the streets",
    "Fines for dropping litter",
    "More litter bins in town",
    "Clean up the litter by the shops",
    "Litter picks every month",
    "Stop fly tipping and litter",
    "Litter cleared from the brook",
    "Recycling bins next to litter bins",
]
MIXED = "A bus route to the retail park estate"  # a bus route, and the parks too
BOTH = [
    "More buses and safer parks",
    "Buses to the park on Sundays and a cleaner park",
    "Better buses, and parks with lights",
]


@pytest.fixture
def run(app):
    consultation = make_consultation()
    for text in BUSES + PARKS + LITTER + BOTH:
        make_wish(consultation, text=text)
    db.session.commit()
    return run_analysis(consultation, make_staff("strategy"), n_themes=3)


def _by_text(run):
    from engage.models import Wish

    rows = db.session.execute(
        db.select(Wish.text, ThemeAssignment)
        .join(ThemeAssignment, ThemeAssignment.entry_id == Wish.id)
        .where(ThemeAssignment.run_id == run.id, ThemeAssignment.entry_type == "wish")
    ).all()
    return {text: a for text, a in rows}


def _theme_of(run, texts):
    by_text = _by_text(run)
    ids = [by_text[t].theme_id for t in texts]
    return max(set(ids), key=ids.count)


def _mentioned(run, theme):
    return {m.assignment_id for m in mentions_of_theme(run, theme)}


def _stored(run):
    return {
        (m.assignment.key, m.theme_id, m.score)
        for m in db.session.scalars(db.select(ThemeMention).where(ThemeMention.run_id == run.id))
    }


def test_a_run_stores_the_further_themes_each_entry_raises(run):
    model = load_model(run.model_file)
    themes = {t.model_theme: t for t in run.themes}
    expected = {
        (key, themes[s.theme_id].id, s.score)
        for key, a in zip(model.ids_, model.assignments(), strict=True)
        for s in a.secondary
    }
    assert expected, "the entries should raise further themes"
    assert _stored(run) == expected
    by_text = _by_text(run)
    mixed = by_text[MIXED]
    parks = next(t for t in visible_themes(run) if t.id == _theme_of(run, PARKS))
    assert mixed.theme_id == _theme_of(run, BUSES) and mixed.id in _mentioned(run, parks)
    buses = next(t for t in visible_themes(run) if t.id == _theme_of(run, BUSES))
    for text in BOTH:  # each in one of the two themes, and listed under the other
        both = by_text[text]
        other = {buses.id: parks, parks.id: buses}[both.theme_id]
        assert both.id in _mentioned(run, other), text
    # One-topic entries raise nothing else.
    single = [t for t in BUSES + LITTER if t != MIXED]
    assert not mentions_by_assignment([by_text[t].id for t in single])
    # Counted once, in its own theme; listed under the theme it also raises.
    assert sum(t.size for t in visible_themes(run)) == len(by_text)
    assert mention_counts(run)[parks.id] == len(_mentioned(run, parks))


def test_a_mention_of_the_entrys_own_theme_or_a_repeat_is_not_stored(run):
    a = _by_text(run)[LITTER[0]]
    other = next(t for t in visible_themes(run) if t.id != a.theme_id)
    found = {a.key: [(a.theme_id, 0.9), (other.id, 0.5), (other.id, 0.4)]}
    assert store_mentions(run.id, found) == 1
    assert [(m.theme_id, m.score) for m in mentions_by_assignment([a.id])[a.id]] == [
        (other.id, 0.5)
    ]


def test_merging_moves_the_mentions_and_an_entry_is_not_listed_in_its_own_theme(run):
    user = make_staff("strategy")
    themes = {t.id: t for t in visible_themes(run)}
    buses, parks = themes[_theme_of(run, BUSES)], themes[_theme_of(run, PARKS)]
    litter = next(t for t in themes.values() if t.id not in (buses.id, parks.id))
    mentioned = _mentioned(run, parks)
    assert mentioned
    merge_themes(litter, parks, user)  # the parks join litter
    db.session.commit()
    assert _mentioned(run, litter) >= mentioned
    assert not db.session.scalar(
        db.select(db.func.count(ThemeMention.id)).where(ThemeMention.theme_id == parks.id)
    )
    # Moved into the theme it mentions, an entry is a member there, no longer a mention.
    mixed = _by_text(run)[MIXED]
    move_entries(run, [mixed.id], litter, user)
    db.session.commit()
    assert mixed.id not in _mentioned(run, litter)
    assert mention_counts(run).get(litter.id, 0) == len(_mentioned(run, litter))
    # Moved out again, the mention is back.
    move_entries(run, [mixed.id], buses, user)
    db.session.commit()
    assert mixed.id in _mentioned(run, litter)


def test_not_relevant_entries_are_not_listed_and_a_split_sends_mentions_to_its_parts(run):
    user = make_staff("strategy")
    parks = next(t for t in visible_themes(run) if t.id == _theme_of(run, PARKS))
    mentioned = _mentioned(run, parks)
    first = min(mentioned)
    mark_relevance(run, [first], False, user)
    db.session.commit()
    assert first not in _mentioned(run, parks)
    assert mention_counts(run).get(parks.id, 0) == len(mentioned) - 1
    mark_relevance(run, [first], True, user)
    parts = split_theme(parks, 2, user)
    db.session.commit()
    assert not _mentioned(run, parks)
    assert set().union(*(_mentioned(run, p) for p in parts)) == mentioned


def test_a_new_entry_gets_the_further_themes_it_raises(run):
    late = make_wish(run.consultation, text="A bus route to the retail park estate please")
    db.session.commit()
    assert assign_new_entries(run.id) == 1
    db.session.commit()
    a = _by_text(run)[late.text]
    [found] = load_model(run.model_file).transform([late.text])
    themes = {t.model_theme: t.id for t in run.themes}
    assert a.added_later and found.secondary
    assert [(m.theme_id, m.score) for m in mentions_by_assignment([a.id])[a.id]] == [
        (themes[s.theme_id], s.score) for s in found.secondary
    ]


def test_the_next_run_merges_and_splits_again_with_the_mentions(run):
    user = make_staff("strategy")
    themes = {t.id: t for t in visible_themes(run)}
    buses, litter = themes[_theme_of(run, BUSES)], themes[_theme_of(run, LITTER)]
    merge_themes(buses, litter, user)
    split_theme(themes[_theme_of(run, PARKS)], 2, user)
    db.session.commit()

    second = run_analysis(run.consultation, user, n_themes=3)
    visible = {t.id for t in visible_themes(second)}
    assert len(visible) == 3  # the merge and the split were made again
    stored = db.session.scalars(db.select(ThemeMention).where(ThemeMention.run_id == second.id))
    stored = list(stored)
    assert stored and all(m.theme_id in visible for m in stored)
    by_text = _by_text(second)
    for text in BOTH:  # buses (merged with litter) and the parks (in one of their parts)
        a = by_text[text]
        raised = {m.theme_id for m in mentions_by_assignment([a.id])[a.id]}
        assert raised and raised <= visible and a.theme_id not in raised, text
