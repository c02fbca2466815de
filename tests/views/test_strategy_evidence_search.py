"""The evidence page's wish search: the wall's search, accents and case folded alike."""

import pytest

from engage.extensions import db
from engage.services.strategy import get_priority_in
from tests.factories import make_consultation, make_wish
from tests.strategy_factories import make_strategy


@pytest.mark.parametrize(("search", "found"), [("creche", "crèche"), ("CAFÉ", "cafe")])
def test_an_admin_finds_wishes_with_or_without_accents(client, login_as, search, found):
    login_as("admin")
    consultation = make_consultation(slug="derby")
    make_wish(consultation, text="A crèche at the leisure centre")
    make_wish(consultation, text="A cafe in the park")
    strategy = make_strategy(consultation, published=False)
    db.session.commit()
    priority = get_priority_in(strategy.versions[0], "getting-around")
    url = f"/staff/admin/strategy/priorities/{priority.id}/evidence"
    page = client.get(url, query_string={"q": search})
    assert page.status_code == 200
    assert f"1 wish matching “{search}”" in page.text and found in page.text
