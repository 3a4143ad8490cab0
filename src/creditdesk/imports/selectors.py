"""Reading the import log."""

from django.db.models import QuerySet

from creditdesk.core.permissions import require
from creditdesk.core.types import Viewer
from creditdesk.imports.models import ImportBatch


def import_batches(user: Viewer, kind: str = "") -> QuerySet[ImportBatch]:
    """Every import, newest first; people who can read the trail can read the log."""
    require(user, "imports.view_importbatch")
    batches = ImportBatch.objects.select_related("created_by", "applied_by").order_by("-created_at")
    return batches.filter(kind=kind) if kind else batches
