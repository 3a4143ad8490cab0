"""Small template helpers: money, dictionary lookups and audit change rendering."""

from decimal import Decimal
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from creditdesk.audit import actions as labels

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    """Grouped thousands and two decimals in every language (Chinese formats would not group): 1,234,567.80."""
    return "—" if value is None else f"{value:,.2f}"


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def person(user: Any) -> str:
    """A user as people know them: full name, else user name, else a dash."""
    if user is None:
        return "—"
    return str(user.get_full_name() or user.get_username())


@register.filter
def action_label(code: str) -> str:
    """An audit action in words; unknown codes show as they are."""
    return labels.action_label(code)


@register.filter
def field_label(object_type: str, field: str) -> str:
    """A changed field by its name on the form, where the model still has that field."""
    try:
        model = apps.get_model(object_type)
        return str(getattr(model._meta.get_field(field), "verbose_name", field))
    except (LookupError, ValueError, FieldDoesNotExist):
        return field
