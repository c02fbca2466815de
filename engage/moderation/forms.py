"""Officers' forms."""

from datetime import datetime

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovFileInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)

from engage.models import AGE_BANDS, REJECT_REASONS
from engage.public.forms import AboutYouForm, WishesForm
from engage.services.flags import REDACTION_GROWTH
from engage.services.text import clean_text
from engage.services.wishes import MAX_WISH_LENGTH
from engage.template_helpers import LOCAL_TZ
from engage.widgets import CheckboxInput, RadioInput

MAX_REDACTED_WISH = REDACTION_GROWTH * MAX_WISH_LENGTH
# A moderator's note on a decision: a reason in a sentence or two.
NOTE_LIMIT = 500


class DateInput(GovDateInput):
    """GOV.UK date input that copes with a POST missing some of day, month and year."""

    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = [*field.raw_data, "", "", ""][:3]
        return super().map_gov_params(field, **kwargs)


class DayField(DateField):
    """A date whose parts do not make a real day get a message that says so, in words."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.type = "DateField"  # the error summary links a date to its day box by this

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(
                f"{self.label.text} must be a real date, for example 27 3 2026"
            ) from error


def _past_day(form, field) -> None:
    """A day that has been: a workshop keyed in is over, and a year such as 0026 is a typo."""
    if field.data is None:
        return
    if field.data > datetime.now(LOCAL_TZ).date():
        raise ValidationError(f"{field.label.text} must be today or in the past")
    if field.data.year < 2000:
        raise ValidationError(f"{field.label.text} must be in 2000 or later")


def _choices(mapping: dict, blank: str | None = None) -> list[SelectChoice]:
    items = [SelectChoice("", blank)] if blank else []
    return items + [SelectChoice(value, label) for value, label in mapping.items()]


def redacted_too_long(limit: int) -> str:
    return f"Keep the text to publish to {limit:,} characters or fewer"


class DecisionForm(FlaskForm):
    """One decision on one or several entries."""

    action = HiddenField()
    entry_ids = HiddenField()
    reason = RadioField(
        "Reason for rejecting",
        choices=_choices(REJECT_REASONS),
        validators=[Optional()],
        widget=RadioInput(),
    )
    note = StringField(
        "Note (needed for “other”)",
        filters=[clean_text],
        validators=[
            Length(max=NOTE_LIMIT, message=f"Keep the note to {NOTE_LIMIT} characters or fewer")
        ],
        widget=GovTextInput(),
    )
    redacted_text = TextAreaField(
        "Text to publish",
        filters=[clean_text],
        validators=[Length(max=MAX_REDACTED_WISH, message=redacted_too_long(MAX_REDACTED_WISH))],
        widget=GovTextArea(),
    )


class CardForm(WishesForm):
    """A paper wish card or a wish from the tree, keyed in by an officer."""

    consultation = SelectField("Consultation", coerce=int, widget=GovSelect())
    channel = RadioField(
        "Where it came from",
        choices=[
            SelectChoice("paper_card", "Paper wish card"),
            SelectChoice("wish_tree", "Wish tree"),
        ],
        default="paper_card",
        widget=RadioInput(),
    )
    card_number = StringField(
        "Card number",
        filters=[clean_text],
        validators=[DataRequired("Enter the card number"), Length(max=40)],
        widget=GovTextInput(),
    )
    postcode = AboutYouForm.postcode
    age_band = RadioField(
        "Age", choices=_choices(AGE_BANDS), validators=[Optional()], widget=RadioInput()
    )
    confirm_duplicate = BooleanField("Save it anyway", widget=CheckboxInput())


def _sheet_or_kept(form, field) -> None:
    """A file chosen now, or the one kept from the last try (see moderation.workshops)."""
    if not field.data and not form.kept_sheet.data:
        raise StopValidation("Choose the sheet to upload")


class WorkshopUploadForm(FlaskForm):
    consultation = SelectField("Consultation", coerce=int, widget=GovSelect())
    partner = StringField(
        "Partner organisation",
        filters=[clean_text],
        validators=[DataRequired("Enter the partner organisation"), Length(max=200)],
        widget=GovTextInput(),
    )
    event = StringField(
        "Workshop or event",
        filters=[clean_text],
        validators=[DataRequired("Enter the name of the workshop"), Length(max=200)],
        widget=GovTextInput(),
    )
    event_date = DayField(
        "Date of the workshop",
        format="%d %m %Y",
        validators=[
            InputRequired("Enter the date of the workshop as day, month and year"),
            _past_day,
        ],
        widget=DateInput(),
    )
    sheet = FileField(
        "Workshop sheet (CSV or XLSX)",
        validators=[_sheet_or_kept],
        widget=GovFileInput(),
    )
    # The sheet sent with a form that had a mistake, kept so it need not be chosen again.
    kept_sheet = HiddenField()


class WorkshopConfirmForm(FlaskForm):
    upload = HiddenField()
    consultation = HiddenField()
    partner = HiddenField()
    event = HiddenField()
    event_date = HiddenField()
    # Asked only of a sheet whose rows were largely imported before (the labels, with their
    # numbers, are set by the preview); without the question, rows imported before stay out.
    rows = RadioField(
        "Which rows do you want to import?",
        choices=[
            SelectChoice("new", "Import only the rows not imported before"),
            SelectChoice("all", "Import all rows again"),
        ],
        default="new",
        widget=RadioInput(),
    )


__all__ = ["CardForm", "DayField", "DecisionForm", "WorkshopConfirmForm", "WorkshopUploadForm"]
