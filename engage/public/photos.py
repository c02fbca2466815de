"""The photo competition for residents: entering, the gallery, an entry's page with the
people's vote, the results, and the public copies of approved photos."""

import hashlib

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from itsdangerous import BadSignature, URLSafeSerializer

from engage.errors import HiddenFieldFilled, InvalidFormToken, NotAccepting, RateLimited
from engage.extensions import csrf, db
from engage.models import AWARDS, PhotoEntry
from engage.photo_responses import send_stored
from engage.public import bp
from engage.public.kept import cookie_missing, typed_texts
from engage.public.paging import page_or_last, page_param, page_place
from engage.public.photo_forms import EntryForm, PhotoReportForm, VoteForm, chosen_file
from engage.public.reports import report_page
from engage.public.resent import content_digest, remember_sent, sent_before
from engage.public.votes import voter_key
from engage.services import ratelimit
from engage.services.images import ImageRefused, process_photo, read_upload
from engage.services.judging import list_awards
from engage.services.photos import (
    EntryDetails,
    EntryError,
    StoredPhoto,
    discard_keys,
    gallery_query,
    get_competition,
    get_entry_by_token,
    get_held_photo,
    get_public_entry,
    get_vote,
    hold_photo,
    release_held,
    store_photo,
    submit_entry,
)
from engage.services.tokens import form_token_nonce, new_form_token
from engage.storage import get_storage

_SESSION_KEY = "photo_entries"
_FORM_PURPOSE = "photo:{}"
_HELD_SALT = "engage.held-photo"


def _competition_or_404(slug: str):
    return get_competition(slug) or abort(404)


@bp.url_value_preprocessor
def _photo_form_body_limit(endpoint, values) -> None:
    """Let the entry form take a body larger than MAX_CONTENT_LENGTH, so that a photo over the
    10 MB limit reaches the view and gets the photo field's error with the text kept. Set here
    because URL value preprocessors run before every before_request function, and CSRFProtect's
    reads the body."""
    if endpoint == "public.enter_competition":
        request.max_content_length = current_app.config["PHOTO_FORM_MAX_CONTENT_LENGTH"]


@bp.get("/competitions/<slug>")
def show_competition(slug):
    """A competition's home page: what to do, the dates and the rules."""
    competition = _competition_or_404(slug)
    return render_template("photos/competition.html", competition=competition)


@bp.route("/competitions/<slug>/enter", methods=["GET", "POST"])
@csrf.exempt  # checked by the form itself, so a failure keeps the text: see engage.public.kept
def enter_competition(slug):
    """The entry form: the photo, what it shows, the credit and the consents."""
    if request.method == "POST":
        try:
            return _receive_entry(slug, EntryForm())
        finally:
            for upload in request.files.values():
                upload.close()
    competition = _competition_or_404(slug)
    if not competition.entries_open():
        return render_template("photos/not_open.html", competition=competition)
    form = EntryForm()
    form.word_for(competition)
    form.form_token.data = issue_token(slug)
    return render_template("photos/enter.html", competition=competition, form=form)


def issue_token(slug: str) -> str:
    return new_form_token(_FORM_PURPOSE.format(slug))


def _check_token(form: EntryForm, slug: str) -> str:
    return form_token_nonce(form.form_token.data, _FORM_PURPOSE.format(slug))


def _receive_entry(slug: str, form: EntryForm):
    """Count the attempt and check the token in one short transaction, process the photo with
    no transaction open (it takes a while), then store the entry in a second one."""
    competition = _competition_or_404(slug)
    form.word_for(competition)
    form.held = _held_photo(competition, form.held_photo.data)
    if form.website.data:
        return _hidden_field_filled(competition, form)
    nonce, problem = None, None
    if form.validate_on_submit():
        try:
            nonce = _check_token(form, slug)
        except InvalidFormToken as error:
            problem = error
    try:
        ratelimit.hit(
            f"photos:{request.remote_addr}",
            current_app.config["PHOTO_ENTRY_RATE_LIMIT"],
            current_app.config["SUBMISSION_RATE_WINDOW"],
        )
    except RateLimited as error:
        db.session.rollback()
        return _form_again(competition, form, error)
    earlier = _earlier_entry(competition, form, nonce) if nonce else None
    is_open = competition.entries_open()
    # Commit now, so no write transaction waits on the photo's processing below.
    db.session.commit()
    if earlier is not None:
        return _sent(earlier, already=True, digest=form.digest)
    if not is_open:
        return _closed(competition, form)
    if form.errors or problem:
        _hold_upload(competition, form)
        return _form_again(competition, form, problem)
    return _store_entry(competition, form, nonce)


def _hidden_field_filled(competition, form: EntryForm):
    """The form again with the entrant's words, saying why it was not sent. Nothing is saved,
    not even the photo just chosen (a kept one from an earlier attempt stays kept)."""
    if not competition.entries_open():
        return _closed(competition, form)
    then = "Check your answers and select Send your entry."
    if not form.held:
        then = f"Choose your photo again. {then}"
    return _form_again(competition, form, HiddenFieldFilled("your entry", then))


def _earlier_entry(competition, form: EntryForm, nonce: str) -> PhotoEntry | None:
    """The entry stored under this form's token, or the one this browser stored with the same
    photo and words when the form comes back with a new token (Back, then Send again)."""
    form.digest = _entry_digest(competition, form)
    earlier = get_entry_by_token(nonce)
    if earlier is None and (entry_id := sent_before(form.digest)):
        earlier = db.session.get(PhotoEntry, entry_id)
    if earlier is None or earlier.competition_id != competition.id:
        return None
    return earlier


def _entry_digest(competition, form: EntryForm) -> str:
    """A digest of the entry's words and ticks and of the photo's bytes (or the kept photo)."""
    details = {name: form[name].data for name in EntryDetails.__dataclass_fields__}
    photo = f"held:{form.held.id}" if form.held else ""
    if chosen_file(form.photo.data):
        stream = form.photo.data.stream
        photo = hashlib.file_digest(stream, "sha256").hexdigest()
        stream.seek(0)
    return content_digest(f"photo:{competition.id}", details, photo)


def _closed(competition, form: EntryForm):
    """Entries have closed (perhaps while they filled in the form): their words come back."""
    page = render_template("photos/not_open.html", competition=competition, kept=typed_texts(form))
    return page, 403


def _held_serializer(slug: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=f"{_HELD_SALT}:{slug}")


def _held_photo(competition, token: str | None):
    """The photo kept from an earlier attempt of this form, if its signed reference is good."""
    if not token:
        return None
    try:
        held_id = _held_serializer(competition.slug).loads(token)
    except BadSignature:
        return None
    return get_held_photo(competition, held_id)


def _process(form: EntryForm):
    """The chosen file, checked and converted; None (with the field's error) if refused."""
    try:
        return process_photo(read_upload(form.photo.data.stream))
    except ImageRefused as error:
        form.photo.errors = [error.message]
        return None


def _hold_upload(competition, form: EntryForm) -> None:
    """Keep a good photo chosen on a form that comes back with errors, so the entrant does not
    have to choose it again; the form then carries a signed reference to it."""
    if form.photo.errors or not chosen_file(form.photo.data):
        return
    photo = _process(form)
    if photo is None:
        return
    storage = get_storage()
    _hold_stored(competition, form, storage, store_photo(storage, photo))


def _hold_stored(competition, form: EntryForm, storage, stored: StoredPhoto) -> None:
    """Keep the stored copies of the photo just chosen in place of any kept before."""
    try:
        replaced = release_held(form.held)
        form.held = hold_photo(competition, stored, form.photo.data.filename)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        discard_keys(storage, stored.keys)
        raise
    discard_keys(storage, replaced)


def _store_entry(competition, form: EntryForm, nonce: str):
    """Store the entry with the photo just chosen (processed and stored now; its copies go again
    if the entry fails) or the one kept from an earlier attempt of the form."""
    storage = get_storage()
    if chosen_file(form.photo.data):
        photo = _process(form)
        if photo is None:
            return _form_again(competition, form)
        stored, fresh = store_photo(storage, photo), True
    else:
        stored, fresh = StoredPhoto.of(form.held), False
    details = EntryDetails(**{name: form[name].data for name in EntryDetails.__dataclass_fields__})
    new_keys = stored.keys if fresh else []
    try:
        received = submit_entry(competition, details, stored, form_token=nonce)
        # The held photo's copies are the entry's now, or were replaced by the new file.
        replaced = release_held(form.held) if received.created else []
        db.session.commit()
    except EntryError as error:
        # The form's own checks should have caught it: show it there, keeping the new photo.
        db.session.rollback()
        if fresh:
            _hold_stored(competition, form, storage, stored)
        return _form_again(competition, form, error)
    except BaseException as error:
        db.session.rollback()
        discard_keys(storage, new_keys)
        if isinstance(error, NotAccepting):
            return _closed(competition, form)
        raise
    if not received.created:
        discard_keys(storage, new_keys)  # the form was sent before: that entry stands
    elif fresh:
        discard_keys(storage, replaced)  # the new file took the held photo's place
    return _sent(received.entry, already=not received.created, digest=form.digest)


def _sent(entry: PhotoEntry, already: bool, digest: str | None = None):
    ids = [i for i in session.get(_SESSION_KEY, []) if i != entry.id][-9:]
    session[_SESSION_KEY] = [*ids, entry.id]
    if digest:
        remember_sent(digest, entry.id)
    if already:
        flash("We already have this entry: you sent this form before.")
    return redirect(url_for("public.entry_sent", slug=entry.competition.slug), 303)


def _form_again(competition, form: EntryForm, error=None):
    """The form with its errors and everything typed, and the photo kept if one was chosen."""
    if isinstance(error, InvalidFormToken) or not form.form_token.data:
        form.form_token.data = issue_token(competition.slug)
    held = form.held
    form.held_photo.data = _held_serializer(competition.slug).dumps(held.id) if held else ""
    status = getattr(error, "status", 400)
    page = render_template(
        "photos/enter.html",
        competition=competition,
        form=form,
        problem=error.message if error else None,
        cookies_needed=cookie_missing(form),
    )
    response = current_app.make_response((page, status))
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@bp.get("/competitions/<slug>/entered")
def entry_sent(slug):
    """The confirmation, with the entry's reference."""
    competition = _competition_or_404(slug)
    ids = session.get(_SESSION_KEY, [])
    entry = db.session.get(PhotoEntry, ids[-1]) if ids else None
    if entry is None or entry.competition_id != competition.id:
        return redirect(url_for("public.show_competition", slug=slug))
    return render_template("photos/entered.html", competition=competition, entry=entry)


@bp.get("/competitions/<slug>/gallery")
def gallery(slug):
    """Approved entries: thumbnails with their descriptions, titles and wishes."""
    competition = _competition_or_404(slug)
    page = page_or_last(gallery_query(competition), current_app.config["PHOTOS_PER_PAGE"])
    if isinstance(page, int):  # gone since the link was made (photos taken down), or typed
        return redirect(url_for("public.gallery", slug=slug, **page_param(page)))
    return render_template(
        "photos/gallery.html", competition=competition, page=page, here=page_param(page.page)
    )


@bp.get("/competitions/<slug>/photos/<int:entry_id>")
def show_entry(slug, entry_id):
    """One approved photo, its wish and credit, and the vote while voting is open."""
    competition = _competition_or_404(slug)
    entry = get_public_entry(competition, entry_id) or abort(404)
    return render_template(
        "photos/entry.html",
        competition=competition,
        entry=entry,
        vote=get_vote(competition, voter_key()),
        form=VoteForm(),
        here=page_place(request.args),  # the gallery page it was opened from, to go back to
    )


@bp.route("/competitions/<slug>/photos/<int:entry_id>/report", methods=["GET", "POST"])
def report_entry(slug, entry_id):
    """'Report this photo': a visitor sends a published photo back to the moderators."""
    competition = _competition_or_404(slug)
    entry = get_public_entry(competition, entry_id) or abort(404)
    # Back to the photo, whose link to the gallery keeps the page it was opened from.
    here = page_place(request.args)
    return report_page(
        entry,
        PhotoReportForm(),
        url_for("public.show_entry", slug=slug, entry_id=entry_id, **here),
        "photos/report.html",
        competition=competition,
        entry=entry,
        here=here,
    )


@bp.get("/competitions/<slug>/results")
def results(slug):
    """The winners and the people's choice, once published."""
    competition = _competition_or_404(slug)
    awards = list_awards(competition, public=True) if competition.results_published else []
    return render_template(
        "photos/results.html", competition=competition, awards=awards, labels=AWARDS
    )


@bp.get("/competitions/<slug>/photos/<int:entry_id>/<any(display, thumbnail):size>.jpg")
def photo_image(slug, entry_id, size):
    """The display copy or thumbnail of an approved photo (the full-size copy is never public)."""
    competition = _competition_or_404(slug)
    entry = get_public_entry(competition, entry_id) or abort(404)
    key = entry.display_key if size == "display" else entry.thumb_key
    return send_stored(key, "image/jpeg", f"{entry.reference}-{size}.jpg", private=False)
