"""Staff sign-in: password, then a TOTP code; server-side sessions that end when idle for 30
minutes, after 12 hours, on sign-out, or when the account is disabled."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import delete, select, update

from engage.errors import EngageError
from engage.extensions import db
from engage.models import RateLimitHit, Role, StaffSession, User
from engage.models._types import utcnow
from engage.numbers import whole_number
from engage.services import ratelimit
from engage.services.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from engage.services.text import clean_text

FAILURE_WINDOW = 15 * 60
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
# Enough of an address to sign in with: the admin form checks it more closely, and the
# command line (the first admin's account) is held to this much.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# A dummy hash, so an unknown email costs as much time as a wrong password.
_DUMMY_HASH = hash_password("not-a-real-password-for-timing")


class SignInError(EngageError):
    status = 400
    title = "Sign-in failed"


class Throttled(SignInError):
    status = 429
    title = "Too many attempts"


@dataclass(frozen=True)
class Timeouts:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)


def get_user_by_email(email: str) -> User | None:
    """The account of this email, whatever its case: accounts are stored lower-cased (by
    Python, as SQLite's lower() leaves non-ASCII letters as they are), so the look-up is an
    exact match on the unique index."""
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(email: str, name: str, role: Role, password: str) -> User:
    """A new staff account; it enrols its authenticator app at first sign-in."""
    email, name = email.strip().lower(), clean_text(name)
    if not _EMAIL.fullmatch(email):
        raise EngageError(f"{email!r} is not an email address: enter one like name@example.org")
    if not name:
        raise EngageError("Enter their name")
    if get_user_by_email(email):
        raise EngageError(f"There is already an account for {email}")
    if problem := password_problem(password, email=email):
        raise EngageError(problem)
    user = User(email=email, name=name, role=Role(role), password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def check_password(email: str, password: str, address: str) -> User:
    """The active user with this email and password; failures are counted and throttled."""
    keys = (f"signin:account:{email.strip().lower()}", f"signin:address:{address}")
    limits = (ACCOUNT_FAILURES, ADDRESS_FAILURES)
    if any(ratelimit.count(k, FAILURE_WINDOW) >= n for k, n in zip(keys, limits, strict=True)):
        raise Throttled("Too many failed attempts. Wait 15 minutes and try again.")
    user = get_user_by_email(email)
    valid = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if not (user and valid and user.active):
        for key in keys:
            ratelimit.record(key, FAILURE_WINDOW)
        raise SignInError("Enter a correct email address and password")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def accept_code(
    user: User, code: str, secret: str | None = None, now: datetime | None = None
) -> None:
    """Accept a 6-digit code once: a code already used, or too old, is refused."""
    secret = secret or user.totp_secret
    digits = "".join((code or "").split())
    key = f"signin:code:{user.id}"
    if ratelimit.count(key, FAILURE_WINDOW) >= ACCOUNT_FAILURES:
        raise Throttled("Too many wrong codes. Wait 15 minutes and try again.")
    step = _matching_step(secret, digits, now or utcnow()) if secret else None
    if step is None or step <= user.totp_last_step:
        ratelimit.record(key, FAILURE_WINDOW)
        raise SignInError("Enter the current 6-digit code from your authenticator app")
    user.totp_last_step = step
    user.totp_secret = secret


def _matching_step(secret: str, digits: str, now: datetime) -> int | None:
    """The time step whose code matches, allowing one step either side for clock drift."""
    if len(digits) != 6 or whole_number(digits) is None:  # "²" passes str.isdigit()
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def start_session(user: User, now: datetime | None = None) -> StaffSession:
    now = now or utcnow()
    user.last_sign_in_at = now
    staff_session = StaffSession(
        token=secrets.token_urlsafe(32), user=user, created_at=now, last_seen_at=now
    )
    db.session.add(staff_session)
    db.session.flush()
    return staff_session


def load_session(
    token: str, now: datetime | None = None, timeouts: Timeouts = Timeouts()
) -> StaffSession | None:
    """The live session for a token, or None if it ended, idled out or outlived its maximum."""
    now = now or utcnow()
    staff_session = db.session.get(StaffSession, token)
    if staff_session is None or staff_session.ended_at or not staff_session.user.active:
        return None
    if (
        now - staff_session.last_seen_at > timeouts.idle
        or now - staff_session.created_at > timeouts.absolute
    ):
        return None
    return staff_session


def end_session(token: str, now: datetime | None = None) -> None:
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.token == token, StaffSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )


def _end_sessions(user: User, now: datetime | None = None) -> None:
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )


def lock_account(user: User) -> None:
    """Changes to one account sent twice at once (a double click, two admins) wait for each
    other, then read the account as the change before left it."""
    db.session.refresh(user, with_for_update=True)


def disable_user(user: User, now: datetime | None = None) -> None:
    """Disable an account and end every session it has."""
    user.active = False
    _end_sessions(user, now)


def enable_user(user: User) -> None:
    """Let a disabled account sign in again (with its password and authenticator)."""
    user.active = True


def reset_sign_in(user: User, password: str, now: datetime | None = None) -> None:
    """A new first password, and a new authenticator set up at the next sign-in.

    For a forgotten password or a lost phone: every session the account has ends, and its
    wrong-password count starts again.
    """
    if problem := password_problem(password, email=user.email):
        raise EngageError(problem)
    user.password_hash = hash_password(password)
    user.totp_secret = None
    _end_sessions(user, now)
    keys = [f"signin:account:{user.email}", f"signin:code:{user.id}"]
    db.session.execute(delete(RateLimitHit).where(RateLimitHit.key.in_(keys)))
