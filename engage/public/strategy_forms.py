"""Residents' form for commenting on a priority of the draft strategy."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from engage.models import STANCES
from engage.public.forms import max_length, required
from engage.services.comments import MAX_COMMENT_LENGTH
from engage.services.text import clean_text
from engage.widgets import RadioInput


class StanceField(RadioField):
    def pre_validate(self, form):
        if self.data not in STANCES:
            raise ValidationError("Choose whether you support this priority")


class CommentForm(FlaskForm):
    """A stance and the resident's words on one priority."""

    stance = StanceField(
        "Do you support this priority?",
        choices=[SelectChoice(value, label) for value, label in STANCES.items()],
        validators=[InputRequired("Choose whether you support this priority")],
        widget=RadioInput(),
    )
    text = TextAreaField(
        "Your comment",
        description="What should we keep, change or add? Please do not include names, "
        "addresses or other details that could identify you or anyone else.",
        filters=[clean_text],
        validators=[
            required("Enter your comment"),
            max_length(MAX_COMMENT_LENGTH, "Your comment"),
        ],
        widget=GovCharacterCount(),
    )
    form_token = HiddenField()
    # A honeypot: hidden from people by CSS, filled in by bots that complete every field.
    website = StringField("Leave this field empty")
