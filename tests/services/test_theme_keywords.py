"""A theme's keywords, and its label unless the team named it, describe the entries it holds
now: after entries are moved in a run, and in the next run, where the team's theme may be made
again from the moved entries alone."""

import re

from analysis.preprocess import stem_word
from engage.extensions import db
from engage.models import ThemeAssignment, Wish
from engage.services.analysis_runs import visible_themes
from engage.services.theme_edits import move_entries
from tests.conftest import make_staff
from tests.factories import make_consultation, make_wish
from tests.workspace_factories import run_analysis

TRAM = "a tram or light rail link to East Midlands Airport"
GROUPS = {
    "buses": ["more frequent buses in the evenings", "buses on Sundays to the hospital"],
    "potholes": ["fix the potholes on estate roads", "fewer potholes on our estate roads"],
    "parks": ["cleaner parks with more trees", "a playground in every park"],
}


def _stems(text: str) -> set[str]:
    return {stem_word(w) for w in re.findall(r"[a-z]+", text.lower())}


def _members(run, theme):
    rows = db.session.execute(
        db.select(Wish.text)
        .join(ThemeAssignment, ThemeAssignment.entry_id == Wish.id)
        .where(ThemeAssignment.run_id == run.id, ThemeAssignment.theme_id == theme.id)
        .where(ThemeAssignment.not_relevant.is_(False))
    ).scalars()
    return list(rows)


def _described_by_members(run):
    """Every keyword and analysis label of every theme is words its entries use."""
    for theme in visible_themes(run):
        if theme.is_other or not theme.size:
            continue
        used = set().union(*(_stems(t) for t in _members(run, theme)))
        for keyword in [*theme.keywords, *theme.found_label.replace("&", " ").split()]:
            assert _stems(keyword) <= used, (theme.label, keyword, theme.keywords)


def test_keywords_and_labels_follow_moved_entries_into_the_next_run(app):
    consultation = make_consultation()
    for i in range(8):
        for texts in GROUPS.values():
            make_wish(consultation, text=f"{texts[i % 2]} please ({i})")
    trams = [make_wish(consultation, text=f"{TRAM} ({i})") for i in range(5)]
    db.session.commit()
    user = make_staff("strategy")
    first = run_analysis(consultation, user, n_themes=3)
    tram_ids = [t.id for t in trams]
    assigned = db.session.scalars(
        db.select(ThemeAssignment).where(
            ThemeAssignment.run_id == first.id, ThemeAssignment.entry_id.in_(tram_ids)
        )
    ).all()
    source = {a.theme_id for a in assigned}
    target = next(t for t in visible_themes(first) if t.id not in source and not t.is_other)
    move_entries(first, [a.id for a in assigned], target, user)
    db.session.commit()
    _described_by_members(first)

    second = run_analysis(consultation, user, n_themes=3)
    _described_by_members(second)
    holding = {
        a.theme
        for a in db.session.scalars(
            db.select(ThemeAssignment).where(
                ThemeAssignment.run_id == second.id, ThemeAssignment.entry_id.in_(tram_ids)
            )
        )
    }
    assert len(holding) == 1
