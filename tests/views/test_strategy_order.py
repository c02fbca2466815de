"""The order residents read a theme's priorities (and the strategy's themes) in is the order the
administrator built: a priority or theme added after one was removed or moved away comes last,
and never shares a place with another (which left their order to the database, so it could
change from one page view to the next on PostgreSQL)."""

import pytest

from engage.extensions import db
from engage.models import Priority, StrategyTheme
from engage.services.strategy_revisions import publish
from tests.conftest import hidden_fields

pytestmark = pytest.mark.usefixtures("csrf_app")


def _post(client, page_url, url, data):
    return client.post(url, data={**hidden_fields(client.get(page_url).text), **data})


def _priority_fields(title, theme):
    return {"title": title, "statement": f"{title}, for everyone.", "theme": str(theme.id)}


def _places(rows):
    return [row.position for row in rows]


def _public_order(client, version):
    publish(version, "consultation")
    db.session.commit()
    page = client.get("/consultations/derby/strategy").text
    return page


def test_a_priority_added_after_one_was_removed_comes_last(client, draft):
    theme = draft.themes[0]
    first, second = theme.priorities
    editor = f"/staff/admin/strategy/versions/{draft.id}"
    _post(client, editor, f"/staff/admin/strategy/priorities/{first.id}/remove", {})
    new = f"/staff/admin/strategy/themes/{theme.id}/priorities/new"
    assert _post(client, new, new, _priority_fields("Youth clubs", theme)).status_code == 303
    # The older priority is edited after: on PostgreSQL its row then moves.
    edit = f"/staff/admin/strategy/priorities/{second.id}"
    fields = {**_priority_fields(second.title, theme), "statement": "Reworded."}
    assert _post(client, edit, edit, fields).status_code == 303
    db.session.expire_all()
    rows = db.session.query(Priority).filter_by(theme_id=theme.id).all()
    assert len(set(_places(rows))) == len(rows)
    page = _public_order(client, draft)
    assert page.index(second.title) < page.index("Youth clubs")


def test_a_priority_moved_to_another_theme_goes_last_there(client, draft):
    home, other = draft.themes[0], draft.themes[1]
    moved = home.priorities[0]
    title = moved.title
    edit = f"/staff/admin/strategy/priorities/{moved.id}"
    assert _post(client, edit, edit, _priority_fields(moved.title, other)).status_code == 303
    new = f"/staff/admin/strategy/themes/{home.id}/priorities/new"
    assert _post(client, new, new, _priority_fields("Youth clubs", home)).status_code == 303
    db.session.expire_all()
    for theme_id in (home.id, other.id):
        rows = db.session.query(Priority).filter_by(theme_id=theme_id).all()
        assert len(set(_places(rows))) == len(rows)
    assert [p.title for p in db.session.get(StrategyTheme, other.id).priorities][-1] == title
    page = _public_order(client, db.session.get(type(draft), draft.id))
    section = page[page.index(f">2. {other.title}<") :]
    assert title in section.split("<h3")[0]


def test_a_theme_added_after_one_was_removed_comes_last(client, draft):
    emptied = draft.themes[1]
    editor = f"/staff/admin/strategy/versions/{draft.id}"
    for priority in list(emptied.priorities):
        _post(client, editor, f"/staff/admin/strategy/priorities/{priority.id}/remove", {})
    _post(client, editor, f"/staff/admin/strategy/themes/{emptied.id}/remove", {})
    added = _post(
        client, editor, f"/staff/admin/strategy/versions/{draft.id}/themes", {"title": "Culture"}
    )
    assert added.status_code == 303
    db.session.expire_all()
    rows = db.session.query(StrategyTheme).filter_by(version_id=draft.id).all()
    assert len(set(_places(rows))) == len(rows) == 4
    page = _public_order(client, db.session.get(type(draft), draft.id))
    last = max(rows, key=lambda t: t.position)
    assert last.title == "Culture" and "4. Culture" in page
