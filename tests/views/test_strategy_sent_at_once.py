"""Publishing a version and starting a revision, sent twice at the same moment (a double click,
two admins): it is done once, and the second copy is told it was done already."""

import pytest

from engage.admin import strategy as strategy_views
from engage.extensions import db
from engage.models import StrategyVersion
from engage.services.strategy_revisions import start_revision
from tests.at_once import send_at_once
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.factories import make_consultation
from tests.strategy_factories import make_strategy

pytestmark = pytest.mark.usefixtures("csrf_app")


@pytest.fixture
def clients(app, client, login_as):
    login_as("admin")
    other = app.test_client()
    sign_in(other, make_staff("admin"))
    return [client, other]


def _told(clients, answers):
    assert [a.status_code for a in answers] == [303, 303]
    return [clients[i].get(answers[i].location).text for i in (0, 1)]


def test_the_final_version_confirmed_twice_at_once_is_published_once(clients, monkeypatch):
    strategy = make_strategy(make_consultation())
    revision = start_revision(strategy)
    db.session.commit()
    url = f"/staff/admin/strategy/versions/{revision.id}"
    asked = []
    for each in clients:
        form = {**hidden_fields(each.get(url).text), "status": "final", "note": "Agreed"}
        page = each.post(f"{url}/publish", data=form)
        assert "Publish version 2 as the final strategy?" in page.text
        asked.append({**hidden_fields(page.text), "status": "final", "note": "Agreed",
                      "confirmed": "yes"})  # fmt: skip
    sends = [lambda i=i: clients[i].post(f"{url}/publish", data=asked[i]) for i in (0, 1)]
    told = _told(clients, send_at_once(monkeypatch, strategy_views, "publish", sends))
    assert sum("Published version 2: final" in t for t in told) == 1
    assert sum("Version 2 was already published: final" in t for t in told) == 1
    db.session.rollback()  # end this test's own read, to see what the two requests left
    assert db.session.get(StrategyVersion, revision.id).status == "final"


def test_a_revision_started_twice_at_once_is_started_once(clients, monkeypatch):
    strategy = make_strategy(make_consultation())
    db.session.commit()
    url = f"/staff/admin/strategy/{strategy.id}"
    forms = [hidden_fields(each.get(url).text) for each in clients]
    sends = [lambda i=i: clients[i].post(f"{url}/revisions", data=forms[i]) for i in (0, 1)]
    told = _told(clients, send_at_once(monkeypatch, strategy_views, "start_revision", sends))
    assert sum("Started version 2" in t for t in told) == 1
    assert sum("Version 2 was already started" in t for t in told) == 1
    db.session.rollback()
    assert db.session.query(StrategyVersion).filter_by(strategy_id=strategy.id).count() == 2
