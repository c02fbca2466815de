"""Filters and globals the templates use."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app

LOCAL_TZ = ZoneInfo("Europe/London")


def local_date(value: datetime | None) -> str:
    """'3 March 2026' in UK time."""
    if value is None:
        return ""
    return value.astimezone(LOCAL_TZ).strftime("%-d %B %Y")


def local_datetime(value: datetime | None) -> str:
    """'3 March 2026 at 5:30pm' in UK time."""
    if value is None:
        return ""
    local = value.astimezone(LOCAL_TZ)
    return f"{local:%-d %B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def last_comment_day_text(strategy) -> str:
    """'23 November 2026': the last day comments are taken, for admin and public pages alike
    (the stored closing instant is midnight after it, which local_date shows a day late)."""
    from engage.services.strategy import last_comment_day

    return f"{last_comment_day(strategy):%-d %B %Y}"


def register(app: Flask) -> None:
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["last_comment_day"] = last_comment_day_text

    @app.context_processor
    def _globals():
        return {
            "partnership_name": current_app.config["PARTNERSHIP_NAME"],
            "partnership_email": current_app.config["PARTNERSHIP_EMAIL"],
            "now_utc": datetime.now(UTC),
        }
