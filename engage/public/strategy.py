"""Residents' pages of the draft strategy: contents, themes, priorities with their comments,
the comment form (with the optional "about you" step), versions and "you said, we did" (the
side-by-side comparison is in engage.public.strategy_compare)."""

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for

from engage.errors import HiddenFieldFilled, InvalidFormToken, NotAccepting, RateLimited
from engage.extensions import csrf, db
from engage.models import STANCES, VERSION_STATUSES, Priority
from engage.public import bp
from engage.public.forms import AboutYouForm
from engage.public.kept import cookie_missing, typed_texts
from engage.public.paging import page_or_last, page_param
from engage.public.resent import content_digest, remember_sent, sent_before
from engage.public.strategy_forms import CommentForm
from engage.services import ratelimit
from engage.services.comments import (
    CommentError,
    ReceivedComment,
    accepts_comments,
    get_comment,
    published_comments_query,
    stance_counts,
    submit_comment,
)
from engage.services.consultations import get_consultation
from engage.services.strategy import (
    current_version,
    get_priority_in,
    get_strategy,
    get_version,
    public_versions,
)
from engage.services.strategy_diff import matching_theme
from engage.services.strategy_evidence import cited_themes, evidence_summary
from engage.services.tokens import form_token_nonce, new_form_token
from engage.services.wishes import set_respondent_details
from engage.services.you_said import you_said_we_did

_SESSION_KEY = "comments"
# A popular priority gathers thousands of comments: a page of them at a time, as on the wall.
COMMENTS_PER_PAGE = 50


@bp.app_context_processor
def _strategy_helpers():
    def public_strategy(consultation):
        """The strategy of a consultation, if residents can read a version of it."""
        strategy = get_strategy(consultation)
        return strategy if strategy and current_version(strategy) else None

    return {"public_strategy": public_strategy, "stances": STANCES}


def _strategy_or_404(slug):
    consultation = get_consultation(slug)
    strategy = get_strategy(consultation) if consultation else None
    if strategy is None or current_version(strategy) is None:
        abort(404)
    return consultation, strategy


def _version_or_404(strategy, number):
    version = get_version(strategy, number)
    if version is None or version.is_draft:
        abort(404)
    return version


def _priority_or_404(strategy, priority_id) -> Priority:
    priority = db.session.get(Priority, priority_id)
    if priority is None or priority.theme.version.strategy_id != strategy.id:
        abort(404)
    if priority.theme.version.is_draft:
        abort(404)
    return priority


def _render(template, strategy, **context):
    return render_template(
        f"strategy/{template}",
        consultation=strategy.consultation,
        strategy=strategy,
        current=current_version(strategy),
        statuses=VERSION_STATUSES,
        **context,
    )


@bp.get("/consultations/<slug>/strategy")
def strategy_contents(slug):
    """The current version: its themes and priorities, and how to comment."""
    _consultation, strategy = _strategy_or_404(slug)
    return _render("contents.html", strategy, version=current_version(strategy))


@bp.get("/consultations/<slug>/strategy/versions/<int:number>")
def strategy_version(slug, number):
    """Any published version, as it was."""
    _consultation, strategy = _strategy_or_404(slug)
    return _render("contents.html", strategy, version=_version_or_404(strategy, number))


@bp.get("/consultations/<slug>/strategy/versions")
def strategy_versions(slug):
    """Every published version, with links to compare each with the one before."""
    _consultation, strategy = _strategy_or_404(slug)
    return _render("versions.html", strategy, versions=public_versions(strategy))


@bp.get("/consultations/<slug>/strategy/versions/<int:number>/themes/<theme_slug>")
def strategy_theme(slug, number, theme_slug):
    """A theme: its priorities, each with its comments so far and a link to comment."""
    _consultation, strategy = _strategy_or_404(slug)
    version = _version_or_404(strategy, number)
    theme = next((t for t in version.themes if t.slug == theme_slug), None) or abort(404)
    counts = {p.id: stance_counts([p]) for p in theme.priorities}
    # Every priority of a version is open or closed together.
    open_for_comment = bool(theme.priorities) and accepts_comments(theme.priorities[0])
    current = current_version(strategy)
    return _render(
        "theme.html",
        strategy,
        version=version,
        theme=theme,
        counts=counts,
        open_for_comment=open_for_comment,
        # Matched as the comparison pairs priorities; None if it is no longer a theme.
        in_current=matching_theme(theme, current) if current is not version else None,
    )


@bp.get("/consultations/<slug>/strategy/priorities/<int:priority_id>")
def strategy_priority(slug, priority_id):
    """A priority: what it says, the wishes behind it, its comments by stance."""
    _consultation, strategy = _strategy_or_404(slug)
    priority = _priority_or_404(strategy, priority_id)
    comments = page_or_last(published_comments_query([priority]), COMMENTS_PER_PAGE)
    if isinstance(comments, int):  # gone since the link was made (comments taken down), or typed
        here = {"slug": slug, "priority_id": priority.id, "_anchor": "comments"}
        return redirect(url_for("public.strategy_priority", **here, **page_param(comments)))
    wishes, areas = evidence_summary(priority)
    current = current_version(strategy)
    version = priority.theme.version
    return _render(
        "priority.html",
        strategy,
        version=version,
        priority=priority,
        counts=stance_counts([priority]),
        comments=comments,
        evidence=(wishes, areas),
        themes=cited_themes([priority]),
        open_for_comment=accepts_comments(priority),
        # Paired by key, as the comparison pairs them; None if it is no longer a priority.
        in_current=get_priority_in(current, priority.key) if current is not version else None,
    )


@bp.route(
    "/consultations/<slug>/strategy/priorities/<int:priority_id>/comment", methods=["GET", "POST"]
)
@csrf.exempt  # checked by the form itself, so a failure keeps the text: see engage.public.kept
def comment_on_priority(slug, priority_id):
    """Step 1 of 2: a stance and a comment on one priority."""
    _consultation, strategy = _strategy_or_404(slug)
    priority = _priority_or_404(strategy, priority_id)
    if request.method == "POST":
        return _receive_comment(strategy, priority, CommentForm())
    if not accepts_comments(priority):
        return _closed(strategy, priority)
    form = CommentForm()
    form.form_token.data = new_form_token(f"comment:{priority.id}")
    return _render("comment_form.html", strategy, priority=priority, form=form)


def _receive_comment(strategy, priority, form):
    if form.website.data:
        # Saves nothing, not even the attempt: see _receive_wishes.
        filled = HiddenFieldFilled(
            "your comment", "Check your comment below and select Continue to send it."
        )
        return _comment_form_again(strategy, priority, form, filled)
    problem = nonce = None
    if form.validate_on_submit():
        try:
            nonce = form_token_nonce(form.form_token.data, f"comment:{priority.id}")
        except InvalidFormToken as error:
            problem = error
    digest = content_digest(f"comment:{priority.id}", form.stance.data, form.text.data)
    try:
        ratelimit.hit(
            f"comments:{request.remote_addr}",
            current_app.config["SUBMISSION_RATE_LIMIT"],
            current_app.config["SUBMISSION_RATE_WINDOW"],
        )
        if form.errors or problem:
            db.session.commit()  # the attempt still counts towards the limit
            return _comment_form_again(strategy, priority, form, problem)
        received = _sent_before(priority, digest) or submit_comment(
            priority, form.stance.data, form.text.data, form_token=nonce
        )
    except (RateLimited, CommentError) as error:
        db.session.rollback()
        return _comment_form_again(strategy, priority, form, error)
    except NotAccepting:
        db.session.rollback()
        return _closed(strategy, priority, form)
    db.session.commit()
    _remember(received.comment.id)
    remember_sent(digest, received.comment.id)
    slug = strategy.consultation.slug
    if not received.created:
        flash("We already have this comment: you sent this form before.")
        return redirect(url_for("public.comment_sent", slug=slug), 303)
    return redirect(url_for("public.comment_about_you", slug=slug), 303)


def _sent_before(priority, digest: str) -> ReceivedComment | None:
    """The comment this browser stored with the same stance and words on this priority, when the
    form comes back with a new token (Back, then Send again): that is one comment."""
    comment_id = sent_before(digest)
    comment = get_comment(comment_id) if comment_id else None
    if comment is None or comment.priority_id != priority.id:
        return None
    return ReceivedComment(comment, created=False)


def _comment_form_again(strategy, priority, form, error=None):
    if not accepts_comments(priority):
        return _closed(strategy, priority, form)
    if isinstance(error, InvalidFormToken) or not form.form_token.data:
        purpose = f"comment:{priority.id}"
        form.form_token.data = new_form_token(purpose)
    page = _render(
        "comment_form.html",
        strategy,
        priority=priority,
        form=form,
        problem=error.message if error else None,
        cookies_needed=cookie_missing(form),
    )
    response = current_app.make_response((page, 429 if isinstance(error, RateLimited) else 400))
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _closed(strategy, priority, form=None):
    """Not open for comments (perhaps it closed while they typed): their text comes back."""
    kept = typed_texts(form) if form is not None else []
    # The same priority (by its key) in the version open for comments now, if there is one:
    # the resident's words can go there.
    current = current_version(strategy)
    same = get_priority_in(current, priority.key) if current else None
    open_now = same if same not in (None, priority) and accepts_comments(same) else None
    return _render("closed.html", strategy, priority=priority, kept=kept, open_now=open_now), 403


def _remember(comment_id: int) -> None:
    """Let this browser see the confirmation and add details for its own comments only."""
    ids = [i for i in session.get(_SESSION_KEY, []) if i != comment_id][-9:]
    session[_SESSION_KEY] = [*ids, comment_id]


def _own_comment(strategy):
    ids = session.get(_SESSION_KEY, [])
    comment = get_comment(ids[-1]) if ids else None
    if comment is None or comment.priority.theme.version.strategy_id != strategy.id:
        return None
    return comment


@bp.route("/consultations/<slug>/strategy/comments/about-you", methods=["GET", "POST"])
def comment_about_you(slug):
    """Step 2 of 2 (optional): postcode, age band and email, as for wishes."""
    _consultation, strategy = _strategy_or_404(slug)
    comment = _own_comment(strategy)
    if comment is None:
        return redirect(url_for("public.strategy_contents", slug=slug))
    form = AboutYouForm(obj=comment.submission.details)
    if request.method == "POST" and "skip" in request.form:
        return redirect(url_for("public.comment_sent", slug=slug), 303)
    if form.validate_on_submit():
        set_respondent_details(
            comment.submission,
            postcode=form.postcode.data,
            age_band=form.age_band.data,
            email=form.email.data,
            email_consent=form.email_consent.data,
        )
        db.session.commit()
        return redirect(url_for("public.comment_sent", slug=slug), 303)
    status = 400 if form.errors else 200
    return _render("comment_about_you.html", strategy, form=form, comment=comment), status


@bp.get("/consultations/<slug>/strategy/comments/sent")
def comment_sent(slug):
    """The confirmation, with the reference number to quote."""
    _consultation, strategy = _strategy_or_404(slug)
    comment = _own_comment(strategy)
    if comment is None:
        return redirect(url_for("public.strategy_contents", slug=slug))
    return _render("comment_sent.html", strategy, comment=comment)


@bp.get("/consultations/<slug>/strategy/you-said-we-did")
def you_said(slug):
    """What residents said, what changed and why, and what did not: built from the data."""
    _consultation, strategy = _strategy_or_404(slug)
    return _render("you_said.html", strategy, feedback=you_said_we_did(strategy))
