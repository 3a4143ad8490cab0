"""One place that turns a missing permission into PermissionDenied for services, views and API."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from creditdesk.core.types import Viewer


def require(actor: Viewer, *permissions: str) -> None:
    """Refuse the action unless the actor holds every permission named."""
    if not actor.is_authenticated or not actor.has_perms(permissions):  # type: ignore[union-attr]
        raise PermissionDenied(_("You do not have permission to do this."))
