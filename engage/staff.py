"""What every staff blueprint shares: who is signed in, and the role check done once per
blueprint in before_request."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import update

from engage.db import has_write_intent, write_transactions
from engage.extensions import db, login_manager
from engage.models import Role, StaffSession, User
from engage.models._types import utcnow
from engage.services.auth import Timeouts, load_session

# last_seen_at is written at most this often, not on every page.
TOUCH_EVERY = timedelta(minutes=1)


def staff_user() -> User | None:
    """The signed-in member of staff, if any."""
    return current_user.user if current_user.is_authenticated else None


def guard_blueprint(bp: Blueprint, *roles: Role) -> None:
    """Refuse every view of bp to anyone without one of roles (admins pass everywhere)."""

    @bp.before_request
    def _require_role():
        if not current_user.is_authenticated:
            if session.pop("_user_id", None):
                flash(_session_ended(), "error")
            return redirect(url_for("auth.sign_in", next=_back_after_sign_in()))
        if not current_user.user.has_role(*roles):
            abort(403)
        return None

    @bp.after_request
    def _no_store(response):
        response.headers["Cache-Control"] = "no-store"
        return response


def _session_ended() -> str:
    """Why a member of staff whose session ended is asked to sign in again."""
    config = current_app.config
    message = (
        f"Your session has ended: sessions end after {config['STAFF_IDLE_MINUTES']} minutes"
        f" without activity, or {config['STAFF_MAX_HOURS']} hours after signing in."
        " Sign in again to carry on."
    )
    if request.method != "GET":
        message += " What you were sending was not saved."
    return message


def _back_after_sign_in() -> str | None:
    """Where to return after signing in: the page asked for, or for a form sent after the
    session ended, the page the form was on (a POST-only address cannot be opened)."""
    if request.method == "GET":
        return request.full_path
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/staff/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return None


def _timeouts() -> Timeouts:
    return Timeouts(
        idle=timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"]),
        absolute=timedelta(hours=current_app.config["STAFF_MAX_HOURS"]),
    )


@login_manager.user_loader
def _load(token: str) -> StaffSession | None:
    now = utcnow()
    staff_session = load_session(token, now, _timeouts())
    if staff_session is not None and now - staff_session.last_seen_at > TOUCH_EVERY:
        if has_write_intent():
            # A POST already holds SQLite's write lock in the request's own transaction: a
            # second connection would wait for it until the busy timeout. Write it there.
            staff_session.last_seen_at = now
            return staff_session
        # A short write of its own, so the idle clock moves even on read-only pages.
        with write_transactions(), db.engine.begin() as connection:
            connection.execute(
                update(StaffSession).where(StaffSession.token == token).values(last_seen_at=now)
            )
    return staff_session
