"""Importing a file over a draft that has themes and priorities asks first, saying which
priorities go (and the wishes and themes they cite), which the file words differently, and
which recorded reasons stop fitting; Cancel changes nothing. The file is carried to the
confirmation in a signed field; the confirmation sent twice says the file was imported already,
and one sent after someone changed the draft asks again. An empty draft imports at once."""

import io
import random
import re
import string
import threading
from dataclasses import asdict, replace
from datetime import timedelta
from html import escape

import pytest
import yaml

from engage.admin import strategy_import
from engage.extensions import db
from engage.models import PriorityEvidence, StrategyVersion
from engage.models._types import utcnow
from engage.services.analysis_runs import visible_themes
from engage.services.strategy import add_theme, create_strategy, get_priority_in, remove_priority
from engage.services.strategy_evidence import cite_wishes
from engage.services.strategy_revisions import publish, record_change, start_revision
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.factories import make_consultation, make_wish
from tests.strategy_factories import demo_themes, make_strategy
from tests.workspace_factories import make_consultation_with_wishes, run_analysis

pytestmark = pytest.mark.usefixtures("csrf_app")


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def _yaml(themes) -> bytes:
    return yaml.safe_dump({"themes": [asdict(t) for t in themes]}, allow_unicode=True).encode()


def _changed_file() -> bytes:
    """The demo file without "Getting around", and with "Feeling safe at night" reworded."""
    themes = []
    for theme in demo_themes():
        kept = [p for p in theme.priorities if p.key != "getting-around"]
        kept = [
            replace(p, statement="Streets that are lit and busy after dark.")
            if p.key == "feeling-safe-at-night"
            else p
            for p in kept
        ]
        themes.append(replace(theme, priorities=kept))
    return _yaml(themes)


def _upload(client, version_id, content, name="strategy.yaml"):
    url = f"/staff/admin/strategy/versions/{version_id}"
    page = client.get(url)
    data = {**hidden_fields(page.text), "strategy_file": (io.BytesIO(content), name)}
    return client.post(f"{url}/import", data=data, content_type="multipart/form-data")


def _confirm(client, version_id, page):
    url = f"/staff/admin/strategy/versions/{version_id}/import/confirm"
    return client.post(url, data=hidden_fields(page.text))


def _contents(version_id):
    db.session.expire_all()
    version = db.session.get(StrategyVersion, version_id)
    return [(p.key, p.statement, len(p.evidence)) for p in version.priorities]


def test_an_import_over_a_draft_asks_first_and_names_what_goes(client, admin):
    consultation = make_consultation()
    strategy = make_strategy(consultation, published=False)
    draft = strategy.versions[0]
    buses = make_wish(consultation, text="More buses in the evening")
    lights = make_wish(consultation, text="Street lights on the river path")
    cite_wishes(get_priority_in(draft, "getting-around"), [buses])
    cite_wishes(get_priority_in(draft, "feeling-safe-at-night"), [lights])
    db.session.commit()
    before = _contents(draft.id)
    version_url = f"/staff/admin/strategy/versions/{draft.id}"

    page = _upload(client, draft.id, _changed_file())
    assert page.status_code == 200
    assert "<title>Replace version 1 with strategy.yaml" in page.text
    assert "Replace the themes and priorities of version 1?" in page.text
    assert "strategy.yaml has 4 themes and 7 priorities" in page.text
    going = page.text[page.text.index('id="priorities-that-go"') :]
    assert "Getting around" in going and "with its 1 cited wish" in going
    reworded = page.text[page.text.index('id="priorities-reworded"') :]
    assert "Feeling safe at night" in reworded and "keeps its 1 cited wish" in reworded
    assert "It cannot be undone" in page.text
    assert f'href="{version_url}">Cancel, keep the draft' in page.text
    assert _contents(draft.id) == before  # asking changes nothing

    imported = _confirm(client, draft.id, page)
    assert imported.status_code == 303 and imported.location == version_url
    assert "Imported 4 themes and 7 priorities" in client.get(version_url).text
    after = dict((key, (statement, cited)) for key, statement, cited in _contents(draft.id))
    assert "getting-around" not in after
    assert after["feeling-safe-at-night"] == ("Streets that are lit and busy after dark.", 1)

    again = _confirm(client, draft.id, page)  # a double click sends the same form
    assert again.status_code == 303 and again.location == version_url
    shown = client.get(version_url).text
    assert "strategy.yaml was imported already: version 1 has its themes and priorities" in shown
    assert dict((k, (s, c)) for k, s, c in _contents(draft.id)) == after


def test_the_confirmation_names_cited_analysis_themes(client, admin):
    consultation = make_consultation_with_wishes(n=30)
    strategy = make_strategy(consultation, published=False)
    db.session.commit()
    run = run_analysis(consultation, n_themes=3)
    priority = get_priority_in(strategy.versions[0], "getting-around")
    db.session.add(PriorityEvidence(priority=priority, run_theme_id=visible_themes(run)[0].id))
    db.session.commit()
    page = _upload(client, strategy.versions[0].id, _changed_file())
    going = page.text[page.text.index('id="priorities-that-go"') :]
    assert "Getting around" in going and "with its 0 cited wishes and 1 cited theme" in going


def test_reasons_that_stop_fitting_are_named(client, admin):
    strategy = make_strategy(make_consultation())
    draft = start_revision(strategy)
    remove_priority(get_priority_in(draft, "getting-around"))
    record_change(draft, "getting-around", kind="merged", reason="One priority now", user=None,
                  merged_into="feeling-safe-at-night")  # fmt: skip
    db.session.commit()
    page = _upload(client, draft.id, _changed_file())
    assert page.status_code == 200
    reasons = page.text[page.text.index('id="reasons-that-stop-fitting"') :]
    assert "Getting around" in reasons
    assert "Residents commented on version 1" in page.text


def test_cancel_leaves_the_draft_as_it_was(client, admin):
    strategy = make_strategy(make_consultation(), published=False)
    db.session.commit()
    draft = strategy.versions[0]
    before = _contents(draft.id)
    page = _upload(client, draft.id, _changed_file())
    cancel = page.text.split("Cancel, keep the draft")[0].rsplit('href="', 1)[1].split('"')[0]
    assert client.get(cancel).status_code == 200
    assert _contents(draft.id) == before


def test_a_confirmation_after_the_draft_changed_asks_again(client, admin):
    strategy = make_strategy(make_consultation(), published=False)
    db.session.commit()
    draft = strategy.versions[0]
    page = _upload(client, draft.id, _changed_file())
    add_theme(draft, "Jobs and the Economy")  # another admin adds a theme meanwhile
    db.session.commit()
    stale = _confirm(client, draft.id, page)
    assert stale.status_code == 409 and "<title>Error: " in stale.text
    assert "The draft changed after you were asked" in stale.text
    themes = stale.text[stale.text.index('id="themes-that-go"') :]
    assert "Jobs and the Economy" in themes
    db.session.expire_all()
    titles = [t.title for t in db.session.get(StrategyVersion, draft.id).themes]
    assert "Jobs and the Economy" in titles  # kept until the admin has seen it
    confirmed = _confirm(client, draft.id, stale)
    assert confirmed.status_code == 303
    db.session.expire_all()
    titles = [t.title for t in db.session.get(StrategyVersion, draft.id).themes]
    assert "Jobs and the Economy" not in titles and len(titles) == 4


@pytest.mark.parametrize("held", ["", "not-a-token", "eyJ2Ijo5OTl9.abc.def"])
def test_a_confirmation_without_a_good_file_changes_nothing(client, admin, held):
    strategy = make_strategy(make_consultation(), published=False)
    db.session.commit()
    draft = strategy.versions[0]
    before = _contents(draft.id)
    url = f"/staff/admin/strategy/versions/{draft.id}"
    token = hidden_fields(client.get(url).text)["csrf_token"]
    refused = client.post(f"{url}/import/confirm", data={"csrf_token": token, "held_file": held})
    assert refused.status_code == 400 and "<title>Error: " in refused.text
    assert "Import the file again" in refused.text
    assert _contents(draft.id) == before


def test_a_confirmation_for_another_draft_is_refused(client, admin):
    first = make_strategy(make_consultation(slug="derby"), published=False).versions[0]
    other = make_strategy(make_consultation(slug="leeds"), published=False).versions[0]
    db.session.commit()
    before = _contents(other.id)
    page = _upload(client, first.id, _changed_file())
    refused = _confirm(client, other.id, page)
    assert refused.status_code == 400 and "Import the file again" in refused.text
    assert _contents(other.id) == before


def test_an_empty_draft_imports_at_once_and_a_second_upload_says_it_is_done(client, admin):
    now = utcnow()
    strategy = create_strategy(make_consultation(), "Derby", "", now, now + timedelta(days=30))
    db.session.commit()
    draft = strategy.versions[0]
    content = _yaml(demo_themes())
    first = _upload(client, draft.id, content)
    assert first.status_code == 303
    assert "Imported 4 themes and 8 priorities" in client.get(first.location).text
    again = _upload(client, draft.id, content)  # the upload sent twice
    assert again.status_code == 303
    assert "strategy.yaml was imported already" in client.get(again.location).text
    assert len(_contents(draft.id)) == 8


def test_a_file_at_the_size_limit_is_carried_to_the_confirmation(client, admin):
    strategy = make_strategy(make_consultation(), published=False)
    db.session.commit()
    draft = strategy.versions[0]
    rng = random.Random(7)
    letters = string.ascii_letters + string.digits + "+/"

    def words(n):
        return "".join(rng.choice(letters) for _ in range(n))

    priorities = [
        {"title": f"Priority {i}", "statement": words(4990), "why": words(4990)} for i in range(50)
    ]
    content = yaml.safe_dump({"themes": [{"title": "Everything", "priorities": priorities}]})
    assert 500_000 < len(content) < 512 * 1024
    page = _upload(client, draft.id, content.encode())
    assert page.status_code == 200
    imported = _confirm(client, draft.id, page)
    assert imported.status_code == 303
    assert len(_contents(draft.id)) == 50


def test_a_published_version_is_not_replaced(client, admin):
    strategy = make_strategy(make_consultation(), published=False)
    draft = strategy.versions[0]
    db.session.commit()
    page = _upload(client, draft.id, _changed_file())
    publish(draft, "consultation")
    db.session.commit()
    before = _contents(draft.id)
    refused = _confirm(client, draft.id, page)
    assert refused.status_code == 400 and "is published and cannot be changed" in refused.text
    assert _contents(draft.id) == before


def test_a_confirmation_sent_twice_at_once_imports_once(app, client, admin, monkeypatch):
    """Both requests would be past their checks before either saved if nothing stopped them;
    the second waits for the first and is told the file was imported already."""
    strategy = make_strategy(make_consultation(), published=False)
    db.session.commit()
    draft = strategy.versions[0]
    clients = [client, app.test_client()]
    sign_in(clients[1], make_staff("admin"))
    pages = [_upload(each, draft.id, _changed_file()) for each in clients]
    both_in = threading.Barrier(2, timeout=3)
    real_replace = strategy_import.replace_content

    def meet(*args):
        try:
            both_in.wait()
        except threading.BrokenBarrierError:
            pass
        return real_replace(*args)

    monkeypatch.setattr(strategy_import, "replace_content", meet)
    answers = [None, None]

    draft_id = draft.id

    def confirm(i):
        answers[i] = _confirm(clients[i], draft_id, pages[i])

    threads = [threading.Thread(target=confirm, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [a.status_code for a in answers] == [303, 303]
    told = [clients[i].get(answers[i].location).text for i in (0, 1)]
    assert sum("Imported 4 themes and 7 priorities" in t for t in told) == 1
    assert sum("strategy.yaml was imported already" in t for t in told) == 1
    db.session.rollback()  # end this test's own read, to see what the two requests left
    assert len(_contents(draft.id)) == 7


def _mapped_draft(client):
    """A draft with a run whose first theme the strategy team (on `client`) has confirmed onto
    "Getting around", a priority _changed_file drops."""
    consultation = make_consultation_with_wishes(n=30)
    strategy = make_strategy(consultation, published=False)
    db.session.commit()
    run = run_analysis(consultation, n_themes=3)
    sign_in(client, make_staff("strategy", email="team@example.org"))
    themes = visible_themes(run)
    _map(client, run, themes[0], "Getting around without a car")
    return strategy.versions[0], run, themes


def _map(client, run, theme, title, remove=False):
    """What a member of the strategy team does on the theme's page."""
    url = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    page = client.get(url).text
    if remove:
        assert client.post(f"{url}/mapping/remove", data=hidden_fields(page)).status_code == 303
        return
    target = re.search(rf'<option value="([^"]+)">{re.escape(escape(title))}[^<]*</option>', page)
    data = {**hidden_fields(page), "strategy_target": target.group(1)}
    assert client.post(f"{url}/mapping", data=data).status_code == 303


def _confirmed(themes):
    db.session.expire_all()
    return [t.confirmed_mapping is not None for t in themes]


def test_a_mapping_confirmed_after_the_page_asked_is_counted_before_it_ends(app, client):
    team = app.test_client()
    draft, run, themes = _mapped_draft(team)
    sign_in(client, make_staff("admin"))
    before = _contents(draft.id)
    page = _upload(client, draft.id, _changed_file())
    assert "1 confirmed mapping of an analysis theme onto this draft" in page.text
    _map(team, run, themes[1], "Getting around without a car")  # a colleague, meanwhile

    stale = _confirm(client, draft.id, page)
    assert stale.status_code == 409 and "<title>Error: " in stale.text
    said = "The strategy team changed their mappings onto this draft after you were asked: "
    assert said + "2 confirmed mappings of analysis themes now end, not 1" in stale.text
    assert "2 confirmed mappings of analysis themes onto this draft" in stale.text
    assert _contents(draft.id) == before and _confirmed(themes[:2]) == [True, True]
    assert _confirm(client, draft.id, stale).status_code == 303  # agreed to the new count
    assert _contents(draft.id) != before and _confirmed(themes[:2]) == [False, False]


def test_another_mapping_ending_than_the_page_counted_asks_again(app, client):
    team = app.test_client()
    draft, run, themes = _mapped_draft(team)
    sign_in(client, make_staff("admin"))
    before = _contents(draft.id)
    page = _upload(client, draft.id, _changed_file())
    _map(team, run, themes[0], "Getting around without a car", remove=True)
    _map(team, run, themes[1], "Getting around without a car")  # one ends still: another one

    stale = _confirm(client, draft.id, page)
    assert stale.status_code == 409
    assert "1 confirmed mapping of an analysis theme still ends, not the same one" in stale.text
    assert _contents(draft.id) == before and _confirmed(themes[:2]) == [False, True]
    _map(team, run, themes[1], "Getting around without a car", remove=True)
    again = _confirm(client, draft.id, stale)
    assert again.status_code == 409
    assert "0 confirmed mappings of analysis themes now end, not 1" in again.text
    assert 'id="mappings-that-end"' not in again.text
    assert _confirm(client, draft.id, again).status_code == 303
