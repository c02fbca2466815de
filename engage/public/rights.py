"""Residents' rights: ask for a link with a reference number and email address, then download
a copy of everything sent with that address, or have it erased (engage.services.rights)."""

from flask import current_app, make_response, redirect, render_template, request, url_for

from engage import audit
from engage.errors import RateLimited
from engage.extensions import db
from engage.mail import send_mail
from engage.public import bp
from engage.public.rights_forms import DownloadForm, EraseForm, RightsRequestForm
from engage.services import ratelimit
from engage.services.rights import (
    build_archive,
    create_link,
    erase,
    matching_email,
    open_link,
    use_link,
)
from engage.storage import get_storage


def _private(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/your-data", methods=["GET", "POST"])
def rights_request():
    """Ask for a link to your data: the same answer whether or not the details match."""
    form = RightsRequestForm()
    if form.validate_on_submit():
        try:
            ratelimit.hit(
                f"rights:{request.remote_addr}", current_app.config["RIGHTS_RATE_LIMIT"], 3600
            )
        except RateLimited as error:
            db.session.rollback()
            return _too_many(form, error)
        email = matching_email(form.reference.data, form.email.data)
        if email:
            token = create_link(email, current_app.config["RIGHTS_LINK_HOURS"])
        db.session.commit()
        if email:
            _mail_link(email, token)
        return redirect(url_for("public.rights_requested"), 303)
    status = 400 if form.errors else 200
    return render_template("public/rights_request.html", form=form), status


def _too_many(form, error: RateLimited):
    """The form again, as they typed it, with when to try again (not a page without it)."""
    page = render_template("public/rights_request.html", form=form, problem=error.message)
    response = make_response((page, 429))
    response.headers["Retry-After"] = str(error.retry_after)
    return response


def _mail_link(email: str, token: str) -> None:
    link = url_for("public.rights_link", token=token, _external=True)
    hours = current_app.config["RIGHTS_LINK_HOURS"]
    send_mail(
        email,
        f"Your data held by {current_app.config['PARTNERSHIP_NAME']}",
        f"You asked for a copy of what you sent us, or for your details to be erased.\n\n"
        f"Open this link within {hours} hours. It works once:\n\n{link}\n\n"
        "If you did not ask for this, ignore this email: nothing happens.\n",
    )


@bp.get("/your-data/requested")
def rights_requested():
    """What happens next, the same for every request."""
    return render_template("public/rights_requested.html")


def _link_or_gone(token):
    found = open_link(token)
    if found is None:
        return None, _private((render_template("public/rights_gone.html"), 404))
    return found, None


@bp.get("/your-data/<token>")
def rights_link(token):
    """The link from the email: download a copy, or erase your details."""
    found, gone = _link_or_gone(token)
    if gone:
        return gone
    return _private(
        render_template(
            "public/rights_link.html", token=token, download=DownloadForm(), erase=EraseForm()
        )
    )


@bp.post("/your-data/<token>/download")
def rights_download(token):
    """A ZIP of data.json and the photos; the link is used up."""
    found, gone = _link_or_gone(token)
    if gone or not DownloadForm().validate_on_submit() or not use_link(found, "download"):
        return gone or _private((render_template("public/rights_gone.html"), 404))
    archive = build_archive(found.email, get_storage())
    db.session.commit()
    response = _private(archive)
    response.mimetype = "application/zip"
    response.headers["Content-Disposition"] = 'attachment; filename="your-data.zip"'
    return response


@bp.post("/your-data/<token>/erase")
def rights_erase(token):
    """Erase your contact details and photos; what you said stays, linked to no one."""
    found, gone = _link_or_gone(token)
    if gone:
        return gone
    form = EraseForm()
    if not form.validate_on_submit():
        page = render_template(
            "public/rights_link.html", token=token, download=DownloadForm(), erase=form
        )
        return _private((page, 400))
    if not use_link(found, "erase"):
        return _private((render_template("public/rights_gone.html"), 404))
    erased = erase(found.email, get_storage())
    db.session.commit()
    audit.record(
        "rights_erasure",
        counts={"submissions": erased.submissions, "photo_entries": erased.photo_entries},
    )
    return _private(render_template("public/rights_erased.html", erased=erased))
