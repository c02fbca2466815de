"""Administrators' forms for building and revising the draft strategy."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from engage.moderation.forms import DateInput
from engage.services.strategy import MAX_TEXT, MAX_TITLE, PrioritySpec
from engage.services.text import clean_text
from engage.widgets import RadioInput


# Required text is checked after clean_text: a title of only spaces or invisible characters
# would otherwise be saved empty, and residents would read a heading with nothing in it.
def _title(label: str, message: str) -> StringField:
    return StringField(
        label,
        filters=[clean_text],
        validators=[DataRequired(message), Length(max=MAX_TITLE)],
        widget=GovTextInput(),
    )


def _text(label: str, description: str = "", required: str | None = None) -> TextAreaField:
    validators = [DataRequired(required)] if required else [Optional()]
    return TextAreaField(
        label,
        description=description,
        filters=[clean_text],
        validators=[*validators, Length(max=MAX_TEXT)],
        widget=GovTextArea(),
    )


def _date(label: str, message: str) -> DateField:
    return DateField(
        label, format="%d %m %Y", validators=[InputRequired(message)], widget=DateInput()
    )


class StrategyForm(FlaskForm):
    title = _title("Title of the strategy", "Enter the title of the strategy")
    summary = _text("Introduction", "Shown at the top of the contents page")
    opens = _date("Comments open", "Enter the date comments open, as day, month and year")
    closes = _date("Comments close", "Enter the date comments close, as day, month and year")
    # The settings as the form was opened (strategy_fingerprint), to notice a later save.
    seen = HiddenField()


class NewStrategyForm(StrategyForm):
    consultation = SelectField("Consultation", coerce=int, widget=GovSelect())


class ThemeForm(FlaskForm):
    title = _title("Theme", "Enter the theme's title")
    summary = _text("What the theme is about")
    # The theme as the edit form was opened (theme_fingerprint), to notice a later save.
    seen = HiddenField()


class PriorityForm(FlaskForm):
    title = _title("Priority", "Enter the priority's title")
    statement = _text("Statement", "What the partnership will do", "Enter the statement")
    why = _text("Why this is a priority")
    outcome_measures = _text("Outcome measures", "One a line")
    activities = _text("Examples of partnership activity", "One a line")
    theme = SelectField("Theme", coerce=int, widget=GovSelect())
    # The priority as the form was opened (priority_fingerprint), to notice a later save.
    seen = HiddenField()

    def spec(self) -> PrioritySpec:
        return PrioritySpec(
            title=self.title.data,
            statement=self.statement.data,
            why=self.why.data or "",
            outcome_measures=(self.outcome_measures.data or "").split("\n"),
            activities=(self.activities.data or "").split("\n"),
        )


class ImportForm(FlaskForm):
    strategy_file = FileField(
        "Strategy file (YAML or Markdown)",
        validators=[FileRequired("Choose the file to import")],
        widget=GovFileInput(),
    )


class PublishForm(FlaskForm):
    status = RadioField(
        "Publish as",
        choices=[
            SelectChoice("consultation", "A draft for residents to comment on"),
            SelectChoice("final", "The final, agreed strategy"),
        ],
        validators=[InputRequired("Choose how to publish it")],
        widget=RadioInput(),
    )
    note = StringField(
        "What changed in this version (optional)",
        filters=[clean_text],
        validators=[Length(max=500)],
        widget=GovTextInput(),
    )
    # "yes" once the admin has confirmed publishing the final version, which cannot be revised.
    confirmed = HiddenField()


class ChangeForm(FlaskForm):
    """Why a priority changed, or did not, and the comments and wishes that led to it."""

    kind = RadioField(
        "What happened to this priority",
        validators=[InputRequired("Choose what happened to this priority")],
        widget=RadioInput(),
    )
    merged_into = SelectField("Merged into", validators=[Optional()], widget=GovSelect())
    reason = _text(
        "Why", "Residents read this on the “you said, we did” page", "Say why: residents read it"
    )
    comments = SelectMultipleField(
        "Comments that led to it", coerce=int, validators=[Optional()], widget=GovCheckboxesInput()
    )
    wishes = SelectMultipleField(
        "Wishes that led to it", coerce=int, validators=[Optional()], widget=GovCheckboxesInput()
    )
    # The reason as recorded when the form was opened (change_fingerprint).
    seen = HiddenField()
