"""Residents' pages: the consultation, the 3 wishes form, the confirmation and the wish wall."""

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

from engage.errors import HiddenFieldFilled, InvalidFormToken, NotAccepting, RateLimited
from engage.extensions import csrf, db
from engage.models import AGE_BANDS, CHANNELS, ModerationStatus, Wish
from engage.public import bp
from engage.public.forms import AboutYouForm, ReportForm, WallSearchForm, WishesForm
from engage.public.kept import cookie_missing, typed_texts
from engage.public.paging import page_or_last, page_param
from engage.public.reports import report_page
from engage.public.resent import content_digest, remember_sent, sent_before
from engage.public.wall_place import wall_place
from engage.services import moderation, ratelimit
from engage.services.consultations import get_consultation, list_consultations
from engage.services.photos import list_public_competitions
from engage.services.search import query_terms
from engage.services.tokens import form_token_nonce, new_form_token
from engage.services.wishes import (
    Received,
    count_wishes,
    get_submission,
    set_respondent_details,
    submit_wishes,
    wall_query,
)

_SESSION_KEY = "submissions"


def _consultation_or_404(slug: str):
    consultation = get_consultation(slug)
    if consultation is None:
        abort(404)
    return consultation


def _remember(submission_id: int) -> None:
    """Let this browser see the confirmation and add details for its own submissions only."""
    ids = [i for i in session.get(_SESSION_KEY, []) if i != submission_id][-9:]
    session[_SESSION_KEY] = [*ids, submission_id]


def _own_submission(consultation):
    ids = session.get(_SESSION_KEY, [])
    submission = get_submission(ids[-1]) if ids else None
    if submission is None or submission.consultation_id != consultation.id:
        return None
    return submission


@bp.get("/")
def index():
    """Every consultation, newest first."""
    return render_template("public/index.html", consultations=list_consultations())


@bp.get("/consultations/<slug>")
def show_consultation(slug):
    """A consultation's home page: what it is for and every way to take part."""
    consultation = _consultation_or_404(slug)
    published = count_wishes(consultation, ModerationStatus.APPROVED)
    return render_template(
        "public/consultation.html",
        consultation=consultation,
        published=published,
        competitions=list_public_competitions(consultation),
    )


@bp.route("/consultations/<slug>/wishes/new", methods=["GET", "POST"])
@csrf.exempt  # checked by the form itself, so a failure keeps the text: see engage.public.kept
def new_wishes(slug):
    """Step 1 of 2: the resident's wishes."""
    if request.method == "POST":
        return _receive_wishes(slug, WishesForm())
    consultation = _consultation_or_404(slug)
    if not consultation.is_open():
        return render_template("public/not_open.html", consultation=consultation)
    form = WishesForm()
    form.form_token.data = new_form_token(slug)
    return render_template("public/wishes_form.html", consultation=consultation, form=form)


def _receive_wishes(slug, form):
    """Validate first, then touch the database once: one short write transaction per POST."""
    if form.website.data:
        # Saves nothing, not even the attempt: a resident whose browser filled the hidden
        # field gets their wishes back and is told why.
        filled = HiddenFieldFilled(
            "your wishes", "Check your wishes below and select Continue to send them."
        )
        return _wishes_form_again(_consultation_or_404(slug), form, filled)
    problem = None
    if form.validate_on_submit():
        try:
            nonce = form_token_nonce(form.form_token.data, slug)
        except InvalidFormToken as error:
            problem = error
    consultation = _consultation_or_404(slug)
    digest = content_digest(f"wishes:{consultation.id}", form.wishes())
    try:
        ratelimit.hit(
            f"wishes:{request.remote_addr}",
            current_app.config["SUBMISSION_RATE_LIMIT"],
            current_app.config["SUBMISSION_RATE_WINDOW"],
        )
        if form.errors or problem or not consultation.is_open():
            db.session.commit()  # the attempt still counts towards the limit
            return _wishes_form_again(consultation, form, problem)
        received = _sent_before(consultation, digest) or submit_wishes(
            consultation, form.wishes(), form_token=nonce
        )
    except RateLimited as error:
        db.session.rollback()
        return _wishes_form_again(consultation, form, error)
    except NotAccepting:
        db.session.rollback()
        return _closed(consultation, form)
    db.session.commit()
    _remember(received.submission.id)
    remember_sent(digest, received.submission.id)
    if not received.created:
        flash("We already have these wishes: you sent this form before.")
        return redirect(url_for("public.wishes_sent", slug=slug), 303)
    return redirect(url_for("public.about_you", slug=slug), 303)


def _sent_before(consultation, digest: str) -> Received | None:
    """The submission this browser stored with the same wishes, when the form comes back with a
    new token (Back, then Send again): the same wishes sent twice are one submission."""
    submission_id = sent_before(digest)
    submission = get_submission(submission_id) if submission_id else None
    if submission is None or submission.consultation_id != consultation.id:
        return None
    return Received(submission, created=False)


def _closed(consultation, form):
    """The consultation has closed (perhaps while they typed): say so, and give their text back."""
    page = render_template(
        "public/not_open.html", consultation=consultation, kept=typed_texts(form)
    )
    return page, 403


def _wishes_form_again(consultation, form, error=None):
    """Show the form with its errors and the resident's text, and a fresh token if needed."""
    if not consultation.is_open():
        return _closed(consultation, form)
    if isinstance(error, InvalidFormToken) or not form.form_token.data:
        form.form_token.data = new_form_token(consultation.slug)
    status = 429 if isinstance(error, RateLimited) else 400
    page = render_template(
        "public/wishes_form.html",
        consultation=consultation,
        form=form,
        problem=error.message if error else None,
        cookies_needed=cookie_missing(form),
    )
    response = current_app.make_response((page, status))
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@bp.route("/consultations/<slug>/wishes/about-you", methods=["GET", "POST"])
def about_you(slug):
    """Step 2 of 2 (optional): postcode, age band and email for updates."""
    consultation = _consultation_or_404(slug)
    submission = _own_submission(consultation)
    if submission is None:
        return redirect(url_for("public.new_wishes", slug=slug))
    form = AboutYouForm(obj=submission.details)
    if request.method == "POST" and "skip" in request.form:
        # CSRFProtect has already checked this POST; skipping stores nothing.
        return redirect(url_for("public.wishes_sent", slug=slug), 303)
    if form.validate_on_submit():
        set_respondent_details(
            submission,
            postcode=form.postcode.data,
            age_band=form.age_band.data,
            email=form.email.data,
            email_consent=form.email_consent.data,
        )
        db.session.commit()
        return redirect(url_for("public.wishes_sent", slug=slug), 303)
    status = 400 if form.errors else 200
    return render_template(
        "public/about_you.html", consultation=consultation, form=form, submission=submission
    ), status


@bp.get("/consultations/<slug>/wishes/sent")
def wishes_sent(slug):
    """The confirmation, with the reference number to quote."""
    consultation = _consultation_or_404(slug)
    submission = _own_submission(consultation)
    if submission is None:
        return redirect(url_for("public.show_consultation", slug=slug))
    return render_template(
        "public/wishes_sent.html", consultation=consultation, submission=submission
    )


@bp.get("/consultations/<slug>/wall")
def wish_wall(slug):
    """Approved wishes: searchable by words, filterable by area, paginated."""
    consultation = _consultation_or_404(slug)
    form = WallSearchForm(request.args)
    areas = {a.code: a for a in consultation.areas}
    area = areas.get(form.area.data or "")
    context = {"consultation": consultation, "form": form, "area": area}
    if not form.validate():
        # No results for a search that was refused: the error says how to correct it.
        return render_template("public/wall.html", page=None, words=[], **context), 400
    words = query_terms(form.q.data or "")
    page = page_or_last(
        wall_query(consultation, words, area.code if area else None),
        current_app.config["WISHES_PER_PAGE"],
    )
    here = wall_place(consultation, request.args)
    if isinstance(page, int):  # gone since the link was made (wishes taken down), or typed
        here.pop("page", None)
        return redirect(url_for("public.wish_wall", slug=slug, **here, **page_param(page)))
    return render_template(
        "public/wall.html",
        page=page,
        words=words,
        channels=CHANNELS,
        age_bands=AGE_BANDS,
        here=here,
        **context,
    )


@bp.route("/consultations/<slug>/wishes/<int:wish_id>/report", methods=["GET", "POST"])
def report_wish(slug, wish_id):
    """'Report this': a visitor sends a published wish back to the moderators."""
    consultation = _consultation_or_404(slug)
    wish = db.session.get(Wish, wish_id)
    if wish is None or wish.submission.consultation_id != consultation.id:
        abort(404)
    if wish.status != ModerationStatus.APPROVED:
        abort(404)
    # The wall's search, area and page come with the report and go back with the resident.
    here = wall_place(consultation, request.args)
    return report_page(
        wish,
        ReportForm(),
        url_for("public.wish_wall", slug=slug, **here),
        "public/report.html",
        consultation=consultation,
        wish=wish,
        here=here,
    )


@bp.get("/consultations/<slug>/moderation")
def transparency(slug):
    """How many entries were received, published and rejected, and why."""
    consultation = _consultation_or_404(slug)
    return render_template(
        "public/transparency.html",
        consultation=consultation,
        counts=moderation.transparency_counts(consultation),
    )
