"""A new database gets the default approval authority and check points, so credit works before anyone configures it."""

from typing import Any

from django.db.models.signals import post_migrate
from django.dispatch import receiver

from creditdesk.limits.authority import ensure_default_bands
from creditdesk.limits.points import ensure_default_points


@receiver(post_migrate)
def default_policy(sender: Any, **kwargs: Any) -> None:
    if getattr(sender, "name", "") == "creditdesk.limits":
        ensure_default_bands()
        ensure_default_points()
