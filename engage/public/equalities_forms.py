"""The optional equalities questions, one radio group per census question."""

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from engage.models import EQUALITIES_QUESTIONS
from engage.widgets import RadioInput


class _Answer(RadioField):
    def pre_validate(self, form):
        if self.data and self.data not in EQUALITIES_QUESTIONS[self.name]["choices"]:
            raise ValidationError("Choose one of the answers, or leave the question blank")


def _field(question: str) -> _Answer:
    spec = EQUALITIES_QUESTIONS[question]
    return _Answer(
        spec["label"],
        description=spec.get("hint", ""),
        choices=[SelectChoice(value, label) for value, label in spec["choices"].items()],
        validators=[Optional()],
        widget=RadioInput(),
    )


class EqualitiesForm(FlaskForm):
    """Every question is optional; each has "Prefer not to say"."""

    age_band = _field("age_band")
    sex = _field("sex")
    gender_identity = _field("gender_identity")
    disability = _field("disability")
    ethnic_group = _field("ethnic_group")
    religion = _field("religion")
    sexual_orientation = _field("sexual_orientation")
    carer = _field("carer")

    def answers(self) -> dict[str, str | None]:
        return {field.name: field.data or None for field in self if field.name != "csrf_token"}


def equalities_form(ask_age: bool) -> EqualitiesForm:
    """The form; without the age question where the journey's "about you" step asked it."""
    form = EqualitiesForm()
    if not ask_age:
        del form.age_band
    return form
