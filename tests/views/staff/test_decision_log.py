"""The decision log links each decision to the page of its own kind of entry."""

from engage.extensions import db
from engage.models import ModerationDecision, ModerationStatus
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
