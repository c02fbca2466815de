"""Fixtures for the staff and public pages: a draft strategy an admin is signed in to edit."""

import pytest

from engage.extensions import db
from tests.factories import make_consultation
from tests.strategy_factories import make_strategy


@pytest.fixture
def draft(app, login_as):
    """The first version of a strategy (the demo themes), still a draft, with an admin signed in
    on the test client."""
    login_as("admin")
    strategy = make_strategy(make_consultation(slug="derby"), published=False)
    db.session.commit()
    return strategy.versions[0]
