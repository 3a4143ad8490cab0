"""Writes about users: roles kept in step with the code, API tokens issued and revoked."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts.models import ApiToken
from creditdesk.accounts.roles import ROLES
from creditdesk.audit.services import record_audit
from creditdesk.core.types import Actor

TOKEN_PREFIX = "cd_"
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(token: str) -> str:
    """Tokens are looked up by digest so a copy of the database reveals none of them."""
    return hashlib.sha256(token.encode()).hexdigest()


def sync_roles() -> None:
    """Make each role's group hold exactly the permissions the code gives it."""
    for name, role in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for label in role["permissions"]:  # type: ignore[attr-defined]
            app_label, codename = label.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


@transaction.atomic
def create_api_token(actor: Actor, user: Actor, name: str) -> tuple[ApiToken, str]:
    """Issue a token; the plain text is returned once and never stored."""
    if actor.pk != user.pk and not actor.has_perm("accounts.manage_users"):
        raise PermissionDenied(_("You may only create tokens for yourself."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, such as the system that will use it.")})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=plain[:10], digest=token_digest(plain))
    record_audit(actor, "api_token.create", token, {"name": [None, token.name], "user": [None, str(user)]})
    return token, plain


@transaction.atomic
def revoke_api_token(actor: Actor, token: ApiToken, reason: str = "") -> ApiToken:
    """Revoke a token at once; it stays listed so the audit trail can name it."""
    if actor.pk != token.user_id and not actor.has_perm("accounts.manage_users"):
        raise PermissionDenied(_("You may only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit(actor, "api_token.revoke", token, {"revoked_at": [None, token.revoked_at]}, reason)
    return token


def authenticate_token(plain: str) -> Actor | None:
    """Return the active user behind a bearer token, noting when it was last used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(plain), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
