"""Model fields that carry their bounds, so the form, full_clean in the service and the API read one declaration."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from creditdesk.core.bounds import LONG_TEXT


class LongTextField(models.TextField):
    """Free text (a note, a summary, a justification) of at most LONG_TEXT characters, checked by full_clean too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", LONG_TEXT)
        kwargs.setdefault("validators", [MaxLengthValidator(kwargs["max_length"])])
        super().__init__(*args, **kwargs)


def check_value(model: type[models.Model], name: str, value: Any) -> None:
    """Run one field's own validators on a value written without a model instance (bulk writes, imports)."""
    try:
        model._meta.get_field(name).run_validators(value)  # type: ignore[union-attr]
    except ValidationError as error:
        raise ValidationError({name: error.messages}) from None
