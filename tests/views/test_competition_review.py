"""The photo competition as admins, judges and residents meet it: edge cases found in review."""

import pytest

from engage.extensions import db
from engage.models import Competition
from tests.conftest import hidden_fields
from tests.factories import make_consultation


def post_form(client, page_url, url, data):
    page = client.get(page_url)
    return client.post(url, data={**hidden_fields(page.text), **data})


def competition_data(consultation, **dates):
    data = {
        "consultation": str(consultation.id),
        "title": "Picture your wish",
        "slug": "picture-your-wish",
        "summary": "Photograph a wish.",
        "rules": "One photo each.",
        "entries_open": ["1", "6", "2026"],
        "entries_close": ["20", "6", "2026"],
        "voting_open": ["10", "6", "2026"],
        "voting_close": ["30", "6", "2026"],
    }
    return {**data, **dates}


@pytest.mark.parametrize(
    "field, day, message",
    [
        # The last day there is: its end (the next midnight) cannot be worked out.
        ("voting_close", ["31", "12", "9999"], "Voting closes must be a date between"),
        ("entries_close", ["1", "1", "1999"], "Entries close must be a date between"),
        ("entries_open", ["31", "2", "2026"], "Entries open must be a real date"),
        ("voting_open", ["1", "1", "99999"], "Voting opens must be a real date"),
    ],
)
def test_a_competition_date_out_of_range_gets_a_message(client, login_as, app, field, day, message):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    login_as("admin")
    url = "/staff/admin/competitions"
    response = post_form(client, url, url, competition_data(consultation, **{field: day}))
    assert response.status_code == 400
    assert message in response.text
    assert f'href="#{field}-day"' in response.text
    assert 'value="Picture your wish"' in response.text  # what was typed is kept
    assert db.session.query(Competition).count() == 0
