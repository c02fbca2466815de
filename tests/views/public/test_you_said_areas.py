"""'You said, we did' counts the areas of the wishes behind a theme only where it knows them:
a wish sent without a postcode has no area."""

import re
from html import unescape

import pytest

from engage.extensions import db
from engage.services.strategy import get_priority_in
from engage.services.strategy_evidence import cite_wishes
from engage.services.strategy_revisions import publish, start_revision
from tests.factories import make_area, make_consultation, make_wish
from tests.strategy_factories import make_strategy

KEY = "feeling-safe-at-night"


@pytest.mark.parametrize(
    ("with_area", "told"),
    [
        (0, "and 2 wishes behind its priorities"),
        (1, "and 3 wishes from 1 area behind its priorities"),
    ],
)
def test_wishes_without_a_postcode_are_not_said_to_come_from_0_areas(app, client, with_area, told):
    consultation = make_consultation()
    strategy = make_strategy(consultation, published=False)
    wishes = [make_wish(consultation, text=f"Lit paths {i}") for i in range(2)]
    wishes += [make_wish(consultation, area=make_area(name="Abbey")) for _ in range(with_area)]
    cite_wishes(get_priority_in(strategy.versions[0], KEY), wishes)
    publish(strategy.versions[0], "consultation")
    publish(start_revision(strategy), "consultation")
    db.session.commit()
    page = client.get(f"/consultations/{consultation.slug}/strategy/you-said-we-did").text
    said = " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert told in said
    assert "from 0 areas" not in said


@pytest.mark.parametrize(
    ("with_area", "told"),
    [(0, "2 wishes asked for this"), (1, "3 wishes from 1 area asked for this")],
)
def test_a_priority_page_counts_areas_only_where_it_knows_them(app, client, with_area, told):
    consultation = make_consultation()
    strategy = make_strategy(consultation, published=False)
    priority = get_priority_in(strategy.versions[0], KEY)
    wishes = [make_wish(consultation, text=f"Lit paths {i}") for i in range(2)]
    wishes += [make_wish(consultation, area=make_area(name="Abbey")) for _ in range(with_area)]
    cite_wishes(priority, wishes)
    publish(strategy.versions[0], "consultation")
    db.session.commit()
    page = client.get(f"/consultations/{consultation.slug}/strategy/priorities/{priority.id}")
    said = " ".join(unescape(re.sub(r"<[^>]+>", " ", page.text)).split())
    assert told in said
    assert "from 0 areas" not in said
