"""What every staff blueprint shares: who is signed in, and the role check done once per
blueprint in before_request."""

from datetime import timedelta

from flask import Blueprint, abort, current_app, redirect, request, url_for
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
            return redirect(url_for("auth.sign_in", next=request.full_path))
        if not current_user.user.has_role(*roles):
            abort(403)
        return None

    @bp.after_request
    def _no_store(response):
        response.headers["Cache-Control"] = "no-store"
        return response


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
