"""An earlier version's priority links to the same priority in the current version (paired by
its key, as the comparison pairs them), or says it is no longer a priority there."""

import re
from html import unescape

import pytest

from engage.extensions import db
from engage.services.strategy import get_priority_in, remove_priority
from engage.services.strategy_revisions import publish, record_change, start_revision
from tests.factories import make_consultation
from tests.strategy_factories import make_strategy

KEPT, DROPPED = "feeling-safe-at-night", "residents-having-a-say"


@pytest.fixture
def strategy(app):
    strategy = make_strategy(make_consultation(slug="derby"))
    revision = start_revision(strategy)
    remove_priority(get_priority_in(revision, DROPPED))
    record_change(revision, DROPPED, kind="dropped", reason="Covered elsewhere.", user=None)
    publish(revision, "consultation")
    db.session.commit()
    return strategy


def warning(html: str) -> tuple[str, list[str]]:
    """The words of the earlier-version warning, and where its links go."""
    found = re.search(r'<div class="govuk-warning-text">(.*?)</div>', html, re.S)
    assert found, "no warning"
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", found[1])).split())
    return words, re.findall(r'href="([^"]*)"', found[1])


def page_of(client, priority):
    return client.get(f"/consultations/derby/strategy/priorities/{priority.id}").text


def test_an_earlier_priority_links_to_itself_in_the_current_version(client, strategy):
    old, new = (get_priority_in(v, KEPT) for v in strategy.versions)
    words, links = warning(page_of(client, old))
    assert "This is an earlier version. Read this priority in the current version" in words
    assert links == [f"/consultations/derby/strategy/priorities/{new.id}"]


def test_an_earlier_priority_since_dropped_says_so_and_links_to_the_contents(client, strategy):
    old = get_priority_in(strategy.versions[0], DROPPED)
    words, links = warning(page_of(client, old))
    assert (
        "This is an earlier version. “Residents having a say” is no longer a priority in the "
        "current version, version 2. Read the current version" in words
    )
    assert links == ["/consultations/derby/strategy"]


def test_the_current_priority_has_no_warning(client, strategy):
    new = get_priority_in(strategy.versions[1], KEPT)
    assert 'class="govuk-warning-text"' not in page_of(client, new)
