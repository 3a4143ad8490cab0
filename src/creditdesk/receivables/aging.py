"""Aging (账龄) of open invoices as of any date, summed in the database by bucket and currency.

Buckets by days past due: not due, 1–30, 31–60, 61–90, 91–180, 181–365, over 365 (the cut-offs come
from settings until the credit policy owns them). An invoice counts as of a date when it was issued by
then, with only the allocations made by then and not reversed by then.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from creditdesk.receivables.models import Invoice
from creditdesk.receivables.selectors import allocated_sum, allocations_as_of, cents, difference
from creditdesk.receivables.sums import Condition, Measure, issued_by, open_sums


@dataclass(frozen=True)
class Bucket:
    """Invoices between `first` and `last` days past due (None: open-ended)."""

    key: str
    first: int | None
    last: int | None

    @property
    def label(self) -> str:
        if self.last is not None and self.last <= 0:
            return str(_("Not due"))
        if self.last is None:
            return str(_("Over %(days)d days") % {"days": (self.first or 1) - 1})
        return f"{self.first}–{self.last}"


def buckets(cutoffs: tuple[int, ...] | None = None) -> list[Bucket]:
    """Not due, then one bucket per cut-off, then everything older."""
    limits = cutoffs or tuple(settings.CREDITDESK_AGING_CUTOFFS)
    result = [Bucket("not_due", None, 0)]
    first = 1
    for last in limits:
        result.append(Bucket(f"{first}_{last}", first, last))
        first = last + 1
    result.append(Bucket(f"over_{first - 1}", first, None))
    return result


def due_dates(bucket: Bucket, as_of: dt.date, via: str = "") -> Q:
    """Days past due = as_of − due date, as a condition on the due date itself (indexable, portable)."""
    condition = Q()
    if bucket.last is not None:
        condition &= Q(**{f"{via}due_date__gte": as_of - dt.timedelta(days=bucket.last)})
    if bucket.first is not None:
        condition &= Q(**{f"{via}due_date__lte": as_of - dt.timedelta(days=bucket.first)})
    return condition


def open_as_of(invoices: QuerySet[Invoice], as_of: dt.date) -> QuerySet[Invoice]:
    """Invoices issued by `as_of`, each with what was still open on that day."""
    return (invoices.filter(invoice_date__lte=as_of)
            .annotate(settled=allocated_sum("invoice", allocations_as_of(as_of)))
            .annotate(open_then=difference("gross_amount", "settled")))


def bucket_measures(plan: list[Bucket], as_of: dt.date) -> dict[str, Measure]:
    """Each bucket as a sum of open amounts on `as_of` (see `sums`)."""
    def in_bucket(bucket: Bucket) -> Condition:
        return lambda via: issued_by(as_of)(via) & due_dates(bucket, as_of, via)
    return {b.key: Measure(in_bucket(b), as_of) for b in plan}


@dataclass(frozen=True)
class Aging:
    """Open amounts by bucket for one currency."""

    currency: str
    amounts: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), Decimal("0.00"))


def aging(invoices: QuerySet[Invoice], as_of: dt.date, cutoffs: tuple[int, ...] | None = None) -> list[Aging]:
    """Per currency, the open amount in each bucket: two grouped queries (`sums.open_sums`)."""
    plan = buckets(cutoffs)
    rows = open_sums(invoices.filter(invoice_date__lte=as_of), ["currency_id"], bucket_measures(plan, as_of))
    return [Aging(row["currency_id"], {b.key: cents(row[b.key]) for b in plan}) for row in rows]
