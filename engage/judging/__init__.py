"""Judges: score the shortlisted entries of the photo competitions they were appointed to."""

from flask import Blueprint

from engage.models import Role
from engage.staff import guard_blueprint

bp = Blueprint("judging", __name__, url_prefix="/staff/judging")
guard_blueprint(bp, Role.JUDGE)

from engage.judging import routes  # noqa: E402,F401
