from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "creditdesk.assessment"
    verbose_name = _("Credit assessment")

    def ready(self) -> None:
        from creditdesk.assessment import importers  # noqa: F401  registers the statement and rating imports
