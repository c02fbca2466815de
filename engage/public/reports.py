"""'Report this': a visitor sends a published wish or photo back to the moderators."""

from flask import flash, redirect, render_template, request

from engage.extensions import db
from engage.services import moderation, ratelimit

REPORTS_PER_HOUR = 30


def report_page(reported, form, back: str, template: str, **context):
    """Show the report form; a valid report counts against the visitor's hourly limit, sends
    ``reported`` (a wish or a photo: its ``entry_type``) back to the queue with the reason and
    returns to ``back`` with thanks."""
    if form.validate_on_submit():
        ratelimit.hit(f"report:{request.remote_addr}", REPORTS_PER_HOUR, 3600)
        moderation.report_entry(reported, form.reason.data)
        db.session.commit()
        flash(f"Thank you. A moderator will look at this {reported.entry_type} again.", "success")
        return redirect(back, 303)
    status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, **context), status
