"""Administrators' forms for photo competitions."""

import re
from datetime import date, datetime, time, timedelta

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextArea, GovTextInput
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp, ValidationError

from engage.moderation.forms import DateInput, DayField
from engage.services.competitions import CompetitionDates, details_fingerprint
from engage.services.text import clean_text
from engage.template_helpers import LOCAL_TZ

# A competition runs within a few years of now; a year such as 9999 (the last day there is)
# would otherwise fail when its closing moment, the next day's midnight, is worked out.
YEARS = range(2000, 2100)


def _in_years(form, field) -> None:
    if field.data is not None and field.data.year not in YEARS:
        raise ValidationError(
            f"{field.label.text} must be a date between {YEARS[0]} and {YEARS[-1]}"
        )


def _date(label: str, hint: str) -> DateField:
    return DayField(
        label,
        description=hint,
        format="%d %m %Y",
        validators=[
            InputRequired(f"Enter the date: {label.lower()}, as day, month and year"),
            _in_years,
        ],
        widget=DateInput(),
    )


def start_of(day: date) -> datetime:
    """Midnight at the start of a UK day, as an aware datetime."""
    return datetime.combine(day, time(0, 0), tzinfo=LOCAL_TZ)


class CompetitionForm(FlaskForm):
    consultation = SelectField("Consultation", coerce=int, widget=GovSelect())
    title = StringField(
        "Title",
        filters=[clean_text],
        validators=[
            DataRequired("Enter a title"),
            Length(max=200, message="Enter the title in 200 characters or fewer"),
        ],
        widget=GovTextInput(),
    )
    slug = StringField(
        "Web address",
        description="Lower-case letters, numbers and hyphens, for example derby-wishes-photos",
        filters=[lambda v: (v or "").strip().lower()],
        validators=[
            InputRequired("Enter the web address"),
            Length(max=80, message="Enter the web address in 80 characters or fewer"),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", re.ASCII, "Use letters, numbers and hyphens"),
        ],
        widget=GovTextInput(),
    )
    summary = TextAreaField(
        "What to photograph",
        filters=[clean_text],
        validators=[
            DataRequired("Say what people should photograph"),
            Length(max=2000, message="Say what to photograph in 2,000 characters or fewer"),
        ],
        widget=GovTextArea(),
    )
    rules = TextAreaField(
        "Rules and licence",
        filters=[clean_text],
        validators=[
            DataRequired("Enter the rules"),
            Length(max=10_000, message="Enter the rules in 10,000 characters or fewer"),
        ],
        widget=GovTextArea(),
    )
    entries_open = _date("Entries open", "From the start of this day, UK time")
    entries_close = _date("Entries close", "At the end of this day")
    voting_open = _date("Voting opens", "From the start of this day")
    voting_close = _date("Voting closes", "At the end of this day")

    def dates(self) -> CompetitionDates:
        return CompetitionDates(
            entries_open_at=start_of(self.entries_open.data),
            entries_close_at=start_of(self.entries_close.data + timedelta(days=1)),
            voting_open_at=start_of(self.voting_open.data),
            voting_close_at=start_of(self.voting_close.data + timedelta(days=1)),
        )


class CompetitionDetailsForm(CompetitionForm):
    """The same details, for a competition that exists: its consultation stays as it is."""

    consultation = None
    seen = HiddenField()  # the details as the form showed them (details_fingerprint)

    @classmethod
    def of(cls, competition) -> "CompetitionDetailsForm":
        """The form filled in with the competition's details (closing days are the last day
        open, as the form takes them)."""
        return cls(
            seen=details_fingerprint(competition),
            title=competition.title,
            slug=competition.slug,
            summary=competition.summary,
            rules=competition.rules,
            **_days_of(competition),
        )

    def dates_for(self, competition) -> CompetitionDates:
        """The dates typed; a day left as it was keeps the competition's own moment (one
        set to the hour, as the demo's are, is not moved to midnight by an unrelated edit)."""
        typed = vars(self.dates())
        days = _days_of(competition)
        fields = ("entries_open", "entries_close", "voting_open", "voting_close")
        for name, attribute in zip(fields, typed, strict=True):
            if getattr(self, name).data == days[name]:
                typed[attribute] = getattr(competition, attribute)
        return CompetitionDates(**typed)


def _days_of(competition) -> dict[str, date]:
    def day(moment: datetime) -> date:
        return moment.astimezone(LOCAL_TZ).date()

    # A closing moment is the start of the day after the last day open.
    return {
        "entries_open": day(competition.entries_open_at),
        "entries_close": day(competition.entries_close_at - timedelta(microseconds=1)),
        "voting_open": day(competition.voting_open_at),
        "voting_close": day(competition.voting_close_at - timedelta(microseconds=1)),
    }


class CriterionForm(FlaskForm):
    name = StringField(
        "Criterion",
        description="For example: relevance to the wish",
        filters=[clean_text],
        validators=[
            DataRequired("Enter the criterion"),
            Length(max=120, message="Enter the criterion in 120 characters or fewer"),
        ],
        widget=GovTextInput(),
    )
    description = StringField(
        "What judges should look for (optional)",
        filters=[clean_text],
        validators=[
            Length(max=500, message="Enter what judges should look for in 500 characters or fewer")
        ],
        widget=GovTextInput(),
    )


class JudgeForm(FlaskForm):
    judge = SelectField("Judge", coerce=int, widget=GovSelect())


class ActionForm(FlaskForm):
    """Forms whose fields are read by the view (the shortlist, the awards): CSRF only."""
