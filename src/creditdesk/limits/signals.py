"""A new database gets the default approval authority, so limits can be approved before anyone configures it."""

from typing import Any

from django.db.models.signals import post_migrate
from django.dispatch import receiver

from creditdesk.limits.authority import ensure_default_bands


@receiver(post_migrate)
def default_bands(sender: Any, **kwargs: Any) -> None:
    if getattr(sender, "name", "") == "creditdesk.limits":
        ensure_default_bands()
