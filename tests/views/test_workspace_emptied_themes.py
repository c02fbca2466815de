"""A theme the team empties by moving all its entries elsewhere has no keywords or quotes left:
its page, the themes page, the exports and the report say it holds no entries, where they
showed the words of the entries it used to hold. A theme that receives entries is described
again from them."""

import csv
import io
import re
from html import escape, unescape

import pytest

from engage.extensions import db
from engage.models import RunTheme, ThemeAssignment
from engage.services.analysis_runs import visible_themes
from engage.services.workspace_entries import texts_of
from tests.conftest import hidden_fields
from tests.services.test_theme_keywords import _described_by_members, _stems
from tests.workspace_factories import make_consultation_with_wishes, run_analysis


@pytest.fixture
def run(app):
    return run_analysis(make_consultation_with_wishes(n=40), n_themes=4)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _tick(client, run, theme, action: str, entries=None, **data) -> None:
    """Tick entries on the theme's page (all it lists unless given) and send the form."""
    page = client.get(f"/staff/workspace/runs/{run.id}/themes/{theme.id}").text
    url = unescape(re.search(r'action="([^"]+/entries[^"]*)"', page).group(1))
    listed = re.findall(r'name="entry" type="checkbox" value="(\d+)"', page)
    assert listed
    data = {**hidden_fields(page), "entry": entries or listed, "action": action, **data}
    response = client.post(url, data=data)
    assert response.status_code == 303, response.text


def _texts(assignments) -> list[str]:
    found = texts_of([(a.entry_type, a.entry_id) for a in assignments])
    return [found[(a.entry_type, a.entry_id)] for a in assignments]


def _move_all(client, run, theme, target) -> None:
    _tick(client, run, theme, "move", move_to=target.id)


def _card(html: str, theme) -> str:
    """A theme's card on the themes page or in the report."""
    return html.split(f'id="theme-{theme.id}"')[1].split('<div class="engage-theme"')[0]


def _emptied(client, run):
    themes = [t for t in visible_themes(run) if not t.is_other]
    emptied, target = themes[-1], themes[0]
    stale = list(emptied.keywords)
    assert stale and emptied.representatives
    _move_all(client, run, emptied, target)
    db.session.expire_all()
    return db.session.get(RunTheme, emptied.id), db.session.get(RunTheme, target.id), stale


def test_an_emptied_theme_shows_no_keywords_or_quotes_anywhere(client, team, run):
    emptied, target, stale = _emptied(client, run)
    assert (emptied.size, emptied.keywords, emptied.representatives) == (0, [], [])
    base = f"/staff/workspace/runs/{run.id}"

    page = _text(client.get(f"{base}/themes/{emptied.id}").text)
    assert "Keywords:" not in page
    assert "It holds no entries now, so it has no keywords." in page

    for url in (f"{base}/themes", f"{base}/report"):
        card = client.get(url).text
        assert escape(emptied.label) in card, url
        card = _card(card, emptied)
        assert "Keywords:" not in card and "engage-quotes" not in card, url
        assert "No entries are counted in this theme now, so it has no keywords." in _text(card)
        assert "Keywords:" in _card(client.get(url).text, target), url

    rows = list(csv.reader(io.StringIO(client.get(f"{base}/themes.csv").text.lstrip("\ufeff"))))
    header, by_number = rows[0], {r[1]: r for r in rows[1:]}
    row = dict(zip(header, by_number[str(emptied.number)], strict=True))
    assert (row["entries"], row["keywords"]) == ("0", "")
    assert not any(word in row["keywords"] for word in stale)


def test_a_theme_given_entries_again_is_described_by_them(client, team, run):
    emptied, target, _ = _emptied(client, run)
    donor = next(t for t in visible_themes(run) if t.id not in (emptied.id, target.id))
    _move_all(client, run, donor, emptied)
    db.session.expire_all()
    refilled = db.session.get(RunTheme, emptied.id)
    assert refilled.size == db.session.get(RunTheme, donor.id).size + refilled.size > 0
    assert refilled.keywords
    _described_by_members(run)  # every keyword is a word of the entries it holds now
    page = client.get(f"/staff/workspace/runs/{run.id}/themes/{refilled.id}").text
    assert f"Keywords: {escape(', '.join(refilled.keywords))}" in page
    assert "It holds no entries now" not in page


def test_an_emptied_theme_loses_its_keywords_when_the_run_s_model_is_gone(client, team, run):
    run.model_file = None  # removed by retention: the others cannot be described again
    db.session.commit()
    emptied, target, _ = _emptied(client, run)
    assert (emptied.keywords, emptied.representatives) == ([], [])
    assert target.keywords  # kept as they were
    page = _text(client.get(f"/staff/workspace/runs/{run.id}/themes/{emptied.id}").text)
    assert "It holds no entries now, so it has no keywords." in page


def test_words_kept_from_before_on_an_emptied_theme_are_not_shown(client, team, run):
    """A theme emptied before its keywords were cleared on a move still has them stored."""
    emptied, _, stale = _emptied(client, run)
    emptied.keywords = stale
    db.session.commit()
    base = f"/staff/workspace/runs/{run.id}"
    for url in (f"{base}/themes/{emptied.id}", f"{base}/themes", f"{base}/report"):
        page = client.get(url).text
        shown = page if url.endswith(str(emptied.id)) else _card(page, emptied)
        assert "Keywords:" not in shown and escape(", ".join(stale)) not in shown, url
    export = client.get(f"{base}/themes.csv").text
    assert ", ".join(stale) not in export


def test_a_theme_left_with_entries_marked_not_relevant_says_so(client, team, run):
    themes = [t for t in visible_themes(run) if not t.is_other]
    theme = themes[-1]
    _tick(client, run, theme, "not_relevant")
    url = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    page = _text(client.get(url).text)
    assert "Its entries are all marked not relevant, so it has no keywords." in page
    assert "Keywords:" not in page


def test_a_representative_quote_moved_out_leaves_the_theme_s_quotes(client, team, run):
    theme, target = [t for t in visible_themes(run) if not t.is_other][:2]
    kind, entry_id = theme.representatives[0]
    moved = db.session.scalar(
        db.select(ThemeAssignment).filter_by(run_id=run.id, entry_type=kind, entry_id=entry_id)
    )
    _tick(client, run, theme, "move", entries=[moved.id], move_to=target.id)
    db.session.expire_all()
    kept = db.session.get(RunTheme, theme.id).representatives
    assert [kind, entry_id] not in kept and kept


def test_entries_marked_not_relevant_no_longer_describe_their_theme(client, team, run):
    theme = next(t for t in visible_themes(run) if not t.is_other and len(t.keywords) > 1)
    word = theme.keywords[0]
    held = db.session.scalars(
        db.select(ThemeAssignment).filter_by(run_id=run.id, theme_id=theme.id)
    ).all()
    texts = {a.id: text for a, text in zip(held, _texts(held), strict=True)}
    using = [a.id for a in held if _stems(word) <= _stems(texts[a.id])]
    assert 0 < len(using) < len(held)
    quoted = {(a.entry_type, a.entry_id) for a in held if a.id in using}

    _tick(client, run, theme, "not_relevant", entries=using)
    db.session.expire_all()
    theme = db.session.get(RunTheme, theme.id)
    assert word not in theme.keywords and theme.keywords
    _described_by_members(run)  # by the entries that still count
    assert not quoted & {(r[0], r[1]) for r in theme.representatives}
    page = client.get(f"/staff/workspace/runs/{run.id}/themes/{theme.id}").text
    assert f"Keywords: {escape(', '.join(theme.keywords))}" in page

    _tick(client, run, theme, "relevant", entries=using)  # counted again, described again
    db.session.expire_all()
    assert word in db.session.get(RunTheme, theme.id).keywords
