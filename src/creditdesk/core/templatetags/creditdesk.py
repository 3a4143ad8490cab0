"""Small template helpers: dictionary lookups and audit change rendering."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def person(user: Any) -> str:
    """A user as people know them: full name, else user name, else a dash."""
    if user is None:
        return "—"
    return str(user.get_full_name() or user.get_username())
