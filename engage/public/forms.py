"""Residents' forms."""

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from engage.models import AGE_BANDS
from engage.services.postcodes import normalise_postcode
from engage.services.search import query_terms
from engage.services.text import clean_text
from engage.services.wishes import MAX_WISH_LENGTH, MAX_WISHES
from engage.widgets import CheckboxInput, RadioInput


def max_length(n: int, what: str) -> Length:
    """A length limit whose message names the field, in the house style."""
    return Length(max=n, message=f"{what} must be {n} characters or fewer")


def required(message: str) -> DataRequired:
    """A required field, checked after the filters: text of only spaces or invisible characters
    (which clean_text removes) is as empty as no text."""
    return DataRequired(message)


WISH_LABELS = ("Your first wish", "Your second wish (optional)", "Your third wish (optional)")


class WishesForm(FlaskForm):
    """Step 1: one to three wishes."""

    wish_1 = TextAreaField(WISH_LABELS[0], filters=[clean_text], widget=GovCharacterCount())
    wish_2 = TextAreaField(WISH_LABELS[1], filters=[clean_text], widget=GovCharacterCount())
    wish_3 = TextAreaField(WISH_LABELS[2], filters=[clean_text], widget=GovCharacterCount())
    form_token = HiddenField()
    # A honeypot: hidden from people by CSS, filled in by bots that complete every field.
    website = StringField("Leave this field empty")

    def wish_fields(self):
        return [self.wish_1, self.wish_2, self.wish_3]

    def wishes(self) -> list[str]:
        return [f.data for f in self.wish_fields() if f.data]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for number, field in enumerate(self.wish_fields(), start=1):
            if len(field.data or "") > MAX_WISH_LENGTH:
                field.errors.append(
                    f"Wish {number} must be {MAX_WISH_LENGTH} characters or fewer "
                    f"(it has {len(field.data)})"
                )
                valid = False
        if not self.wishes():
            self.wish_1.errors.append("Enter at least one wish")
            valid = False
        return valid and len(self.wishes()) <= MAX_WISHES


def _postcode(form, field):
    if field.data:
        normalised = normalise_postcode(field.data)
        if normalised is None:
            raise ValidationError("Enter a real postcode, like DE1 2AA, or leave it empty")
        field.data = normalised


def _email(form, field):
    if field.data:
        try:
            field.data = validate_email(field.data, check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise ValidationError(
                "Enter an email address in the correct format, like name@example.com"
            ) from error


class AgeBandField(RadioField):
    """The age bands, or no answer; any other value (a page open while the list changed) is
    refused in the form's own words rather than WTForms' "Not a valid choice"."""

    def pre_validate(self, form):
        if self.data and self.data not in AGE_BANDS:
            raise ValidationError("Choose your age from the list, or leave it unanswered")


class AboutYouForm(FlaskForm):
    """Step 2 (optional): where, what age, and whether to hear back."""

    postcode = StringField(
        "Postcode",
        description="We use it only to find your local area. For example, DE1 2AA",
        filters=[lambda v: (v or "").strip()],
        validators=[Optional(), _postcode],
        widget=GovTextInput(),
    )
    age_band = AgeBandField(
        "Age",
        choices=[SelectChoice(value, label) for value, label in AGE_BANDS.items()],
        validators=[Optional()],
        widget=RadioInput(),
    )
    email = StringField(
        "Email address",
        description="Only if you want updates about this consultation",
        filters=[lambda v: (v or "").strip()],
        validators=[
            Optional(),
            max_length(254, "Email address"),
            _email,
        ],
        widget=GovTextInput(),
    )
    email_consent = BooleanField(
        "I agree to be emailed about this consultation and what happens next",
        widget=CheckboxInput(),
    )

    def validate_email_consent(self, field):
        if self.email.data and not field.data:
            raise ValidationError(
                "Tick the box to agree to be emailed, or leave the email address empty"
            )


class WallSearchForm(FlaskForm):
    """The wish wall's search: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(
        "Search wishes",
        filters=[clean_text],
        validators=[max_length(200, "Your search")],
        widget=GovTextInput(),
    )
    area = StringField("Area")

    def validate_q(self, field):
        # Emoji or punctuation alone search for nothing: the wall would list every wish under
        # the search as if each one matched.
        if field.data and not query_terms(field.data):
            raise ValidationError(
                "Search with words or numbers, like ‘buses’ or ‘park’: "
                "emoji and punctuation on their own cannot be searched for"
            )


class ReportForm(FlaskForm):
    """'Report this' on a published wish."""

    reason = TextAreaField(
        "What is wrong with this wish?",
        description="For example: it names someone, it is offensive, or it is advertising.",
        filters=[clean_text],
        validators=[
            required("Tell us what is wrong with this wish"),
            max_length(500, "Your report"),
        ],
        widget=GovCharacterCount(),
    )
