"""Figures for the overview page."""

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from creditdesk.core.types import Viewer
from creditdesk.customers.models import Communication
from creditdesk.customers.selectors import visible_customers

FOLLOW_UP_GRACE_DAYS = 14


def overview(user: Viewer) -> dict[str, object]:
    """Customers by status and the follow-ups falling due (or just missed), for the user's own portfolio."""
    customers = visible_customers(user)
    by_status = dict(customers.values_list("status").annotate(n=Count("id")).order_by())
    since = timezone.localdate() - dt.timedelta(days=FOLLOW_UP_GRACE_DAYS)
    follow_ups = (
        Communication.objects.filter(customer__in=customers, follow_up_on__gte=since)
        .select_related("customer").order_by("follow_up_on", "id")[:10]
    )
    return {"total": sum(by_status.values()), "by_status": by_status, "follow_ups": follow_ups}
