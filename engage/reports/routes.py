"""The equalities report: who the consultation heard from, as suppressed counts only."""

from flask import abort, render_template, request

from engage.extensions import db
from engage.models import Consultation
from engage.numbers import id_arg
from engage.reports import bp
from engage.services.consultations import list_consultations
from engage.services.equalities import count_responses, equalities_report


@bp.get("/equalities")
def equalities():
    """Counts per answer of each census question, for one consultation."""
    consultations = list_consultations()
    chosen = request.args.get("consultation", type=id_arg)
    consultation = db.session.get(Consultation, chosen) if chosen else None
    if chosen and consultation is None:
        abort(404)
    consultation = consultation or (consultations[0] if consultations else None)
    return render_template(
        "reports/equalities.html",
        consultations=consultations,
        consultation=consultation,
        responses=count_responses(consultation) if consultation else 0,
        report=equalities_report(consultation) if consultation else [],
    )
