"""The photo competition's forms for residents."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovFileInput,
    GovTextInput,
)
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, StopValidation

from engage.public.forms import _email, required
from engage.public.forms import max_length as _max
from engage.services.text import clean_text
from engage.widgets import CheckboxInput


def chosen_file(data) -> bool:
    """Whether a file field received a file (browsers send an empty part when none is chosen)."""
    return isinstance(data, FileStorage) and bool(data)


class EntryForm(FlaskForm):
    """One photo entered in the competition.

    The view sets ``held`` to the photo kept from an earlier attempt of this form (see
    :class:`~engage.models.photo.HeldPhoto`), if any: the photo field may then stay empty.
    """

    held = None
    digest = None  # of what it says, once checked: see engage.public.resent

    photo = FileField(
        "Your photo",
        description="A JPEG, PNG or WebP file, up to 10 MB.",
        widget=GovFileInput(),
    )
    title = StringField(
        "Title of your photo",
        description="Up to 100 characters.",
        filters=[clean_text],
        validators=[required("Enter a title for your photo"), _max(100, "The title")],
        widget=GovTextInput(),
    )
    wish = TextAreaField(
        "The wish your photo shows",
        description="For example: more trees along the main roads.",
        filters=[clean_text],
        validators=[required("Tell us which wish your photo shows"), _max(500, "The wish")],
        widget=GovCharacterCount(),
    )
    alt_text = TextAreaField(
        "Describe what the photo shows",
        description="For blind and partially sighted visitors, whose screen readers read it "
        "out. For example: a row of young oak trees along a busy road, with a cyclist "
        "passing.",
        filters=[clean_text],
        validators=[
            required("Describe what the photo shows, for people who cannot see it"),
            _max(500, "The description of what the photo shows"),
        ],
        widget=GovCharacterCount(),
    )
    description = TextAreaField(
        "About your photo (optional)",
        description="Where you took it and why, in a few sentences.",
        filters=[clean_text],
        validators=[_max(1000, "About your photo")],
        widget=GovCharacterCount(),
    )
    entrant_name = StringField(
        "Your name",
        description="As it will appear with your photo.",
        filters=[clean_text],
        validators=[required("Enter your name for the credit"), _max(120, "Your name")],
        widget=GovTextInput(),
    )
    email = StringField(
        "Email address",
        description="Only to contact you if your photo wins. It is never shown.",
        filters=[lambda v: (v or "").strip()],
        validators=[
            required("Enter your email address, so we can contact you if you win"),
            _max(254, "The email address"),
            _email,
        ],
        widget=GovTextInput(),
    )
    took_photo = BooleanField(
        "I took this photo myself",
        validators=[DataRequired("Confirm that you took the photo yourself")],
        widget=CheckboxInput(),
    )
    people_consented = BooleanField(
        "Everyone who can be recognised in the photo agreed to it being entered (for anyone "
        "under 16, their parent or guardian agreed), or nobody can be recognised in it",
        validators=[DataRequired("Confirm that the people in the photo agreed")],
        widget=CheckboxInput(),
    )
    accepted_rules = BooleanField(
        "I accept the competition rules, and give the partnership a licence to use the photo",
        validators=[DataRequired("Accept the rules and the licence to enter")],
        widget=CheckboxInput(),
    )
    form_token = HiddenField()
    held_photo = HiddenField()
    # A honeypot: hidden from people by CSS, filled in by bots that complete every field.
    website = StringField("Leave this field empty")

    def word_for(self, competition) -> None:
        """Ask only for the licence when the competition has no rules to accept."""
        if not competition.rules.strip():
            self.accepted_rules.label.text = "I give the partnership a licence to use the photo"
            self.accepted_rules.validators = [
                DataRequired("Give the partnership a licence to use the photo to enter")
            ]

    def validate_photo(self, field) -> None:
        if not chosen_file(field.data) and self.held is None:
            raise StopValidation("Choose the photo you want to enter")


class VoteForm(FlaskForm):
    """The people's vote: a button; the CSRF token is the only field."""


class PhotoReportForm(FlaskForm):
    """'Report this photo' on a published entry."""

    reason = TextAreaField(
        "What is wrong with this photo?",
        description="For example: it shows someone who did not agree to it, it is offensive, "
        "or it is not the entrant's own photo.",
        filters=[clean_text],
        validators=[
            required("Tell us what is wrong with this photo"),
            _max(500, "Your report"),
        ],
        widget=GovCharacterCount(),
    )
