from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_roles_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    """Permissions exist only once every app has migrated, so sync on the last app's signal."""
    if sender is list(apps.get_app_configs())[-1]:
        from creditdesk.accounts.services import sync_roles

        sync_roles()


class AccountsConfig(AppConfig):
    name = "creditdesk.accounts"
    verbose_name = _("Users and access")

    def ready(self) -> None:
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="creditdesk.sync_roles")
