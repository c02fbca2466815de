"""The public "Every version" page: each version's links are real links, never escaped markup."""

import pytest

from engage.extensions import db
from engage.services.strategy_revisions import publish, start_revision
from tests.factories import make_consultation
from tests.strategy_factories import make_strategy


@pytest.fixture
def strategy(app):
    strategy = make_strategy(make_consultation(slug="derby"))
    publish(start_revision(strategy), "final")
    db.session.commit()
    return strategy


def test_versions_page_links_are_markup_not_text(client, strategy):
    page = client.get("/consultations/derby/strategy/versions").text
    assert "&lt;" not in page and "&gt;" not in page
    assert 'href="/consultations/derby/strategy/versions/2"' in page
    assert "Read version 2</a>" in page and "Compare with version 1</a>" in page
    assert 'href="/consultations/derby/strategy/versions/1"' in page


def test_a_version_without_a_note_has_no_empty_what_changed_row(client, strategy):
    import re

    strategy.versions[-1].note = "Priorities reordered after the comments"
    strategy.versions[0].note = ""
    db.session.commit()
    page = client.get("/consultations/derby/strategy/versions").text
    values = re.findall(
        r'What changed</dt>\s*<dd class="govuk-summary-list__value[^"]*">([^<]*)</dd>', page
    )
    assert values == ["Priorities reordered after the comments"]
