"""Residents' forms on the draft strategy: a comment on a priority, and the two versions to
compare."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from engage.models import STANCES
from engage.public.forms import max_length, required
from engage.services.comments import MAX_COMMENT_LENGTH
from engage.services.text import clean_text
from engage.widgets import RadioInput, Select


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


class VersionField(SelectField):
    """One of the strategy's published versions, by number; any other value is refused."""

    def __init__(self, label, message, **kwargs):
        super().__init__(label, widget=Select(), **kwargs)
        self.message = message

    def pre_validate(self, form):
        if self.data not in {value for value, _label in self.choices}:
            raise ValidationError(self.message)


class CompareForm(FlaskForm):
    """The two versions to compare: a GET form (its URL can be shared), so no CSRF token."""

    class Meta:
        csrf = False

    # Named as in the page's address: ?from=1&to=2.
    older = VersionField("From version", "Choose the version to compare from", name="from")
    newer = VersionField("To version", "Choose the version to compare it with", name="to")

    def set_versions(self, versions, statuses) -> None:
        choices = [(str(v.number), f"Version {v.number}: {statuses[v.status]}") for v in versions]
        self.older.choices = self.newer.choices = choices

    def validate_newer(self, field):
        if field.data == self.older.data:
            raise ValidationError("Choose two different versions to compare")
