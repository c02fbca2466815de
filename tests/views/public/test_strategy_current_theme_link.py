"""An earlier version's theme links to the same theme in the current version: the one with its
slug, or the one its priorities went to (paired by key, as the comparison pairs them) when an
imported file renamed it; or it says it is no longer a theme there."""

from dataclasses import replace

import pytest

from engage.extensions import db
from engage.services.strategy import replace_content
from engage.services.strategy_revisions import publish, start_revision
from tests.factories import make_consultation
from tests.strategy_factories import demo_themes, make_strategy
from tests.views.public.test_strategy_current_link import warning


@pytest.fixture
def strategy(app):
    """Version 2 keeps the first theme, renames the second and merges the fourth into the
    third, every priority keeping its key."""
    strategy = make_strategy(make_consultation(slug="derby"))
    young, health, safer, green = demo_themes()
    revision = start_revision(strategy)
    replace_content(
        revision,
        [
            young,
            replace(health, title="Health and Wellbeing"),
            replace(safer, priorities=safer.priorities + green.priorities),
        ],
    )
    publish(revision, "consultation")
    db.session.commit()
    return strategy


def theme_page(client, number, theme_slug):
    url = f"/consultations/derby/strategy/versions/{number}/themes/{theme_slug}"
    return client.get(url).text


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("children-young-people", "children-young-people"),
        ("safer-and-stronger-communities", "safer-and-stronger-communities"),
        ("healthier-communities", "health-and-wellbeing"),  # renamed, its priorities kept
    ],
)
def test_an_earlier_theme_links_to_itself_in_the_current_version(client, strategy, old, new):
    words, links = warning(theme_page(client, 1, old))
    assert "This is an earlier version. Read this theme in the current version" in words
    assert links == [f"/consultations/derby/strategy/versions/2/themes/{new}"]


def test_an_earlier_theme_merged_into_another_says_so_and_links_to_the_contents(client, strategy):
    words, links = warning(theme_page(client, 1, "sustainable-development"))
    assert (
        "This is an earlier version. “Sustainable Development” is no longer a theme in the "
        "current version, version 2. Read the current version" in words
    )
    assert links == ["/consultations/derby/strategy"]


def test_the_earlier_contents_still_link_to_the_current_contents(client, strategy):
    words, links = warning(client.get("/consultations/derby/strategy/versions/1").text)
    assert words.endswith("This is an earlier version. Read the current version .")
    assert links == ["/consultations/derby/strategy"]


def test_the_current_theme_has_no_warning(client, strategy):
    assert 'class="govuk-warning-text"' not in theme_page(client, 2, "health-and-wellbeing")
