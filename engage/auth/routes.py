"""Sign in with a password and a code from an authenticator app; sign out."""

import time

import segno
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup

from engage.auth import bp
from engage.auth.forms import CodeForm, SignInForm
from engage.extensions import db
from engage.models import User
from engage.services.auth import (
    SignInError,
    accept_code,
    check_password,
    end_session,
    new_totp_secret,
    provisioning_uri,
    start_session,
)

PENDING_SECONDS = 300


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("moderation.queue")


def _pending_user() -> User | None:
    """The account that gave the right password in the last 5 minutes and still needs a code."""
    pending = session.get("pending_sign_in")
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    return db.session.get(User, pending["user_id"])


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Step 1: email and password."""
    form = SignInForm()
    problem, status = None, 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            user = check_password(form.email.data, form.password.data, request.remote_addr or "")
        except SignInError as error:
            db.session.commit()  # keep the failure count
            problem, status = error.message, error.status
        else:
            db.session.commit()
            next_page = _safe_next(request.args.get("next"))
            session["pending_sign_in"] = {"user_id": user.id, "at": time.time(), "next": next_page}
            return redirect(url_for("auth.code" if user.totp_secret else "auth.enrol"), 303)
    form.password.data = None
    return render_template("auth/sign_in.html", form=form, problem=problem), status


@bp.route("/sign-in/code", methods=["GET", "POST"])
def code():
    """Step 2: the current code from the authenticator app."""
    user = _pending_user()
    if user is None or not user.totp_secret:
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    accepted, problem = _try_code(form, user, user.totp_secret)
    if accepted:
        return _finish(user)
    page = render_template("auth/code.html", form=form, problem=problem)
    return page, 400 if form.is_submitted() else 200


@bp.route("/sign-in/set-up", methods=["GET", "POST"])
def enrol():
    """First sign-in: set up the authenticator app with a QR code or the secret."""
    user = _pending_user()
    if user is None or user.totp_secret:
        return redirect(url_for("auth.sign_in"))
    secret = session.setdefault("enrol_secret", new_totp_secret())
    form = CodeForm()
    accepted, problem = _try_code(form, user, secret)
    if accepted:
        session.pop("enrol_secret", None)
        return _finish(user)
    issuer = f"{current_app.config['PARTNERSHIP_NAME']} Engage"
    qr = segno.make(provisioning_uri(secret, user.email, issuer), error="m")
    page = render_template(
        "auth/enrol.html",
        form=form,
        problem=problem,
        qr=Markup(qr.svg_inline(scale=5, title="QR code for your authenticator app")),  # noqa: S704 - segno SVG
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )
    return page, 400 if form.is_submitted() else 200


def _try_code(form: CodeForm, user: User, secret: str) -> tuple[bool, str | None]:
    """(accepted, problem): whether a sent code was accepted, and what to say if not."""
    if not form.validate_on_submit():
        return False, None
    try:
        accept_code(user, form.code.data, secret)
    except SignInError as error:
        db.session.commit()  # keep the failure count
        return False, error.message
    return True, None


def _finish(user: User):
    staff_session = start_session(user)
    db.session.commit()
    target = session.pop("pending_sign_in", {}).get("next") or url_for("moderation.queue")
    login_user(staff_session)
    flash(f"Signed in as {user.name}")
    return redirect(_safe_next(target), 303)


@bp.post("/sign-out")
def sign_out():
    """End this session on the server, then in the browser."""
    if current_user.is_authenticated:
        end_session(current_user.token)
        db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out")
    return redirect(url_for("auth.sign_in"), 303)
