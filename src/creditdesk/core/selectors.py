"""Figures for the overview page."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count

from creditdesk.customers.models import Communication
from creditdesk.customers.selectors import visible_customers


def overview(user: AbstractBaseUser | AnonymousUser) -> dict[str, object]:
    """Customers by status and the follow-ups that fall due, for the user's own portfolio."""
    customers = visible_customers(user)
    by_status = dict(customers.values_list("status").annotate(n=Count("id")).order_by())
    follow_ups = (
        Communication.objects.filter(customer__in=customers, follow_up_on__isnull=False)
        .select_related("customer").order_by("-follow_up_on")[:10]
    )
    return {"total": sum(by_status.values()), "by_status": by_status, "follow_ups": follow_ups}
