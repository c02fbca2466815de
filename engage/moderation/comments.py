"""The comment queue: officers decide on residents' comments on the draft strategy, with the
same reasons, redaction and decision log as for wishes."""

from flask import abort, render_template
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import TextAreaField
from wtforms.validators import Length

from engage.extensions import db
from engage.models import ACTIONS, FLAG_KINDS, REJECT_REASONS, STANCES, Comment
from engage.moderation import bp, register_queue
from engage.moderation import photos as _photos_first  # noqa: F401 - tabs: wishes, photos, comments
from engage.moderation.decisions import Refusal, decide_selected, queue_page, refusal_context
from engage.moderation.forms import DecisionForm, redacted_too_long
from engage.services.comments import (
    MAX_COMMENT_LENGTH,
    comment_queue_query,
    decide_comments,
    waiting_comments,
)
from engage.services.flags import REDACTION_GROWTH, redaction_suggestion
from engage.services.moderation import flags_for, list_decisions
from engage.services.text import clean_text

register_queue("Comments", "moderation.comment_queue", waiting_comments)


MAX_REDACTED_COMMENT = REDACTION_GROWTH * MAX_COMMENT_LENGTH


class CommentDecisionForm(DecisionForm):
    """As for wishes, but a redacted comment may be as long as a comment allows."""

    redacted_text = TextAreaField(
        "Text to publish",
        filters=[clean_text],
        validators=[
            Length(max=MAX_REDACTED_COMMENT, message=redacted_too_long(MAX_REDACTED_COMMENT))
        ],
        widget=GovTextArea(),
    )


@bp.get("/comments/queue")
def comment_queue():
    """Comments waiting for a decision, oldest first."""
    return _comment_queue_page(CommentDecisionForm())


def _comment_name(comment: Comment) -> str:
    """How the queue names a comment: its heading, a refused bulk decision's lists, messages."""
    return f"Comment {comment.submission.reference} on “{comment.priority.title}”"


def _comment_queue_page(form: CommentDecisionForm, refusal: Refusal | None = None) -> str:
    query = comment_queue_query()
    page = queue_page(query, refusal)
    return render_template(
        "moderation/comment_queue.html",
        page=page,
        form=form,
        entry_name=_comment_name,
        **refusal_context(refusal, page, query),
        flags=flags_for("comment", [c.id for c in page.items]),
        suggestions={c.id: redaction_suggestion(c) for c in page.items},
        redacted_max=MAX_REDACTED_COMMENT,
        flag_kinds=FLAG_KINDS,
        reasons=REJECT_REASONS,
        stances=STANCES,
    )


@bp.post("/comments/queue")
def decide_comment_entries():
    """The comment queue page's forms: the bulk form's ticked comments, or one comment's own
    form (approve, reject, approve a redacted version). Refused, the same page comes back
    with the form as the officer left it."""
    return decide_selected(
        CommentDecisionForm(),
        Comment,
        decide_comments,
        ("comment", "comments"),
        shown_again=_comment_queue_page,
        name=_comment_name,
        extra_fields=("redacted_text",),
    )


@bp.get("/entries/comment/<int:comment_id>")
def show_comment(comment_id):
    """One comment with its original text, flags and every decision on it."""
    comment = db.session.get(Comment, comment_id) or abort(404)
    return render_template(
        "moderation/comment_entry.html",
        comment=comment,
        flags=flags_for("comment", [comment.id])[comment.id],
        decisions=list_decisions("comment", comment.id),
        actions=ACTIONS,
        reasons=REJECT_REASONS,
        stances=STANCES,
    )
