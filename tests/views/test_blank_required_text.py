"""Required text of only spaces or invisible characters (a stray space bar, a zero-width space
pasted with a name) is refused at its field with the field's message, as an empty box is, on
the competition, card, workshop sheet and theme forms. It was cleaned to nothing after the
check and saved empty, or refused by the service with a message away from the field."""

import pytest

from engage.extensions import db
from engage.models import Competition, RunTheme, Submission
from tests.conftest import post_form
from tests.factories import make_consultation
from tests.photo_factories import competition_data
from tests.workspace_factories import make_consultation_with_wishes, run_analysis

BLANK = " \u200b \u00a0 "


def _refused_at(response, field: str, message: str) -> None:
    assert response.status_code == 400, response.status_code
    assert response.text.count(message) >= 2  # in the error summary and at the field
    assert f'href="#{field}"' in response.text


@pytest.mark.parametrize(
    "field, message",
    [
        ("title", "Enter a title"),
        ("summary", "Say what people should photograph"),
        ("rules", "Enter the rules"),
    ],
)
def test_a_competition_s_text_of_only_spaces(client, login_as, app, field, message):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    login_as("admin")
    url = "/staff/admin/competitions"
    response = post_form(client, url, url, competition_data(consultation, **{field: BLANK}))
    _refused_at(response, field, message)
    assert db.session.query(Competition).count() == 0


def test_a_card_number_of_only_spaces(client, login_as, app):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    login_as("officer")
    data = {
        "consultation": str(consultation.id),
        "channel": "paper_card",
        "card_number": BLANK,
        "wish_1": "More buses",
    }
    response = post_form(client, "/staff/cards/new", "/staff/cards/new", data)
    _refused_at(response, "card_number", "Enter the card number")
    assert 'value="More buses"' in response.text or ">More buses<" in response.text
    assert db.session.query(Submission).count() == 0


def test_a_workshop_partner_of_only_spaces(client, login_as, app):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    login_as("officer")
    data = {
        "consultation": str(consultation.id),
        "partner": BLANK,
        "event": "Summer fair",
        "event_date-day": "12",
        "event_date-month": "7",
        "event_date-year": "2026",
    }
    response = post_form(client, "/staff/workshops", "/staff/workshops/preview", data)
    _refused_at(response, "partner", "Enter the partner organisation")


def test_a_theme_renamed_to_only_spaces(client, team, app):
    run = run_analysis(make_consultation_with_wishes(n=30), n_themes=3)
    theme = next(t for t in run.themes if not t.is_other)
    before = theme.label
    url = f"/staff/workspace/runs/{run.id}/themes/{theme.id}"
    response = post_form(client, url, f"{url}/rename", {"label": BLANK})
    _refused_at(response, "label", "Enter the theme")
    db.session.expire_all()
    assert db.session.get(RunTheme, theme.id).label == before
