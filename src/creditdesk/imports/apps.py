import csv

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "creditdesk.imports"
    verbose_name = _("imports")

    def ready(self) -> None:
        """csv's field limit is process-wide: raised once, never per file, so only the import's limit refuses a cell."""
        if csv.field_size_limit() <= settings.CREDITDESK_IMPORT_MAX_CELL_CHARS:
            csv.field_size_limit(settings.CREDITDESK_IMPORT_MAX_CELL_CHARS + 1)
