from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def seed_currencies(sender: AppConfig, **kwargs: Any) -> None:
    """Keep the ISO 4217 list present after every migrate and test flush."""
    from creditdesk.currencies.services import ensure_currencies

    ensure_currencies()


class CurrenciesConfig(AppConfig):
    name = "creditdesk.currencies"
    verbose_name = _("Currencies")

    def ready(self) -> None:
        post_migrate.connect(seed_currencies, sender=self, dispatch_uid="creditdesk.seed_currencies")
        from creditdesk.currencies import importers  # noqa: F401  registers the exchange-rates import
