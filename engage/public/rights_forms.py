"""Residents' rights forms: ask for a link; confirm erasure."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired

from engage.public.forms import _email, max_length, required
from engage.widgets import CheckboxInput


class RightsRequestForm(FlaskForm):
    """A reference number and the email address sent with it."""

    reference = StringField(
        "Reference number",
        description="It is on the confirmation page, for example W-7K2P-4Q.",
        filters=[lambda v: (v or "").strip().upper()],
        validators=[
            required("Enter your reference number"),
            max_length(16, "Reference number"),
        ],
        widget=GovTextInput(),
    )
    email = StringField(
        "Email address",
        description="The one you gave with it.",
        filters=[lambda v: (v or "").strip()],
        validators=[
            required("Enter the email address you gave"),
            max_length(254, "Email address"),
            _email,
        ],
        widget=GovTextInput(),
    )


class DownloadForm(FlaskForm):
    """The download button; the CSRF token is its only field."""


class EraseForm(FlaskForm):
    confirm = BooleanField(
        "I understand that my details and photos will be removed and cannot be restored",
        validators=[DataRequired("Tick the box to confirm you want your details erased")],
        widget=CheckboxInput(),
    )
