"""Asking for a data link too often from one connection: the form comes back as typed, with
the limit's message in the error summary and "Error: " in the title, a 429 and Retry-After;
no link is made or mailed."""

from engage.extensions import db
from engage.mail import outbox
from engage.models import RespondentDetails, RightsRequest
from tests.conftest import hidden_fields
from tests.factories import make_consultation, make_wish


def _ask(client, reference, email):
    page = client.get("/your-data")
    return client.post(
        "/your-data", data={**hidden_fields(page.text), "reference": reference, "email": email}
    )


def test_too_many_requests_keep_what_was_typed(client, app):
    app.config["RIGHTS_RATE_LIMIT"] = 1
    wish = make_wish(make_consultation(slug="derby"), text="A lido")
    wish.submission.details = RespondentDetails(email="sam@example.com")
    db.session.commit()
    reference = wish.submission.reference
    assert _ask(client, reference, "sam@example.com").status_code == 303
    outbox(app).clear()
    refused = _ask(client, reference, "sam@example.com")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "govuk-error-summary" in refused.text and "too many attempts" in refused.text
    assert "<title>Error: Get a copy of your data" in refused.text
    assert f'value="{reference}"' in refused.text and 'value="sam@example.com"' in refused.text
    assert outbox(app) == [] and db.session.query(RightsRequest).count() == 1
