"""Officers: the moderation queue, keyed-in cards and workshop sheets."""

from flask import Blueprint

from engage.models import Role
from engage.staff import guard_blueprint

bp = Blueprint("moderation", __name__, url_prefix="/staff")
guard_blueprint(bp, Role.OFFICER)

from engage.moderation import cards, queue, workshops  # noqa: E402,F401
