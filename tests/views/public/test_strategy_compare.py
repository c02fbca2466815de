"""Comparing two versions of the draft strategy: the latest two by default, any two chosen with
the form, and a clear page with the form again for a choice that cannot be compared."""

import re
from html import unescape

import pytest

from engage.extensions import db
from engage.services.strategy_revisions import publish, start_revision
from tests.factories import make_consultation
from tests.strategy_factories import make_strategy

BASE = "/consultations/derby/strategy/compare"


@pytest.fixture
def strategy(app):
    strategy = make_strategy(make_consultation(slug="derby"))
    publish(start_revision(strategy), "consultation")
    publish(start_revision(strategy), "consultation")
    db.session.commit()
    return strategy


def summary(html: str) -> list[tuple[str, str]]:
    """The error summary's messages, each with the field it links to."""
    found = re.search(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert found, "no error summary"
    return [
        (href, unescape(text).strip())
        for href, text in re.findall(r'<a href="#([^"]*)">(.*?)</a>', found[1], re.S)
    ]


def chosen(html: str, name: str) -> str | None:
    """The value chosen in the select called name."""
    select = re.search(rf'<select [^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no {name} select"
    option = re.search(r'<option value="([^"]*)" selected', select[1])
    return option[1] if option else None


def test_the_latest_two_by_default_with_a_form_to_choose_others(client, strategy):
    page = client.get(BASE)
    assert page.status_code == 200
    assert "What changed between version 2 and version 3" in page.text
    assert (chosen(page.text, "from"), chosen(page.text, "to")) == ("2", "3")
    other = client.get(f"{BASE}?from=1&to=3")
    assert "What changed between version 1 and version 3" in other.text
    assert (chosen(other.text, "from"), chosen(other.text, "to")) == ("1", "3")


def test_the_other_way_round_is_the_same_comparison(client, strategy):
    swapped = client.get(f"{BASE}?from=3&to=1")
    assert swapped.status_code == 302 and swapped.location == f"{BASE}?from=1&to=3"


def test_a_version_compared_with_itself_says_to_choose_two_different_ones(client, strategy):
    page = client.get(f"{BASE}?from=1&to=1")
    assert page.status_code == 400
    assert "<title>Error: Compare two versions" in page.text
    assert summary(page.text) == [("to", "Choose two different versions to compare")]
    assert (chosen(page.text, "from"), chosen(page.text, "to")) == ("1", "1")
    assert '<option value="3">Version 3: Published for comment</option>' in page.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("from=1&to=9", [("to", "Choose the version to compare it with")]),
        ("from=x&to=2", [("from", "Choose the version to compare from")]),
        ("to=2", [("from", "Choose the version to compare from")]),
        ("from=1&to=", [("to", "Choose the version to compare it with")]),
        (
            "from=%C2%B2&to=99999999999999999999",
            [
                ("from", "Choose the version to compare from"),
                ("to", "Choose the version to compare it with"),
            ],
        ),
    ],
)
def test_a_choice_that_names_no_version_gets_the_form_with_what_to_do(
    client, strategy, query, expected
):
    page = client.get(f"{BASE}?{query}")
    assert page.status_code == 400
    assert summary(page.text) == expected
    assert 'action="/consultations/derby/strategy/compare"' in page.text


def test_a_draft_version_cannot_be_compared(client, strategy):
    start_revision(strategy)  # version 4, not published
    db.session.commit()
    page = client.get(f"{BASE}?from=3&to=4")
    assert page.status_code == 400
    assert summary(page.text) == [("to", "Choose the version to compare it with")]
    assert '<option value="4"' not in page.text


def test_a_strategy_with_one_version_has_nothing_to_compare(client, app):
    make_strategy(make_consultation(slug="derby"))
    db.session.commit()
    assert client.get(BASE).status_code == 404
    assert client.get(f"{BASE}?from=1&to=1").status_code == 404
