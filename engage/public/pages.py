"""The privacy notice, the accessibility statement and the cookies page."""

from flask import current_app, render_template

from engage.public import bp
from engage.services.retention import Policy


def _retention() -> Policy:
    return Policy.from_config(current_app.config)


@bp.get("/privacy")
def privacy():
    """What we collect, why, for how long, and your rights."""
    return render_template("public/privacy.html", retention=_retention())


@bp.get("/accessibility")
def accessibility():
    """How accessible the service is, and how to report a problem."""
    return render_template("public/accessibility.html")


@bp.get("/cookies")
def cookies():
    """The only cookies we set, all essential."""
    return render_template("public/cookies.html")
