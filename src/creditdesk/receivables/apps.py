from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivablesConfig(AppConfig):
    name = "creditdesk.receivables"
    verbose_name = _("Receivables")

    def ready(self) -> None:
        from creditdesk.receivables import importers  # noqa: F401  registers the ledger feeds
