"""Staff sign-in and sign-out. Open to anyone: it is where staff prove who they are."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/staff")


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


from engage.auth import routes  # noqa: E402,F401
