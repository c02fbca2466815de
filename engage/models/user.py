"""Staff accounts and their server-side sessions."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.extensions import db
from engage.models._types import UTCDateTime, utcnow


class Role(enum.StrEnum):
    OFFICER = "officer"  # moderates, keys in cards, imports workshop sheets
    STRATEGY = "strategy"  # reviews analysis and reports
    ADMIN = "admin"  # consultations, areas, users; can do everything
    JUDGE = "judge"  # scores the shortlisted entries of the photo competitions they judge


ROLE_LABELS = {
    Role.OFFICER: "Officer",
    Role.STRATEGY: "Strategy team",
    Role.ADMIN: "Administrator",
    Role.JUDGE: "Judge",
}


class User(db.Model):
    """A member of staff. Residents never have accounts."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(SAEnum(Role, name="role", native_enum=False, length=16))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Set when the account enrolled its authenticator app; sign-in needs it from then on.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last time step accepted, so a code cannot be replayed.
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def has_role(self, *roles: Role) -> bool:
        """Admins may do everything; others only what their role allows."""
        return self.active and (self.role == Role.ADMIN or self.role in roles)


class StaffSession(UserMixin, db.Model):
    """One signed-in browser. Flask-Login's id is this row's token, so signing out or disabling
    the account ends the session on the server, whatever the browser's cookie says."""

    __tablename__ = "staff_sessions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    def get_id(self) -> str:
        return self.token
