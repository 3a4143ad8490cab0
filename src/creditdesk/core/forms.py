"""Putting a service's ValidationError back on the form that caused it."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


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
