"""Two members of the strategy team changing one run's themes at the same moment: each change
waits for the other, so the counts the pages show are those of both changes."""

import re
import threading
from html import unescape

import pytest

from engage.extensions import db
from engage.services import theme_edits
from engage.services.analysis_runs import visible_themes
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.workspace_factories import make_consultation_with_wishes, run_analysis


@pytest.fixture
def run(app):
    return run_analysis(make_consultation_with_wishes(n=40), n_themes=4)


def _at_once(monkeypatch, name: str):
    """Both requests have made their change before either counts the themes again (if
    nothing stops them)."""
    both_in = threading.Barrier(2, timeout=3)
    real = getattr(theme_edits, name)

    def meet(*args):
        try:
            both_in.wait()
        except threading.BrokenBarrierError:
            pass
        return real(*args)

    monkeypatch.setattr(theme_edits, name, meet)


def _size_shown(client, run, theme) -> int:
    page = client.get(f"/staff/workspace/runs/{run.id}/themes/{theme.id}").text
    return int(re.search(r"<strong>([\d,]+) entr", page).group(1).replace(",", ""))


def test_two_members_marking_entries_not_relevant_at_once_are_both_counted(
    app, client, run, monkeypatch
):
    theme = visible_themes(run)[0]
    url = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    clients = [client, app.test_client()]
    pages = []
    for each in clients:
        sign_in(each, make_staff("strategy"))
        pages.append(each.get(url).text)
    listed = re.findall(r'name="entry" type="checkbox" value="(\d+)"', pages[0])
    action = unescape(re.search(r'action="([^"]+/entries[^"]*)"', pages[0]).group(1))
    sent = [  # two entries each, not the same ones
        {**hidden_fields(pages[i]), "entry": listed[2 * i : 2 * i + 2], "action": "not_relevant"}
        for i in (0, 1)
    ]
    size = theme.size
    _at_once(monkeypatch, "refresh_sizes")
    answers = [None, None]

    def change(i):
        answers[i] = clients[i].post(action, data=sent[i]).status_code

    threads = [threading.Thread(target=change, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert answers == [303, 303]
    db.session.rollback()  # end this test's own read, to see what the two requests left
    assert _size_shown(client, run, theme) == size - 4
    page = client.get(url).text
    assert "and 4 more marked not relevant (left out of its count)" in page
