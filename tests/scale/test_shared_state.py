"""State that two app servers share through the database, never process memory: a vote cast on
one server counts on the other, and a staff session ended on one is refused by the other."""

import pytest

from engage import create_app
from engage.extensions import db
from engage.models import Vote
from tests.conftest import FreshContextClient, _config, hidden_fields, make_staff, sign_in
from tests.photo_factories import make_competition, make_photo_entry


@pytest.fixture
def second_server(app, tmp_path):
    """Another app instance (as on a second server) on the same database."""
    other = create_app(_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path))
    other.test_client_class = FreshContextClient
    yield other
    with other.app_context():
        db.engine.dispose()


def _copy_cookie(source, target, name):
    cookie = source.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    target.set_cookie(name, cookie.value)


def _vote(client, entry):
    page = client.get(f"/competitions/pics/photos/{entry.id}")
    return client.post(f"/competitions/pics/photos/{entry.id}/vote", data=hidden_fields(page.text))


def test_a_vote_cast_on_one_server_is_enforced_by_the_other(app, client, second_server):
    competition = make_competition(slug="pics")
    first = make_photo_entry(competition, title="First")
    second = make_photo_entry(competition, title="Second")
    db.session.commit()
    # The browser's second tab, opened on the other server before voting.
    other = second_server.test_client()
    second_tab = other.get(f"/competitions/pics/photos/{second.id}")
    assert _vote(client, first).status_code == 303

    _copy_cookie(client, other, "engage_voter")  # the same browser, on the other server
    page = other.get(f"/competitions/pics/photos/{second.id}").text
    assert "You have voted for" in page and "Vote for this photo" not in page
    again = other.post(
        f"/competitions/pics/photos/{second.id}/vote", data=hidden_fields(second_tab.text)
    )
    assert again.status_code == 303
    assert "You have already voted" in other.get(again.location).text
    db.session.commit()
    assert [v.entry_id for v in db.session.query(Vote)] == [first.id]


def test_a_session_ended_on_one_server_is_refused_by_the_other(app, client, second_server):
    officer = make_staff("officer")
    assert sign_in(client, officer).status_code == 303
    other = second_server.test_client()
    _copy_cookie(client, other, "session")
    assert other.get("/staff/queue").status_code == 200  # one session, seen by both servers

    page = client.get("/staff/queue")
    signed_out = client.post("/staff/sign-out", data=hidden_fields(page.text))
    assert signed_out.status_code == 303

    # The other server still holds the old cookie, as a copied cookie would be.
    refused = other.get("/staff/queue")
    assert refused.status_code == 302 and "/staff/sign-in" in refused.location


def test_an_account_disabled_on_one_server_is_signed_out_on_the_other(app, client, second_server):
    from engage.services.auth import disable_user

    officer = make_staff("officer")
    other = second_server.test_client()
    assert sign_in(other, officer).status_code == 303
    assert other.get("/staff/queue").status_code == 200

    disable_user(officer)  # as an admin does on the first server
    db.session.commit()
    assert other.get("/staff/queue").status_code == 302
