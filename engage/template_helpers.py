"""Filters and globals the templates use."""

from datetime import UTC, datetime, time, timedelta
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


def closing_date(value: datetime | None) -> str:
    """The last day something is open, for a closing instant: a competition's entries and
    voting close as the next day starts, which local_date would show a day late."""
    if value is None:
        return ""
    return local_date(value - timedelta(seconds=1))


def closing_datetime(value: datetime | None) -> str:
    """'20 June 2026 at 11:59pm' for a closing instant at midnight (UK time), rather than
    '21 June 2026 at 12:00am', which reads as a day more; other instants as they are."""
    if value is None:
        return ""
    if value.astimezone(LOCAL_TZ).time() != time(0):
        return local_datetime(value)
    return f"{closing_date(value)} at 11:59pm"


def last_comment_day_text(strategy) -> str:
    """'23 November 2026': the last day comments are taken, for admin and public pages alike
    (the stored closing instant is midnight after it, which local_date shows a day late)."""
    from engage.services.strategy import last_comment_day

    return f"{last_comment_day(strategy):%-d %B %Y}"


def register(app: Flask) -> None:
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["last_comment_day"] = last_comment_day_text
    app.jinja_env.filters["closing_date"] = closing_date
    app.jinja_env.filters["closing_datetime"] = closing_datetime

    @app.context_processor
    def _globals():
        return {
            "partnership_name": current_app.config["PARTNERSHIP_NAME"],
            "partnership_email": current_app.config["PARTNERSHIP_EMAIL"],
            "now_utc": datetime.now(UTC),
        }
