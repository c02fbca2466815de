"""Removing a theme of the draft strategy asks first, naming the theme, as removing a priority
does; Cancel keeps it, and the confirmation sent twice says the theme was removed already. A
form sent for the theme once it is gone says so, and shows what was typed in it."""

import pytest
from markupsafe import escape

from engage.admin import strategy as strategy_views
from engage.extensions import db
from engage.models import StrategyTheme, StrategyVersion
from engage.services.strategy import add_theme
from tests.at_once import send_at_once
from tests.conftest import hidden_fields, make_staff, sign_in

pytestmark = pytest.mark.usefixtures("csrf_app")


def _themes(version_id):
    db.session.expire_all()
    return [t.title for t in db.session.get(StrategyVersion, version_id).themes]


def test_removing_an_empty_theme_asks_first_and_names_it(client, draft):
    theme = add_theme(draft, "Jobs and the Economy", "Good work near home")
    db.session.commit()
    version_url = f"/staff/admin/strategy/versions/{draft.id}"
    remove_url = f"/staff/admin/strategy/themes/{theme.id}/remove"
    editor = client.get(version_url).text
    assert f'href="{remove_url}"' in editor  # a link to the question, not a button that removes
    assert f'action="{remove_url}"' not in editor
    page = client.get(remove_url)
    assert page.status_code == 200
    assert "<title>Remove Jobs and the Economy" in page.text
    assert "Remove the theme Jobs and the Economy?" in page.text
    assert "Good work near home" in page.text and "It cannot be undone" in page.text
    assert f'href="{version_url}">Cancel, keep it' in page.text
    assert "Jobs and the Economy" in _themes(draft.id)  # asking changes nothing

    form = hidden_fields(page.text)
    removed = client.post(remove_url, data=form)
    assert removed.status_code == 303 and removed.location == version_url
    assert "Removed the theme Jobs and the Economy from version 1" in client.get(version_url).text
    assert "Jobs and the Economy" not in _themes(draft.id)

    again = client.post(remove_url, data=form)  # a double click sends the same form
    assert again.status_code == 303 and again.location == version_url
    assert "The theme Jobs and the Economy was removed already" in client.get(version_url).text
    assert len(_themes(draft.id)) == 4


def test_a_theme_with_priorities_is_not_asked_about(client, draft):
    theme = draft.themes[0]
    page = client.get(f"/staff/admin/strategy/themes/{theme.id}/remove")
    assert page.status_code == 400 and "<title>Error: " in page.text
    assert f"Remove or move the priorities of the theme {escape(theme.title)} first" in page.text
    assert db.session.get(StrategyTheme, theme.id) is not None


def test_a_removal_without_the_form_token_changes_nothing(client, draft):
    theme = add_theme(draft, "Jobs")
    db.session.commit()
    refused = client.post(f"/staff/admin/strategy/themes/{theme.id}/remove", data={})
    assert refused.status_code == 400
    assert "Jobs" in _themes(draft.id)


def test_a_removal_sent_twice_at_once_is_made_once(app, client, draft, monkeypatch):
    """Both requests would be past their checks before either saved if nothing stopped them;
    the second waits for the first and is told the theme was removed already."""
    theme = add_theme(draft, "Jobs")
    db.session.commit()
    url = f"/staff/admin/strategy/themes/{theme.id}/remove"
    clients = [client, app.test_client()]
    sign_in(clients[1], make_staff("admin"))
    forms = [hidden_fields(each.get(url).text) for each in clients]
    sends = [lambda i=i: clients[i].post(url, data=forms[i]) for i in (0, 1)]
    answers = send_at_once(monkeypatch, strategy_views, "remove_theme", sends)
    assert [a.status_code for a in answers] == [303, 303]
    told = [clients[i].get(answers[i].location).text for i in (0, 1)]
    assert sum("Removed the theme Jobs from version 1" in t for t in told) == 1
    assert sum("The theme Jobs was removed already" in t for t in told) == 1
    db.session.rollback()  # end this test's own read, to see what the two requests left
    assert "Jobs" not in _themes(draft.id)


def _removed_by_another_admin(app, theme):
    other = app.test_client()
    sign_in(other, make_staff("admin"))
    url = f"/staff/admin/strategy/themes/{theme.id}/remove"
    assert other.post(url, data=hidden_fields(other.get(url).text)).status_code == 303


def test_a_priority_added_to_a_theme_removed_meanwhile_shows_what_was_sent(app, client, draft):
    theme = add_theme(draft, "Jobs")
    db.session.commit()
    url = f"/staff/admin/strategy/themes/{theme.id}/priorities/new"
    form = hidden_fields(client.get(url).text)
    theme_id = theme.id
    _removed_by_another_admin(app, theme)
    sent = client.post(url, data={**form, "theme": str(theme_id), "title": "Good jobs",
                                  "statement": "Jobs <b>near</b> home.",
                                  "activities": "Job fairs\nApprenticeships"})  # fmt: skip
    assert sent.status_code == 404 and "<title>Error: This theme was removed" in sent.text
    assert "your new priority was not added" in sent.text
    assert "Good jobs" in sent.text and "Jobs &lt;b&gt;near&lt;/b&gt; home." in sent.text
    assert "Job fairs<br>Apprenticeships" in sent.text


def test_a_theme_saved_after_it_was_removed_shows_what_was_sent(app, client, draft):
    theme = add_theme(draft, "Jobs", "Work near home")
    db.session.commit()
    url = f"/staff/admin/strategy/themes/{theme.id}"
    form = hidden_fields(client.get(url).text)
    _removed_by_another_admin(app, theme)
    sent = client.post(url, data={**form, "title": "Jobs and skills", "summary": "Good work"})
    assert sent.status_code == 404 and "<title>Error: This theme was removed" in sent.text
    assert "your changes were not saved" in sent.text
    assert "Jobs and skills" in sent.text and "Good work" in sent.text
    assert client.get(url).status_code == 404  # the page itself is gone
