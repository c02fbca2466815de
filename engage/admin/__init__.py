"""Administrators: staff accounts and photo competitions."""

from flask import Blueprint

from engage.models import Role
from engage.staff import guard_blueprint

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")
guard_blueprint(bp, Role.ADMIN)

from engage.admin import (  # noqa: E402,F401
    competitions,
    routes,
    strategy,
    strategy_evidence,
    strategy_import,
    strategy_priorities,
)
