"""The public hostile-string lists through the officer's pages: keyed cards, the queue with
hostile entries, the report form and the queue's filters. Never a 500, never live markup."""

from engage.extensions import db
from engage.models import ModerationStatus
from tests.conftest import hidden_fields, payload_lines
from tests.factories import make_consultation, make_wish
from tests.views.public.test_payloads import _injected, _tags


def test_hostile_entries_render_inert_in_the_queue(app, client, login_as):
    consultation = make_consultation(slug="derby")
    plain = make_consultation(slug="plain")
    lines = payload_lines()
    for n, text in enumerate(lines[:150]):
        make_wish(consultation, text=text[:500], status=ModerationStatus.PENDING)
        make_wish(plain, text=f"Plain wish {n}", status=ModerationStatus.PENDING)
    db.session.commit()
    login_as("officer")
    baseline = set()
    for page_number in range(1, 7):
        baseline |= _tags(
            client.get(f"/staff/queue?consultation={plain.id}&page={page_number}").text
        )
    for page_number in range(1, 7):
        page = client.get(f"/staff/queue?consultation={consultation.id}&page={page_number}")
        assert page.status_code == 200
        assert not _injected(page.text, baseline)


def test_hostile_strings_through_the_card_form_and_filters(app, client, login_as):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    login_as("officer")
    form = client.get("/staff/cards/new")
    for text in payload_lines()[::25]:
        data = {
            **hidden_fields(form.text),
            "consultation": str(consultation.id),
            "channel": "paper_card",
            "card_number": text[:40],
            "wish_1": text,
            "postcode": text[:20],
            "age_band": text[:10],
        }
        response = client.post("/staff/cards/new", data=data)
        assert response.status_code in (303, 400, 409), text
        query = {key: text for key in ("flag", "channel", "area", "consultation", "page")}
        assert client.get("/staff/queue", query_string=query).status_code == 200, text
