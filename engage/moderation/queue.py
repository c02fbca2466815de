"""The moderation queue, decisions and the decision log."""

from flask import abort, render_template, request

from engage.extensions import db
from engage.models import ACTIONS, CHANNELS, FLAG_KINDS, REJECT_REASONS, Wish
from engage.moderation import bp, register_queue
from engage.moderation.decisions import Refusal, decide_selected, queue_page, refusal_context
from engage.moderation.forms import MAX_REDACTED_WISH, DecisionForm
from engage.numbers import id_arg
from engage.services.consultations import list_consultations
from engage.services.flags import redaction_suggestion
from engage.services.moderation import (
    QueueFilters,
    decide,
    decision_log_query,
    flags_for,
    list_areas_for_filter,
    list_decisions,
    queue_query,
    waiting_wishes,
)

register_queue("Wishes", "moderation.queue", waiting_wishes)

DECISIONS_PER_PAGE = 100


def _filters() -> QueueFilters:
    args = request.args
    flag = args.get("flag") if args.get("flag") in FLAG_KINDS else None
    channel = args.get("channel") if args.get("channel") in CHANNELS else None
    return QueueFilters(
        consultation_id=args.get("consultation", type=id_arg),
        channel=channel,
        area_id=args.get("area", type=id_arg),
        flag=flag,
    )


@bp.get("/queue")
def queue():
    """What waits for a decision, oldest first."""
    return _queue_page(DecisionForm())


def _wish_name(wish: Wish) -> str:
    """How the queue names a wish: its heading, a refused bulk decision's lists, messages."""
    return f"Wish {wish.position} of {wish.submission.reference}"


def _queue_page(form: DecisionForm, refusal: Refusal | None = None) -> str:
    filters = _filters()
    query = queue_query(filters)
    page = queue_page(query, refusal)
    return render_template(
        "moderation/queue.html",
        page=page,
        filters=filters,
        form=form,
        entry_name=_wish_name,
        **refusal_context(refusal, page, query),
        flags=flags_for("wish", [w.id for w in page.items]),
        suggestions={w.id: redaction_suggestion(w) for w in page.items},
        redacted_max=MAX_REDACTED_WISH,
        consultations=list_consultations(),
        areas=list_areas_for_filter(),
        channels=CHANNELS,
        flag_kinds=FLAG_KINDS,
        reasons=REJECT_REASONS,
    )


@bp.post("/queue")
def decide_entries():
    """The queue page's forms: the bulk form's ticked entries, or one entry's own form
    (approve, reject, approve a redacted version). Refused, the same page comes back with
    the form as the officer left it."""
    return decide_selected(
        DecisionForm(),
        Wish,
        decide,
        ("entry", "entries"),
        shown_again=_queue_page,
        name=_wish_name,
        extra_fields=("redacted_text",),
    )


@bp.get("/entries/wish/<int:wish_id>")
def show_wish(wish_id):
    """One entry with its original text, flags and every decision on it."""
    wish = db.session.get(Wish, wish_id) or abort(404)
    return render_template(
        "moderation/entry.html",
        wish=wish,
        flags=flags_for("wish", [wish.id])[wish.id],
        decisions=list_decisions("wish", wish.id),
        actions=ACTIONS,
        reasons=REJECT_REASONS,
        channels=CHANNELS,
        form=DecisionForm(),
    )


@bp.get("/decisions")
def decisions():
    """The decision log, newest first, page by page."""
    page = db.paginate(
        decision_log_query(),
        page=max(1, min(request.args.get("page", 1, type=int), 100_000)),
        per_page=DECISIONS_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "moderation/decisions.html",
        page=page,
        actions=ACTIONS,
        reasons=REJECT_REASONS,
    )
