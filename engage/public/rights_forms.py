"""Residents' rights forms: ask for a link; confirm erasure."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovTextInput
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from engage.public.forms import _email


class RightsRequestForm(FlaskForm):
    """A reference number and the email address sent with it."""

    reference = StringField(
        "Reference number",
        description="It is on the confirmation page, for example W-7K2P-4Q.",
        filters=[lambda v: (v or "").strip().upper()],
        validators=[
            InputRequired("Enter your reference number"),
            Length(max=16, message="A reference number is 16 characters or fewer"),
        ],
        widget=GovTextInput(),
    )
    email = StringField(
        "Email address",
        description="The one you gave with it.",
        filters=[lambda v: (v or "").strip()],
        validators=[
            InputRequired("Enter the email address you gave"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
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
        widget=GovCheckboxInput(),
    )
