from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LimitsConfig(AppConfig):
    name = "creditdesk.limits"
    verbose_name = _("Credit limits")

    def ready(self) -> None:
        from creditdesk.limits import signals  # noqa: F401  default authority bands after migrate
