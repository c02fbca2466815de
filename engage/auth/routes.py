"""Sign in with a password and a code from an authenticator app; sign out."""

import hashlib
import time

import segno
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup

from engage import audit
from engage.auth import bp
from engage.auth.forms import CodeForm, SignInForm
from engage.extensions import db
from engage.models import ROLE_LABELS, Role, User
from engage.services.auth import (
    SignInError,
    Throttled,
    accept_code,
    check_password,
    end_session,
    new_totp_secret,
    provisioning_uri,
    start_session,
)

PENDING_SECONDS = 300


# Where each role lands after signing in, unless it was on its way to a page. The strategy team
# goes to its workspace when that blueprint is registered, otherwise to the staff home.
LANDING = {
    Role.OFFICER: "moderation.queue",
    Role.ADMIN: "moderation.queue",
    Role.JUDGE: "judging.index",
    Role.STRATEGY: "workspace.index",
}


def _safe_next(target: str | None) -> str | None:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def landing_page(user: User) -> str:
    """The first page a member of staff sees after signing in, by role."""
    endpoint = LANDING.get(user.role, "auth.home")
    if endpoint not in current_app.view_functions:
        endpoint = "auth.home"
    return url_for(endpoint)


def _password_mark(user: User) -> str:
    """Changes when the account's password does: a sign-in begun with a password that an
    admin has since reset (or an account disabled since) goes no further."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _pending_user() -> User | None:
    """The account that gave the right password in the last 5 minutes and still needs a code."""
    pending = session.get("pending_sign_in")
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending["user_id"])
    if user is None or not user.active or pending.get("mark") != _password_mark(user):
        return None
    return user


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
            audit.record("sign_in_failed", stage="password")
            problem, status = error.message, error.status
        else:
            db.session.commit()
            next_page = _safe_next(request.args.get("next"))
            session["pending_sign_in"] = {
                "user_id": user.id,
                "at": time.time(),
                "next": next_page,
                "mark": _password_mark(user),
            }
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
    # segno's own SVG of our data, so it is safe to insert as markup.
    svg = Markup(qr.svg_inline(scale=5, title="QR code for your authenticator app"))  # noqa: S704 # nosec B704
    page = render_template(
        "auth/enrol.html",
        form=form,
        problem=problem,
        qr=svg,
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
        audit.record("sign_in_failed", actor=user, stage="code")
        if isinstance(error, Throttled):
            return False, error.message
        # A wrong code is the field's error: shown on it, and the summary links to it.
        form.code.errors.append(error.message)
        return False, None
    return True, None


def _finish(user: User):
    staff_session = start_session(user)
    db.session.commit()
    target = _safe_next(session.pop("pending_sign_in", {}).get("next"))
    login_user(staff_session)
    audit.record("sign_in", actor=user)
    flash(f"Signed in as {user.name}")
    return redirect(target or landing_page(user), 303)


@bp.get("/session")
def keep_session():
    """The staff pages' "Stay signed in": a signed-in request restarts the idle clock (see
    engage.staff); 401 once the session has ended."""
    status = 204 if current_user.is_authenticated else 401
    return "", status, {"Cache-Control": "no-store"}


@bp.get("/")
def home():
    """The staff home: the pages this member of staff can use."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    user = current_user.user
    pages = [
        (url_for(endpoint), label, description)
        for endpoint, label, description, roles in STAFF_PAGES
        if endpoint in current_app.view_functions and user.has_role(*roles)
    ]
    return render_template("auth/home.html", user=user, pages=pages, roles=ROLE_LABELS)


STAFF_PAGES = [
    ("moderation.queue", "Moderation queue", "Approve, reject or redact entries.", [Role.OFFICER]),
    ("judging.index", "Judging", "Score the shortlisted photos.", [Role.JUDGE]),
    ("workspace.index", "Strategy workspace", "Themes and reports.", [Role.STRATEGY]),
    ("reports.equalities", "Equalities monitoring", "Who we heard from, counted.", [Role.STRATEGY]),
    ("admin.strategies", "Strategy", "Build and publish the draft strategy.", []),
    ("admin.users", "Users", "Staff accounts.", []),
]


@bp.post("/sign-out")
def sign_out():
    """End this session on the server, then in the browser."""
    if current_user.is_authenticated:
        end_session(current_user.token)
        db.session.commit()
        audit.record("sign_out")
    logout_user()
    session.clear()
    flash("You have signed out")
    return redirect(url_for("auth.sign_in"), 303)
