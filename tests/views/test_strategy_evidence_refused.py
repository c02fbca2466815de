"""A change to a priority's evidence that is refused names the wish or theme it is about, and
keeps the other wishes the admin ticked, so they can send it again at once."""

import re

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import ModerationStatus, PriorityEvidence
from engage.services.analysis_runs import visible_themes
from engage.services.strategy import get_priority_in
from engage.services.theme_edits import merge_themes, split_theme
from tests.conftest import hidden_fields
from tests.factories import make_wish
from tests.workspace_factories import make_wishes, run_analysis

pytestmark = pytest.mark.usefixtures("csrf_app")


def _evidence(draft):
    priority = get_priority_in(draft, "getting-around")
    return priority, f"/staff/admin/strategy/priorities/{priority.id}/evidence"


def _cited(priority_id):
    db.session.rollback()  # end this test's own read, to see what the requests left
    query = select(func.count(PriorityEvidence.id))
    return db.session.scalar(query.where(PriorityEvidence.priority_id == priority_id))


def _ticked(page, wish):
    box = re.search(rf'<input[^>]*id="wish-{wish.id}"[^>]*>', page)
    return box is not None and " checked" in box.group(0)


def test_a_wish_hidden_meanwhile_is_named_and_the_other_ticks_are_kept(client, draft):
    priority, url = _evidence(draft)
    buses = make_wish(draft.strategy.consultation, text="Later buses")
    pool = make_wish(draft.strategy.consultation, text="A new swimming pool")
    trees = make_wish(draft.strategy.consultation, text="More trees")
    db.session.commit()
    form = hidden_fields(client.get(url).text)  # the admin ticks buses and the pool ...
    pool.status = ModerationStatus.REJECTED  # ... while a moderator takes the pool down
    db.session.commit()
    refused = client.post(url, data={**form, "wish": [str(buses.id), str(pool.id)]})
    assert refused.status_code == 400
    named = f"The wish “A new swimming pool” ({pool.submission.reference}) is not published"
    assert named in refused.text
    assert _ticked(refused.text, buses) and not _ticked(refused.text, trees)
    assert _cited(priority.id) == 0


def test_a_single_wish_cited_is_named(client, draft):
    priority, url = _evidence(draft)
    wish = make_wish(draft.strategy.consultation, text="Later buses")
    db.session.commit()
    named = f"wish “Later buses” ({wish.submission.reference})"
    form = {**hidden_fields(client.get(url).text), "wish": str(wish.id)}
    for told in (f"Cited 1 more {named}", f"The ticked {named} was already cited"):
        answer = client.post(url, data=form)
        assert answer.status_code == 303 and told in client.get(answer.location).text
    assert _cited(priority.id) == 1


@pytest.fixture
def themes(draft):
    """The analysis of 30 wishes, its themes on the evidence page the admin has open."""
    make_wishes(draft.strategy.consultation, 30)
    run = run_analysis(draft.strategy.consultation, n_themes=3)
    return run, visible_themes(run)


def test_a_theme_of_an_older_run_is_named_with_the_run_finished_since(client, draft, themes):
    priority, url = _evidence(draft)
    run, (theme, *_) = themes
    form = {**hidden_fields(client.get(url).text), "run_theme": str(theme.id)}
    newer = run_analysis(draft.strategy.consultation, n_themes=3)
    refused = client.post(f"{url}/themes", data=form)
    assert refused.status_code == 400
    assert (
        f"The theme {escape(theme.label)} is from analysis run {run.id}, and run {newer.id}"
        " has finished since: choose one of its themes"
    ) in refused.text
    assert _cited(priority.id) == 0


@pytest.mark.parametrize("edit", ["merge", "split"])
def test_a_theme_merged_or_split_meanwhile_is_named(client, draft, themes, edit):
    priority, url = _evidence(draft)
    _, (kept, changed, *_) = themes
    form = {**hidden_fields(client.get(url).text), "run_theme": str(changed.id)}
    if edit == "merge":
        merge_themes(kept, changed, None)
    else:
        split_theme(changed, 2, None)
    db.session.commit()
    refused = client.post(f"{url}/themes", data=form)
    assert refused.status_code == 400
    now = f"merged into {escape(kept.label)}" if edit == "merge" else "split"
    assert (
        f"The theme {escape(changed.label)} was {now} after this page was opened:"
        " choose a current theme"
    ) in refused.text
    assert _cited(priority.id) == 0
