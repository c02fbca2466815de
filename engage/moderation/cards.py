"""Keying in paper wish cards and wishes from the tree."""

from flask import flash, redirect, render_template, request, url_for

from engage.errors import InvalidFormToken, NotAccepting
from engage.extensions import db
from engage.moderation import bp
from engage.moderation.forms import CardForm
from engage.numbers import id_arg
from engage.services.consultations import get_consultation_by_id, list_consultations
from engage.services.tokens import form_token_nonce, new_form_token
from engage.services.wishes import find_card, set_respondent_details, submit_wishes
from engage.staff import staff_user
from engage.template_helpers import local_datetime

_PURPOSE = "keyed-card"


def _card_form() -> CardForm:
    form = CardForm()
    form.consultation.choices = [(c.id, c.title) for c in list_consultations()]
    return form


@bp.route("/cards/new", methods=["GET", "POST"])
def new_card():
    """A fast form for one card: number, channel, up to 3 wishes, postcode and age band."""
    form = _card_form()
    if not form.is_submitted():
        form.form_token.data = new_form_token(_PURPOSE)
        _same_as_last_card(form)
        return render_template("moderation/card_form.html", form=form)
    if not form.validate():
        return render_template("moderation/card_form.html", form=form), 400
    consultation = get_consultation_by_id(form.consultation.data)
    duplicate = _duplicate_warning(consultation, form)
    if duplicate and not form.confirm_duplicate.data:
        # An error on "Save it anyway", so the title and error summary say the card was not saved.
        form.confirm_duplicate.errors = [
            f"{duplicate} Check the card, then tick “Save it anyway” if it is a different card."
        ]
        return render_template("moderation/card_form.html", form=form, duplicate=duplicate), 409
    return _save_card(form, consultation, duplicate)


def _same_as_last_card(form: CardForm) -> None:
    """Start from the consultation and channel of the card just saved (named in the query
    string): a pile of cards is keyed in one after another, and the first consultation in the
    list may not be theirs."""
    consultation = request.args.get("consultation", type=id_arg)
    if consultation in {value for value, _label in form.consultation.choices}:
        form.consultation.data = consultation
    if request.args.get("channel") in {choice.value for choice in form.channel.choices}:
        form.channel.data = request.args["channel"]


def _duplicate_warning(consultation, form: CardForm) -> str | None:
    earlier = find_card(consultation, form.card_number.data)
    if earlier is None:
        return None
    return (
        f"Card {earlier.card_number} was already keyed in on "
        f"{local_datetime(earlier.received_at)} (reference {earlier.reference})."
    )


def _save_card(form: CardForm, consultation, duplicate: str | None):
    try:
        nonce = form_token_nonce(form.form_token.data, _PURPOSE)
    except InvalidFormToken as error:
        # Keep what the officer typed: the same card again, with a fresh token to send it.
        form.form_token.data = new_form_token(_PURPOSE)
        page = render_template(
            "moderation/card_form.html", form=form, problem=error.message, duplicate=duplicate
        )
        return page, 400
    try:
        received = submit_wishes(
            consultation,
            form.wishes(),
            channel=form.channel.data,
            form_token=nonce,
            card_number=form.card_number.data,
            keyed_by=staff_user(),
        )
    except NotAccepting as error:
        db.session.rollback()
        return render_template("moderation/card_form.html", form=form, problem=error.message), 403
    if received.created and (form.postcode.data or form.age_band.data):
        set_respondent_details(
            received.submission,
            postcode=form.postcode.data,
            age_band=form.age_band.data,
            email=None,
            email_consent=False,
        )
    db.session.commit()
    reference = received.submission.reference
    flash(f"Saved card {form.card_number.data} as {reference}. Key in the next card.")
    next_card = url_for(
        "moderation.new_card", consultation=consultation.id, channel=form.channel.data
    )
    return redirect(next_card, 303)
