"""The decision log links each decision to the page of its own kind of entry."""

import re

from engage.extensions import db
from engage.models import ModerationDecision, ModerationStatus
from tests.conftest import hidden_fields
from tests.factories import make_consultation, make_wish
from tests.photo_factories import make_competition, make_photo_entry
from tests.strategy_factories import make_comment, make_strategy


def test_each_decision_links_to_its_entry_page(client, login_as):
    consultation = make_consultation(slug="derby")
    wish = make_wish(consultation, status=ModerationStatus.PENDING)
    photo = make_photo_entry(make_competition(consultation))
    priority = make_strategy(consultation).versions[0].priorities[0]
    comment = make_comment(priority)
    officer = login_as("officer")
    for kind, entry in (("wish", wish), ("photo", photo), ("comment", comment)):
        db.session.add(
            ModerationDecision(
                entry_type=kind, entry_id=entry.id, action="approve", moderator_id=officer.id
            )
        )
    db.session.commit()
    log = client.get("/staff/decisions").text
    links = {
        f"/staff/entries/wish/{wish.id}": f"Wish {wish.id}",
        f"/staff/entries/photo/{photo.id}": f"Photo {photo.id}",
        f"/staff/entries/comment/{comment.id}": f"Comment {comment.id}",
    }
    for href, label in links.items():
        assert f'href="{href}">{label}</a>' in log
        assert client.get(href).status_code == 200


def test_the_oldest_decisions_are_reached_page_by_page(client, login_as):
    consultation = make_consultation(slug="derby")
    first = make_wish(consultation, status=ModerationStatus.PENDING)
    bulk = [make_wish(consultation, status=ModerationStatus.PENDING) for _ in range(200)]
    db.session.commit()
    login_as("officer")
    token = hidden_fields(client.get("/staff/queue").text)
    decide = {**token, "entry_ids": str(first.id), "action": "approve"}
    client.post("/staff/queue", data=decide)
    selected = [str(wish.id) for wish in bulk]
    client.post("/staff/queue", data={**token, "selected": selected, "action": "approve"})
    assert db.session.query(ModerationDecision).count() == 201
    page = client.get("/staff/decisions").text
    assert "201 decisions" in page
    assert f">Wish {bulk[-1].id}</a>" in page and f">Wish {first.id}</a>" not in page
    while f">Wish {first.id}</a>" not in page:
        following = re.search(r'href="([^"]+)" rel="next"', page)
        assert following, "the first decision cannot be reached"
        page = client.get(following.group(1).replace("&amp;", "&")).text
