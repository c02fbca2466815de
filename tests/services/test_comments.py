"""Comments on priorities: stored once per form token, only while the draft is open, flagged
on arrival, decided on with a log, and counted by stance once published."""

from datetime import timedelta

import pytest

from engage.errors import NotAccepting
from engage.extensions import db
from engage.models import Comment, Flag, ModerationDecision, ModerationStatus
from engage.models._types import utcnow
from engage.services.comments import (
    CommentError,
    decide_comments,
    published_comments,
    stance_counts,
    submit_comment,
    waiting_comments,
)
from engage.services.moderation import DecisionError
from engage.services.strategy_revisions import start_revision
from tests.conftest import make_staff
from tests.strategy_factories import make_comment, make_strategy


@pytest.fixture
def priority(app):
    return make_strategy().versions[0].priorities[0]


def test_a_form_token_stores_one_comment(priority):
    first = submit_comment(priority, "support", "Yes please", form_token="abc")
    again = submit_comment(priority, "oppose", "Changed my mind", form_token="abc")
    assert first.created and not again.created and again.comment.id == first.comment.id
    assert db.session.query(Comment).count() == 1
    assert first.comment.reference.startswith("C-")
    assert (
        first.comment.submission.consultation_id == priority.theme.version.strategy.consultation_id
    )
    assert first.comment.status == ModerationStatus.PENDING


@pytest.mark.parametrize(
    ("stance", "text", "message"),
    [
        ("", "Some text", "Choose whether"),
        ("maybe", "Some text", "Choose whether"),
        ("support", "  ", "Enter your comment"),
        ("support", "x" * 1001, "1000 characters or fewer"),
    ],
)
def test_bad_comments_are_refused(priority, stance, text, message):
    with pytest.raises(CommentError, match=message):
        submit_comment(priority, stance, text)
    assert db.session.query(Comment).count() == 0


def test_closed_drafts_take_no_comments(app):
    strategy = make_strategy()
    priority = strategy.versions[0].priorities[0]
    with pytest.raises(NotAccepting):
        submit_comment(priority, "support", "Late", now=utcnow() + timedelta(days=31))
    with pytest.raises(NotAccepting):
        submit_comment(priority, "support", "Early", now=utcnow() - timedelta(days=2))
    draft = make_strategy(published=False).versions[0].priorities[0]
    with pytest.raises(NotAccepting):
        submit_comment(draft, "support", "Not published yet")
    start_revision(strategy)  # a draft revision does not close the published version
    submit_comment(priority, "support", "Still open")


def test_flags_on_arrival(priority):
    received = submit_comment(priority, "oppose", "Ring me on 07700 900123 about it")
    kinds = {f.kind for f in db.session.query(Flag).filter_by(entry_type="comment")}
    assert kinds == {"personal_data"}
    assert db.session.query(Flag).one().entry_id == received.comment.id


def test_decisions_are_logged_and_counts_use_published_comments_only(priority):
    officer = make_staff("officer")
    comments = [
        submit_comment(priority, stance, f"Comment {n}").comment
        for n, stance in enumerate(["support", "support", "oppose", "no_view"])
    ]
    assert waiting_comments() == 4
    decide_comments(comments[:3], "approve", officer)
    decide_comments([comments[3]], "reject", officer, reason="off_topic")
    assert waiting_comments() == 0
    assert stance_counts([priority]) == {
        "support": 2,
        "support_with_changes": 0,
        "oppose": 1,
        "no_view": 0,
    }
    assert [c.text for c in published_comments([priority])] == [
        "Comment 0",
        "Comment 1",
        "Comment 2",
    ]
    log = db.session.query(ModerationDecision).filter_by(entry_type="comment").all()
    assert len(log) == 4 and {d.moderator_id for d in log} == {officer.id}


def test_redaction_keeps_the_original(priority):
    officer = make_staff("officer")
    comment = make_comment(priority, "Call 07700 900123", status=ModerationStatus.PENDING)
    with pytest.raises(DecisionError, match="redacted version needs its text"):
        decide_comments([comment], "approve_redacted", officer, redacted_text="")
    decide_comments([comment], "approve_redacted", officer, redacted_text="Call [removed]")
    assert comment.text == "Call 07700 900123" and comment.public_text == "Call [removed]"
    with pytest.raises(DecisionError, match="Add a note"):
        decide_comments([comment], "reject", officer, reason="other")
