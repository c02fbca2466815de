"""The strategy workspace: analysis runs, themes and the team's edits, breakdowns, reach and
exports. For the strategy team (and admins)."""

from flask import Blueprint

from engage.models import Role
from engage.staff import guard_blueprint

bp = Blueprint("workspace", __name__, url_prefix="/staff/workspace")
guard_blueprint(bp, Role.STRATEGY)

from engage.workspace import breakdowns, exports, jobs, runs, themes  # noqa: E402,F401
