"""Reading promises to pay: a customer's promises, those a user may see, and the broken ones the assessment counts."""

import datetime as dt

from django.db.models import QuerySet

from creditdesk.collections.models import PromiseStatus, PromiseToPay
from creditdesk.core.types import Viewer
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import visible_customers
from creditdesk.receivables.figures import months_back


def customer_promises(customer: Customer) -> QuerySet[PromiseToPay]:
    """The customer's promises, newest first, as the collector recorded them."""
    return (PromiseToPay.objects.filter(customer=customer).select_related("customer", "recorded_by")
            .order_by("-recorded_at", "-id"))


def visible_promises(user: Viewer) -> QuerySet[PromiseToPay]:
    """The promises of the customers the user may see (sales: their own), newest first."""
    return (PromiseToPay.objects.filter(customer__in=visible_customers(user)).select_related("customer", "recorded_by")
            .order_by("-recorded_at", "-id"))


def broken_promises(customer_ids: list[int], as_of: dt.date, months: int = 12) -> int:
    """Promises of the customers judged broken whose day fell in the window the behaviour factors use: after the
    same day `months` months earlier, up to and with `as_of`."""
    return PromiseToPay.objects.filter(customer_id__in=customer_ids, status=PromiseStatus.BROKEN,
                                       promised_for__gt=months_back(as_of, months), promised_for__lte=as_of).count()
