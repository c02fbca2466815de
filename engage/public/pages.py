"""The privacy notice, the accessibility statement and the cookies page."""

from flask import current_app, render_template

from engage.public import bp


def _retention() -> dict:
    config = current_app.config
    return {
        name: config[f"RETENTION_{name.upper()}"]
        for name in (
            "contact_months",
            "photo_original_months",
            "entrant_contact_months",
            "client_address_days",
            "rights_link_days",
        )
    }


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
