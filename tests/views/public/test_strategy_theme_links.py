"""A theme page offers to "comment" on its priorities only while residents can comment on them:
not on an earlier version, not once comments have closed."""

from datetime import timedelta

from engage.extensions import db
from engage.models._types import utcnow
from engage.services.strategy_revisions import publish, start_revision
from tests.factories import make_consultation
from tests.strategy_factories import make_strategy


def _theme_page(client, strategy, number=1):
    slug = strategy.versions[0].themes[0].slug
    return client.get(f"/consultations/derby/strategy/versions/{number}/themes/{slug}").text


def test_an_open_draft_invites_comments(client, app):
    strategy = make_strategy(make_consultation(slug="derby"))
    db.session.commit()
    assert "Read in full and comment<span" in _theme_page(client, strategy)


def test_a_closed_draft_only_offers_reading(client, app):
    strategy = make_strategy(
        make_consultation(slug="derby"),
        opens=utcnow() - timedelta(days=60),
        closes=utcnow() - timedelta(days=1),
    )
    db.session.commit()
    page = _theme_page(client, strategy)
    assert "Read in full<span" in page and "and comment" not in page


def test_an_earlier_version_only_offers_reading(client, app):
    strategy = make_strategy(make_consultation(slug="derby"))
    publish(start_revision(strategy), "consultation", "Reworded after comments")
    db.session.commit()
    assert "and comment" not in _theme_page(client, strategy, number=1)
    assert "Read in full and comment<span" in _theme_page(client, strategy, number=2)
