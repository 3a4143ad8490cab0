"""What every form shares: a service's ValidationError put back on the form, and the date field with its bounds."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

from creditdesk.core.bounds import EARLIEST_DAY, LATEST_DAY


def show_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Field errors next to their field; the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class DateInput(forms.DateInput):
    """The browser's date picker, which sends and expects ISO dates whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DayField(forms.DateField):
    """A date typed on a page: in the browser's picker, within the bounds every date input shares."""

    widget = DateInput
    default_validators = [MinValueValidator(EARLIEST_DAY), MaxValueValidator(LATEST_DAY)]
