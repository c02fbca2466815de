"""Removing a priority of the draft strategy, confirmed twice (a double click, or two admins at
the same moment), removes it once; the second copy is told it was removed already."""

import pytest
from markupsafe import escape

from engage.admin import strategy_priorities as priority_views
from engage.extensions import db
from engage.models import StrategyVersion
from engage.services.strategy import get_priority_in
from tests.at_once import send_at_once
from tests.conftest import hidden_fields, make_staff, sign_in

pytestmark = pytest.mark.usefixtures("csrf_app")


def _keys(version_id):
    db.session.expire_all()
    return [p.key for p in db.session.get(StrategyVersion, version_id).priorities]


def _urls(draft, key):
    priority = get_priority_in(draft, key)
    version_url = f"/staff/admin/strategy/versions/{draft.id}"
    return priority.title, version_url, f"/staff/admin/strategy/priorities/{priority.id}/remove"


def test_the_confirmation_sent_twice_says_the_priority_was_removed_already(client, draft):
    title, version_url, remove_url = _urls(draft, "getting-around")
    form = hidden_fields(client.get(remove_url).text)
    removed = client.post(remove_url, data=form)
    assert removed.status_code == 303 and removed.location == version_url
    assert f"Removed the priority {title} from version 1" in client.get(version_url).text

    again = client.post(remove_url, data=form)  # a double click sends the same form
    assert again.status_code == 303 and again.location == version_url
    assert f"The priority {escape(title)} was removed already" in client.get(version_url).text
    assert "getting-around" not in _keys(draft.id) and len(_keys(draft.id)) == 7


def test_a_removal_of_a_priority_gone_says_so_only_with_its_version(client, draft):
    """Without the confirmation's fields (another page, an old form) a priority gone is a 404."""
    title, version_url, remove_url = _urls(draft, "getting-around")
    form = hidden_fields(client.get(remove_url).text)
    client.post(remove_url, data=form)
    assert client.get(remove_url).status_code == 404
    tokens_only = {"csrf_token": form["csrf_token"]}
    assert client.post(remove_url, data=tokens_only).status_code == 404
    unknown = client.post(remove_url, data={**form, "version_id": "999999"})
    assert unknown.status_code == 404
    no_title = client.post(remove_url, data={**form, "priority_title": "  "})
    assert no_title.status_code == 303 and no_title.location == version_url
    assert "The priority was removed already" in client.get(version_url).text


def test_a_removal_sent_twice_at_once_is_made_once(app, client, draft, monkeypatch):
    """Both requests would be past their checks before either saved if nothing stopped them;
    the second waits for the first and is told the priority was removed already."""
    title, _, url = _urls(draft, "getting-around")
    clients = [client, app.test_client()]
    sign_in(clients[1], make_staff("admin"))
    forms = [hidden_fields(each.get(url).text) for each in clients]
    sends = [lambda i=i: clients[i].post(url, data=forms[i]) for i in (0, 1)]
    answers = send_at_once(monkeypatch, priority_views, "remove_priority", sends)
    assert [a.status_code for a in answers] == [303, 303]
    told = [clients[i].get(answers[i].location).text for i in (0, 1)]
    assert sum(f"Removed the priority {title} from version 1" in t for t in told) == 1
    assert sum(f"The priority {escape(title)} was removed already" in t for t in told) == 1
    db.session.rollback()  # end this test's own read, to see what the two requests left
    assert "getting-around" not in _keys(draft.id) and len(_keys(draft.id)) == 7
