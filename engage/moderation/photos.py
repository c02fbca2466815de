"""Officers moderate photo entries: the photo, its alt text and consents, and the same
decisions and reasons as wishes, logged under entry_type "photo"."""

from flask import abort, render_template, request

from engage.extensions import db
from engage.models import ACTIONS, FLAG_KINDS, REJECT_REASONS, PhotoEntry
from engage.models.photo import WITHDRAWN
from engage.moderation import bp, register_queue
from engage.moderation import queue as _wishes_first  # noqa: F401 - its tab comes first
from engage.moderation.decisions import Refusal, decide_selected, queue_page, refusal_context
from engage.moderation.forms import DecisionForm
from engage.numbers import id_arg
from engage.photo_responses import send_stored
from engage.services.moderation import flags_for, list_decisions
from engage.services.photo_moderation import (
    decide_photos,
    photo_queue_query,
    refused_photos,
    waiting_photos,
)
from engage.services.photos import list_competitions

register_queue("Photos", "moderation.photo_queue", waiting_photos)


@bp.get("/queue/photos")
def photo_queue():
    """Photo entries waiting for a decision, oldest first."""
    return _photo_queue_page(DecisionForm())


def _photo_name(entry: PhotoEntry) -> str:
    """How the queue names a photo: its heading, a refused bulk decision's lists, messages."""
    return f"“{entry.title}” ({entry.reference})"


def _photo_queue_page(form: DecisionForm, refusal: Refusal | None = None) -> str:
    competition_id = request.args.get("competition", type=id_arg)
    query = photo_queue_query(competition_id)
    page = queue_page(query, refusal)
    return render_template(
        "moderation/photo_queue.html",
        page=page,
        competition_id=competition_id,
        competitions=list_competitions(),
        form=form,
        entry_name=_photo_name,
        **refusal_context(refusal, page, query),
        flags=flags_for("photo", [e.id for e in page.items]),
        flag_kinds=FLAG_KINDS,
        reasons=REJECT_REASONS,
    )


@bp.post("/queue/photos")
def decide_photo_entries():
    """The photo queue page's forms: the bulk form's ticked photos, or one photo's own form.
    A photo that cannot take the decision (withdrawn, or not fit to publish) is left out and
    named; refused, the same page comes back with the form as the officer left it."""
    return decide_selected(
        DecisionForm(),
        PhotoEntry,
        decide_photos,
        ("photo", "photos"),
        shown_again=_photo_queue_page,
        name=_photo_name,
        refused=refused_photos,
    )


@bp.get("/entries/photo/<int:entry_id>")
def show_photo_entry(entry_id):
    """One photo entry with everything the entrant gave, its flags and every decision on it."""
    entry = db.session.get(PhotoEntry, entry_id) or abort(404)
    return render_template(
        "moderation/photo_entry.html",
        entry=entry,
        flags=flags_for("photo", [entry.id])[entry.id],
        decisions=list_decisions("photo", entry.id),
        actions=ACTIONS,
        # An entry its entrant withdrew is rejected with a reason no officer gives.
        reasons={**REJECT_REASONS, WITHDRAWN: "Withdrawn by the entrant"},
    )


@bp.get("/entries/photo/<int:entry_id>/<any(display, thumbnail, full):size>")
def staff_photo_image(entry_id, size):
    """Any entry's copies for staff, whatever its status; the full-size copy as stored."""
    entry = db.session.get(PhotoEntry, entry_id) or abort(404)
    if size == "full":
        suffix = entry.master_key.rsplit(".", 1)[-1]
        return send_stored(
            entry.master_key, entry.master_type, f"{entry.reference}.{suffix}", private=True
        )
    key = entry.display_key if size == "display" else entry.thumb_key
    return send_stored(key, "image/jpeg", f"{entry.reference}-{size}.jpg", private=True)
