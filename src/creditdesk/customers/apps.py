from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "creditdesk.customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from creditdesk.customers import importers  # noqa: F401  registers the customers import
