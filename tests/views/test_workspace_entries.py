"""Ticking a theme's entries to move them or mark them not relevant, as the team does it on
a page of entries after the first."""

import re
from html import unescape

import pytest

from engage.extensions import db
from engage.services.analysis_runs import visible_themes
from tests.conftest import hidden_fields
from tests.workspace_factories import make_consultation_with_wishes, run_analysis


@pytest.fixture
def run(app):
    return run_analysis(make_consultation_with_wishes(n=40), n_themes=4)


def _form_of_entries(html: str) -> tuple[str, list[str]]:
    """The entries form's action and the entry ids it lists, as a browser reads them."""
    form = re.search(r'<form method="post" action="([^"]+/entries[^"]*)"(.*?)</form>', html, re.S)
    return unescape(form.group(1)), re.findall(r'name="entry" type="checkbox" value="(\d+)"', html)


def test_a_move_without_a_theme_keeps_the_page_and_the_ticks(app, client, team, run):
    app.config["WORKSPACE_PER_PAGE"] = 5
    theme = visible_themes(run)[0]
    assert theme.size > 5
    page = client.get(f"/staff/workspace/runs/{run.id}/themes/{theme.id}?page=2").text
    action, listed = _form_of_entries(page)
    ticked = listed[:2]
    data = {**hidden_fields(page), "entry": ticked, "action": "move", "move_to": "0"}
    response = client.post(action, data=data)
    assert response.status_code == 400
    message = "Choose the theme to move the ticked entries to"
    assert f'<a href="#move_to">{message}</a>' in response.text  # the summary leads to it
    assert message in response.text.split('id="move_to-error"')[1].split("</p>")[0]
    assert re.search(r'<details class="govuk-details engage-no-print"\s+>', response.text)
    assert "Entries 6 to " in response.text  # the page they were ticked on, not the first
    for entry in listed:
        box = re.search(rf'<input [^>]*value="{entry}"[^>]*>', response.text).group(0)
        assert (" checked" in box) == (entry in ticked), entry


def test_entries_marked_on_a_later_page_lead_back_to_that_page(app, client, team, run):
    app.config["WORKSPACE_PER_PAGE"] = 5
    theme = visible_themes(run)[0]
    page = client.get(f"/staff/workspace/runs/{run.id}/themes/{theme.id}?page=2").text
    action, listed = _form_of_entries(page)
    data = {**hidden_fields(page), "entry": listed[0], "action": "not_relevant"}
    response = client.post(action, data=data)
    assert response.status_code == 303
    page = client.get(response.location).text
    assert "Marked 1 entry not relevant" in page and "Entries 6 to " in page


def test_a_theme_page_counts_its_entries_marked_not_relevant(client, team, run):
    theme = visible_themes(run)[0]
    size = theme.size - 2
    url = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    page = client.get(url).text
    action, listed = _form_of_entries(page)
    data = {**hidden_fields(page), "entry": listed[:2], "action": "not_relevant"}
    assert client.post(action, data=data).status_code == 303
    page = " ".join(unescape(re.sub(r"<[^>]+>", " ", client.get(url).text)).split())
    # The heading's count and the list's agree: the list holds the two left out as well.
    assert f"{size} entries , and 2 more marked not relevant (left out of its count)." in page
    assert f"Entries 1 to {size + 2} of {size + 2}" in page


def test_a_theme_whose_entries_were_all_moved_out_says_so(client, team, run):
    empty, other = visible_themes(run)[-1], visible_themes(run)[0]
    url = f"/staff/workspace/runs/{run.id}/themes/{empty.id}"
    page = client.get(url).text
    action, listed = _form_of_entries(page)
    data = {**hidden_fields(page), "entry": listed, "action": "move", "move_to": other.id}
    assert client.post(action, data=data).status_code == 303
    page = client.get(url).text
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "No entries are in this theme now." in text
    assert "open another theme and merge this one into it" in text
    assert "Entries 0 to 0 of 0" not in text and "Move the ticked entries" not in text


def test_moving_entries_to_the_theme_they_are_in_changes_nothing(client, team, run):
    from engage.extensions import db
    from engage.models import ThemeAssignment, ThemeEdit

    theme = visible_themes(run)[0]
    url = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    page = client.get(url).text
    action, listed = _form_of_entries(page)
    # A hand-made request: the page offers only the other themes.
    data = {**hidden_fields(page), "entry": listed[:2], "action": "move", "move_to": theme.id}
    response = client.post(action, data=data)
    assert response.status_code == 303
    shown = unescape(client.get(response.location).text)
    assert f"Nothing changed: the ticked entries are already in “{theme.label}”" in shown
    assert "moved here by the team" not in shown and "Moved 2 entries" not in shown
    db.session.expire_all()
    assert not db.session.query(ThemeEdit).filter_by(kind="move").count()
    ticked = [int(n) for n in listed[:2]]
    moved = db.session.query(ThemeAssignment).filter(ThemeAssignment.id.in_(ticked))
    assert not any(a.moved_by_team for a in moved)


def test_renaming_a_theme_to_its_own_name_changes_nothing(client, team, run):
    from engage.extensions import db
    from engage.models import ThemeEdit

    theme = visible_themes(run)[0]
    url = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    page = client.get(url).text
    response = client.post(f"{url}/rename", data={**hidden_fields(page), "label": theme.label})
    assert response.status_code == 303
    shown = unescape(client.get(response.location).text)
    assert f"Nothing changed: the theme is already called “{theme.label}”" in shown
    assert "the analysis called it" not in shown
    assert "Renamed by the team" not in client.get(f"/staff/workspace/runs/{run.id}/themes").text
    db.session.expire_all()
    assert not db.session.query(ThemeEdit).filter_by(kind="rename").count()
    assert not theme.renamed


def test_a_theme_page_reads_its_entries_by_their_ids(client, team, run, statements):
    """With 10 ids or more, SQLite read every published wish through the status index to find
    them, for every 500 ids of a page, a move, a split or an export."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plans; PostgreSQL plans by the table's statistics")
    theme = max(visible_themes(run), key=lambda t: t.size)
    assert theme.size >= 10
    sent, parameters = statements
    assert client.get(f"/staff/workspace/runs/{run.id}/themes/{theme.id}").status_code == 200
    by_ids = [s for s in sent if "FROM wishes" in s and "wishes.id IN (" in s]
    assert by_ids
    with db.engine.connect() as connection:
        for statement in by_ids:
            plan = connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", parameters[statement]
            ).all()
            steps = [step[-1] for step in plan]
            assert all("PRIMARY KEY" in step for step in steps if " wishes " in f"{step} "), steps
