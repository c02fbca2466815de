"""Fixtures for the staff and public pages: a draft strategy an admin is signed in to edit, and
the statements a request sends to the database."""

from collections import Counter

import pytest
from sqlalchemy import event

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


@pytest.fixture
def statements(app):
    """Every SELECT sent to the database while the fixture is in use (how many times each),
    and the parameters it was last sent with."""
    sent: Counter = Counter()
    parameters = {}

    def record(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            sent[statement] += 1
            parameters[statement] = params

    event.listen(db.engine, "before_cursor_execute", record)
    yield sent, parameters
    event.remove(db.engine, "before_cursor_execute", record)
