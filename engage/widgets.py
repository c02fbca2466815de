"""GOV.UK widgets for radios, checkboxes and selects that leave out a hint when the field has
none.

govuk-frontend-wtf passes every radio and checkbox group a hint of its description, empty or
not; the GOV.UK macros then write an empty hint and point the fieldset's ``aria-describedby``
at it, so a screen reader announces a description with no words.
"""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSelect


class _NoEmptyHint:
    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        hint = params.get("hint") or {}
        if not (hint.get("text") or hint.get("html")):
            params.pop("hint", None)
        return params


class RadioInput(_NoEmptyHint, GovRadioInput):
    """``GovRadioInput`` without an empty hint."""


class CheckboxInput(_NoEmptyHint, GovCheckboxInput):
    """``GovCheckboxInput`` (one checkbox) without an empty hint."""


class Select(_NoEmptyHint, GovSelect):
    """``GovSelect`` without an empty hint."""
