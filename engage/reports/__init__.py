"""Aggregate reports for the strategy team (and admins): the equalities monitoring counts."""

from flask import Blueprint

from engage.models import Role
from engage.staff import guard_blueprint

bp = Blueprint("reports", __name__, url_prefix="/staff/reports")
guard_blueprint(bp, Role.STRATEGY)

from engage.reports import routes  # noqa: E402,F401
