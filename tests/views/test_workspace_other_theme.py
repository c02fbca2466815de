"""A run's Other theme (the entries with no distinctive words, such as new entries in words no
theme of the run uses) is no subject: it is merged with no theme, in either direction. Its page
and the other themes' pages do not offer it, and a merge sent anyway is refused with a 400 that
says why, leaving every theme and entry as it was."""

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import ThemeAssignment, ThemeEdit
from engage.services.analysis_runs import visible_themes
from tests.conftest import hidden_fields
from tests.factories import make_wish
from tests.views.test_workspace import WELSH
from tests.workspace_factories import make_consultation_with_wishes, run_analysis


@pytest.fixture
def run(app, client, team):
    run = run_analysis(make_consultation_with_wishes(n=40), n_themes=4)
    for text in WELSH:  # words no entry of the run had: they go to Other
        make_wish(run.consultation, text=text)
    db.session.commit()
    client.get(f"/staff/workspace/runs/{run.id}/themes")  # gives the new entries their themes
    db.session.expire_all()
    return run


def _state(run):
    """Every theme as the team sees it, where each entry is, and how long the log is."""
    db.session.expire_all()
    themes = [(t.id, t.label, t.size, t.visible) for t in run.themes]
    where = db.session.execute(
        select(ThemeAssignment.id, ThemeAssignment.theme_id)
        .where(ThemeAssignment.run_id == run.id)
        .order_by(ThemeAssignment.id)
    ).all()
    edits = db.session.scalar(select(func.count()).where(ThemeEdit.run_id == run.id))
    return themes, where, edits


def _other_and_a_theme(run):
    themes = visible_themes(run)
    other = next(t for t in themes if t.is_other)
    return other, next(t for t in themes if not t.is_other)


def test_other_s_page_offers_no_merge_and_a_theme_is_not_merged_into_it(client, run):
    other, theme = _other_and_a_theme(run)
    base = f"/staff/workspace/runs/{run.id}/themes"
    page = client.get(f"{base}/{other.id}").text
    assert "Merge into this theme" not in page and 'name="other"' not in page
    assert "Nor is it merged with another theme, either way" in unescape(page)
    before = _state(run)

    sent = {**hidden_fields(page), "other": theme.id}
    response = client.post(f"{base}/{other.id}/merge", data=sent)
    assert response.status_code == 400 and "<title>Error: " in response.text
    said = f"“{other.label}” holds the entries with no distinctive words, so no theme is merged"
    assert said in unescape(response.text)
    assert 'href="#other"' not in response.text  # the page has no such field to correct
    assert _state(run) == before


def test_other_is_not_offered_nor_merged_into_another_theme(client, run):
    other, theme = _other_and_a_theme(run)
    base = f"/staff/workspace/runs/{run.id}/themes"
    page = client.get(f"{base}/{theme.id}").text
    merge_list = page.split('name="other"')[1].split("</select>")[0]
    assert "<option" in merge_list and f'value="{other.id}"' not in merge_list
    moves = page.split('name="move_to"')[1].split("</select>")[0]
    assert f'value="{other.id}"' in moves  # entries can still be moved there, one by one
    before = _state(run)

    sent = {**hidden_fields(page), "other": other.id}
    response = client.post(f"{base}/{theme.id}/merge", data=sent)
    assert response.status_code == 400 and "<title>Error: " in response.text
    said = f"“{other.label}” holds the entries with no distinctive words, so it is not merged"
    assert said in unescape(response.text)
    assert 'href="#other"' in response.text  # told at the theme list it was chosen from
    assert _state(run) == before
    assert f"{base}/{other.id}" in client.get(base).text  # still on the themes page


def test_other_emptied_is_not_said_to_be_merged_away(client, run):
    other, theme = _other_and_a_theme(run)
    url = f"/staff/workspace/runs/{run.id}/themes/{other.id}"
    page = client.get(url).text
    ticked = re.findall(r'name="entry" type="checkbox" value="(\d+)"', page)
    sent = {**hidden_fields(page), "entry": ticked, "action": "move", "move_to": theme.id}
    assert client.post(f"{url}/entries", data=sent).status_code == 303
    page = client.get(url).text
    assert "No entries are in this theme now." in page
    assert "merge this one into it" not in page  # the advice Other cannot follow
