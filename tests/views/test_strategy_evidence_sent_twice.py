"""A change to a priority's evidence sent twice (a double click, or two admins at the same
moment) is made once, and the second copy is told it was done already; a change sent after the
priority was removed says so, on its version's page."""

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from engage.admin import strategy_evidence as evidence_views
from engage.extensions import db
from engage.models import PriorityEvidence
from engage.services.analysis_runs import visible_themes
from engage.services.strategy import get_priority_in, remove_priority
from engage.services.strategy_evidence import cite_wishes
from tests.at_once import send_at_once
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.factories import make_wish
from tests.strategy_factories import make_strategy
from tests.workspace_factories import make_consultation_with_wishes, run_analysis

pytestmark = pytest.mark.usefixtures("csrf_app")

KEY = "getting-around"


@pytest.fixture
def draft_with_wishes(app, login_as):
    login_as("admin")
    consultation = make_consultation_with_wishes(n=30)
    strategy = make_strategy(consultation, published=False)
    db.session.commit()
    return strategy.versions[0]


def _evidence_url(draft_with_wishes):
    priority = get_priority_in(draft_with_wishes, KEY)
    return priority, f"/staff/admin/strategy/priorities/{priority.id}/evidence"


def _count(priority_id):
    db.session.rollback()  # end this test's own read, to see what the requests left
    query = select(func.count(PriorityEvidence.id)).where(
        PriorityEvidence.priority_id == priority_id
    )
    return db.session.scalar(query)


def _sent_twice(client, url, form):
    """Send `form` to `url` twice, one after the other; what each was told."""
    told = []
    for _ in range(2):
        answer = client.post(url, data=form)
        assert answer.status_code == 303
        told.append(client.get(answer.location).text)
    return told


def test_a_wish_cited_twice_is_cited_once_and_says_so(client, draft_with_wishes):
    priority, url = _evidence_url(draft_with_wishes)
    wish = make_wish(draft_with_wishes.strategy.consultation, text="Later buses")
    db.session.commit()
    form = {**hidden_fields(client.get(url).text), "wish": str(wish.id)}
    first, again = _sent_twice(client, url, form)
    named = f"wish “Later buses” ({wish.submission.reference})"
    assert f"Cited 1 more {named}" in first
    assert f"The ticked {named} was already cited" in again
    assert _count(priority.id) == 1


def test_a_wish_taken_off_twice_says_it_was_removed_already(client, draft_with_wishes):
    priority, url = _evidence_url(draft_with_wishes)
    wish = make_wish(draft_with_wishes.strategy.consultation, text="Later buses")
    cite_wishes(priority, [wish])
    db.session.commit()
    form = hidden_fields(client.get(url).text)
    first, again = _sent_twice(client, f"{url}/{wish.id}/remove", form)
    named = f"wish “Later buses” ({wish.submission.reference})"
    assert f"Removed the {named} from the evidence" in first
    assert f"The {named} was removed from the evidence already" in again
    assert _count(priority.id) == 0


def test_a_long_wish_taken_off_is_named_by_its_start_as_published(client, draft_with_wishes):
    """The start of its published (redacted) words, cut at a word, and its reference."""
    priority, url = _evidence_url(draft_with_wishes)
    words = " wants later buses on Sunday evenings, to the hospital and back again," * 3
    wish = make_wish(
        draft_with_wishes.strategy.consultation,
        text=f"Jo Bloggs{words}",
        redacted_text=f"[name]{words}",
    )
    cite_wishes(priority, [wish])
    db.session.commit()
    answer = client.post(f"{url}/{wish.id}/remove", data=hidden_fields(client.get(url).text))
    page = client.get(answer.location).text
    start = "[name] wants later buses on Sunday evenings, to the…"
    assert f"Removed the wish “{start}” ({wish.submission.reference})" in page
    assert "Bloggs" not in page


def test_a_theme_cited_or_taken_off_twice_says_it_was_done_already(client, draft_with_wishes):
    priority, url = _evidence_url(draft_with_wishes)
    theme = visible_themes(run_analysis(draft_with_wishes.strategy.consultation, n_themes=3))[0]
    form = {**hidden_fields(client.get(url).text), "run_theme": str(theme.id)}
    first, again = _sent_twice(client, f"{url}/themes", form)
    assert f"Cited the theme {escape(theme.label)}" in first
    assert f"The theme {escape(theme.label)} was already cited" in again
    assert _count(priority.id) == 1
    first, again = _sent_twice(client, f"{url}/themes/{theme.id}/remove", form)
    assert f"Removed the theme {escape(theme.label)} from the evidence" in first
    assert f"The theme {escape(theme.label)} was removed from the evidence already" in again
    assert _count(priority.id) == 0


def test_evidence_sent_for_a_priority_removed_meanwhile_says_so(client, draft_with_wishes):
    priority, url = _evidence_url(draft_with_wishes)
    wish = make_wish(draft_with_wishes.strategy.consultation, text="Later buses")
    cite_wishes(priority, [wish])
    db.session.commit()
    form = hidden_fields(client.get(url).text)  # the page open when another admin removes it
    title, priority_id = priority.title, priority.id
    remove_priority(priority)
    db.session.commit()
    version_url = f"/staff/admin/strategy/versions/{draft_with_wishes.id}"
    for action, data in [
        (url, {"wish": str(wish.id)}),
        (f"{url}/{wish.id}/remove", {}),
        (f"{url}/themes", {"run_theme": "1"}),
        (f"{url}/themes/1/remove", {}),
    ]:
        answer = client.post(action, data={**form, **data})
        assert answer.status_code == 303 and answer.location == version_url, action
        page = client.get(version_url).text
        assert f"The priority {title} was removed after its evidence page was opened" in page
    assert client.get(url).status_code == 404  # the page itself is gone
    assert client.post(url, data={"csrf_token": form["csrf_token"]}).status_code == 404
    assert _count(priority_id) == 0


def _two_admins(app, client):
    other = app.test_client()
    sign_in(other, make_staff("admin"))
    return [client, other]


def _told(clients, answers):
    assert [a.status_code for a in answers] == [303, 303]
    return [clients[i].get(answers[i].location).text for i in (0, 1)]


def test_a_wish_cited_twice_at_once_is_cited_once(app, client, draft_with_wishes, monkeypatch):
    """Both copies would be past their checks before either saved if nothing stopped them (on
    PostgreSQL the second failed with a server error); the second waits and is told."""
    priority, url = _evidence_url(draft_with_wishes)
    wish = make_wish(draft_with_wishes.strategy.consultation, text="Later buses")
    db.session.commit()
    clients = _two_admins(app, client)
    forms = [{**hidden_fields(each.get(url).text), "wish": str(wish.id)} for each in clients]
    sends = [lambda i=i: clients[i].post(url, data=forms[i]) for i in (0, 1)]
    told = _told(clients, send_at_once(monkeypatch, evidence_views, "cite_wishes", sends))
    named = f"wish “Later buses” ({wish.submission.reference})"
    assert sum(f"Cited 1 more {named}" in t for t in told) == 1
    assert sum(f"The ticked {named} was already cited" in t for t in told) == 1
    assert _count(priority.id) == 1


def test_a_wish_taken_off_twice_at_once_is_taken_off_once(
    app, client, draft_with_wishes, monkeypatch
):
    """Both would delete the same row (on PostgreSQL the second matched none, and both were told
    "Removed"); the second waits for the first and is told it was removed already."""
    priority, url = _evidence_url(draft_with_wishes)
    wish = make_wish(draft_with_wishes.strategy.consultation, text="Later buses")
    cite_wishes(priority, [wish])
    db.session.commit()
    clients = _two_admins(app, client)
    forms = [hidden_fields(each.get(url).text) for each in clients]
    remove = f"{url}/{wish.id}/remove"
    sends = [lambda i=i: clients[i].post(remove, data=forms[i]) for i in (0, 1)]
    told = _told(clients, send_at_once(monkeypatch, evidence_views, "uncite_wish", sends))
    named = f"wish “Later buses” ({wish.submission.reference})"
    assert sum(f"Removed the {named} from the evidence" in t for t in told) == 1
    assert sum(f"The {named} was removed from the evidence already" in t for t in told) == 1
    assert _count(priority.id) == 0
