"""The strategy workspace's forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovSelect,
    GovTextInput,
)
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from engage.services.analysis_runs import (
    MAX_STOP_WORDS_TEXT,
    MAX_THEMES,
    RunError,
    parse_stop_words,
)
from engage.services.text import clean_text
from engage.services.theme_edits import MAX_LABEL, MAX_SPLIT
from engage.widgets import CheckboxInput


class StartRunForm(FlaskForm):
    consultation = SelectField(
        "Consultation",
        coerce=int,
        validators=[InputRequired("Choose the consultation to analyse")],
        widget=GovSelect(),
    )
    themes = IntegerField(
        "Number of themes (optional)",
        description="Leave empty and the analysis chooses how many themes the entries hold",
        validators=[
            Optional(),
            NumberRange(2, MAX_THEMES, f"Enter a whole number from 2 to {MAX_THEMES}"),
        ],
        widget=GovTextInput(),
    )
    stop_words = StringField(
        "Words to leave out (optional)",
        description=(
            "Words that nearly every entry uses here and that name no theme, separated by "
            "commas: for example the question's own words. Each is left out in every form "
            "(“park” also leaves out “parks”)."
        ),
        filters=[clean_text],
        validators=[Length(max=MAX_STOP_WORDS_TEXT, message="Enter fewer words to leave out")],
        widget=GovTextInput(),
    )
    keep_themes = BooleanField(
        "Start from the themes of the last run",
        description=(
            "The themes that still hold keep their entries, and so their names and your "
            "edits; new entries join them. Leave it unticked for a fresh analysis."
        ),
        widget=CheckboxInput(),
    )

    def validate_stop_words(self, field):
        # Checked again when the run starts; here a word too long or too many is told at the
        # field, with the rest of the form as it was sent.
        try:
            parse_stop_words(field.data)
        except RunError as error:
            raise ValidationError(error.message) from error


class RenameForm(FlaskForm):
    label = StringField(
        "New name",
        filters=[clean_text],
        validators=[DataRequired("Enter the theme's new name"), Length(max=MAX_LABEL)],
        widget=GovTextInput(),
    )


class MergeForm(FlaskForm):
    # The choice is checked by the service, which can say that a theme listed when the page
    # was opened has since been merged or split by another member of the team.
    other = SelectField(
        "Theme to merge into this one",
        coerce=int,
        validate_choice=False,
        validators=[InputRequired("Choose the theme to merge into this one")],
        widget=GovSelect(),
    )


class SplitForm(FlaskForm):
    parts = IntegerField(
        "Split into how many themes",
        validators=[
            InputRequired("Enter how many themes to split it into"),
            NumberRange(2, MAX_SPLIT, f"Enter a whole number from 2 to {MAX_SPLIT}"),
        ],
        widget=GovTextInput(),
    )


class MappingForm(FlaskForm):
    # Checked by the service, which can say that a priority listed when the page was opened
    # has since been removed from the strategy.
    strategy_target = SelectField(
        "The strategy's theme or priority",
        validate_choice=False,
        validators=[InputRequired("Choose the strategy's theme or priority")],
        widget=GovSelect(),
    )


class RemoveMappingForm(FlaskForm):
    """Take back a theme's confirmed mapping (the CSRF token is the whole form)."""


class MembersForm(FlaskForm):
    """Ticked entries (raw checkboxes named "entry") and where to move them."""

    move_to = SelectField(
        "Move the ticked entries to", coerce=int, validate_choice=False, widget=GovSelect()
    )


class UploadForm(FlaskForm):
    upload = FileField(
        "CSV or XLSX file",
        validators=[FileRequired("Choose a CSV or XLSX file")],
        widget=GovFileInput(),
    )
