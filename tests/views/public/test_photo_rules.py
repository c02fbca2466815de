"""The entry form shows the competition's rules on its own page, so a resident reads them
without leaving what they typed and the photo they chose; with no rules, there is nothing to
read and no link that goes nowhere."""

import re

from engage.extensions import db
from tests import photo_files as pf
from tests.photo_factories import make_competition
from tests.views.public.test_photos import enter

RULES = "One photo per person.\n\nYou keep the copyright; the partnership may use it."


def _links_away(page: str) -> list[str]:
    """The links in the entry form itself (a resident following one leaves the form)."""
    form = re.search(r"<form .*?</form>", page, re.S)[0]
    return re.findall(r'<a [^>]*href="([^"]*)"', form)


def test_the_rules_are_on_the_entry_form_itself(client, app):
    make_competition(slug="pics", rules=RULES)
    db.session.commit()
    page = client.get("/competitions/pics/enter").text
    details = re.search(r'<details class="govuk-details"[^>]*id="rules".*?</details>', page, re.S)
    assert details, "the rules are not on the form's page"
    assert "Read the competition rules" in details[0]
    assert '<p class="govuk-body">One photo per person.</p>' in details[0]
    assert "You keep the copyright; the partnership may use it." in details[0]
    assert _links_away(page) == []


def test_the_rules_are_there_again_when_the_form_comes_back_with_an_error(client, app):
    make_competition(slug="pics", rules=RULES)
    db.session.commit()
    again = enter(client, pf.jpeg(), title="")
    assert again.status_code == 400
    assert 'id="rules"' in again.text and "One photo per person." in again.text
    assert _links_away(again.text) == []


def test_a_competition_with_no_rules_shows_no_link_to_them(client, app):
    make_competition(slug="pics", rules="  \n\n ")
    db.session.commit()
    page = client.get("/competitions/pics/enter").text
    assert "#rules" not in page and 'id="rules"' not in page
    assert "Read the competition rules" not in page
    assert "Tick each box to enter." in page


def test_with_no_rules_the_agreement_asks_only_for_the_licence(client, app):
    make_competition(slug="pics", rules="")
    db.session.commit()
    page = client.get("/competitions/pics/enter").text
    assert "I give the partnership a licence to use the photo" in page
    agreement = re.search(r"Your agreement.*?</fieldset>", page, re.S)[0]
    assert "rules" not in re.sub(r"<[^>]+>", " ", agreement)  # in the words a resident reads


def test_with_no_rules_the_unticked_licence_is_asked_for_without_rules(client, app):
    make_competition(slug="pics", rules="")
    db.session.commit()
    again = enter(client, pf.jpeg(), accepted_rules="")
    message = "Give the partnership a licence to use the photo to enter"
    assert again.status_code == 400
    assert again.text.count(message) == 2  # the summary and the field
    assert "Accept the rules" not in again.text
    assert "More trees along the main roads" in again.text


def test_with_rules_the_agreement_still_names_them(client, app):
    make_competition(slug="pics", rules=RULES)
    db.session.commit()
    page = client.get("/competitions/pics/enter").text
    assert "I accept the competition rules, and give the partnership a licence" in page
    again = enter(client, pf.jpeg(), accepted_rules="")
    assert again.text.count("Accept the rules and the licence to enter") == 2
