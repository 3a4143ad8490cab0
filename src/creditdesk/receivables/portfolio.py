"""The portfolio's receivables for the month-end pack: aging by bucket in the functional currency, drilled down
to customers and to items, for the whole book or one segment (country, industry, sales owner, collector).

Amounts are summed in the database; each currency's open amount is converted there at the rate of the
reporting date (BRIEF: foreign-currency items keep their currency and are converted for portfolio figures).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, ExpressionWrapper, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Round

from creditdesk.core.types import Viewer
from creditdesk.currencies.selectors import MissingExchangeRate, functional_currency, rate_on
from creditdesk.customers.selectors import visible_customers
from creditdesk.receivables.aging import Bucket, bucket_measures, buckets, due_dates, open_as_of
from creditdesk.receivables.kpis import PeriodKpis, counted, period_from, period_measures
from creditdesk.receivables.models import Invoice, InvoiceStatus
from creditdesk.receivables.selectors import MONEY, ZERO, cents, difference, standing_on
from creditdesk.receivables.sums import open_sums


@dataclass(frozen=True)
class PortfolioFilter:
    """A segment of the book, down to one customer; empty fields mean all."""

    country: str = ""
    industry: str = ""
    owner_id: int | None = None
    collector_id: int | None = None
    customer_id: int | None = None


def portfolio_invoices(user: Viewer, filters: PortfolioFilter) -> QuerySet[Invoice]:
    """The invoices of the customers the user may see, in the segment, cancelled ones left out."""
    customers = visible_customers(user)
    for name, value in (("country", filters.country), ("industry", filters.industry), ("owner_id", filters.owner_id),
                        ("collector_id", filters.collector_id), ("pk", filters.customer_id)):
        if value:
            customers = customers.filter(**{name: value})
    return Invoice.objects.filter(customer__in=customers).exclude(status=InvoiceStatus.CANCELLED)


def rates_on(invoices: QuerySet[Invoice], as_of: dt.date) -> dict[str, Decimal]:
    """The rate of each currency the invoices are in (1 for the functional currency), from one distinct query.

    A currency without a rate is left out when nothing in it was open that day: settled history needs no rate.
    """
    currencies = invoices.filter(invoice_date__lte=as_of).order_by().values_list("currency_id", flat=True).distinct()
    rates = {}
    for code in currencies:
        try:
            rates[code] = rate_on(code, as_of)
        except MissingExchangeRate:
            still_open: Any = open_as_of(invoices.filter(currency_id=code), as_of)
            if still_open.filter(open_then__gt=0).exists():
                raise
    return rates


def in_functional(amount: str, rates: dict[str, Decimal], only: Q | None = None) -> Case:
    """`amount` converted to the functional currency in SQL, zero where `only` does not hold."""
    home = functional_currency()
    return Case(*[When(Q(currency_id=code) & (only or Q()), then=F(amount) if code == home else ExpressionWrapper(
        F(amount) * Value(rate), output_field=MONEY)) for code, rate in rates.items()], default=ZERO,
        output_field=MONEY)


def converted_bucket_sums(plan: list[Bucket], as_of: dt.date) -> dict[str, Round]:
    """Per bucket, rounded to the cent in SQL (SQLite would hand back 1200.00000000000)."""
    return {b.key: Round(Sum(Case(When(due_dates(b, as_of), then="open_functional"), default=ZERO,
                                  output_field=MONEY)), 2, output_field=MONEY) for b in plan}


@dataclass(frozen=True)
class PortfolioAging:
    """Open receivables by bucket, in the functional currency, on one date."""

    as_of: dt.date
    currency: str
    buckets: list[Bucket]
    amounts: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), Decimal("0.00"))


def with_functional_open(invoices: QuerySet[Invoice], as_of: dt.date) -> QuerySet[Invoice]:
    """Open items on `as_of`, each with its open amount in the functional currency, for drill-downs."""
    open_items: Any = open_as_of(invoices, as_of)
    converted = Round(in_functional("open_then", rates_on(invoices, as_of)), 2, output_field=MONEY)
    return open_items.annotate(open_functional=converted).filter(open_then__gt=0)


def portfolio_aging(invoices: QuerySet[Invoice], as_of: dt.date, cutoffs: tuple[int, ...] | None = None
                    ) -> PortfolioAging:
    """The segment's aging from two grouped queries (`sums.open_sums`), each currency at the day's rate."""
    plan = buckets(cutoffs)
    rows = open_sums(invoices.filter(invoice_date__lte=as_of), ["currency_id"], bucket_measures(plan, as_of))
    return aging_from(rows, plan, as_of)


def month_end(invoices: QuerySet[Invoice], start: dt.date, end: dt.date, cutoffs: tuple[int, ...] | None = None
              ) -> tuple[PortfolioAging, PeriodKpis]:
    """The month-end pack: the aging at the period end and the period's KPIs from the same two grouped queries."""
    plan = buckets(cutoffs)
    measures = {**bucket_measures(plan, end), **period_measures(start, end)}
    rows = open_sums(counted(invoices).filter(invoice_date__lte=end), ["currency_id"], measures)
    return aging_from(rows, plan, end), period_from(rows, start, end, start - dt.timedelta(days=1), None)[""]


def aging_from(rows: list[dict[str, Any]], plan: list[Bucket], as_of: dt.date) -> PortfolioAging:
    """Per-currency bucket sums into the functional currency at the day's rate."""
    amounts = dict.fromkeys((b.key for b in plan), Decimal(0))
    for row in rows:
        if any(row[b.key] for b in plan):  # settled history in a currency needs no rate
            rate = rate_on(row["currency_id"], as_of)
            for b in plan:
                amounts[b.key] += row[b.key] * rate
    return PortfolioAging(as_of, functional_currency(), plan, {key: cents(value) for key, value in amounts.items()})


def open_as_of_grouped(invoices: QuerySet[Invoice], as_of: dt.date) -> QuerySet[Invoice]:
    """Open amounts on `as_of` through one join and GROUP BY per invoice, for counting who owes."""
    return (invoices.filter(invoice_date__lte=as_of)
            .annotate(settled=Coalesce(Sum("allocations__amount", filter=standing_on(as_of, "allocations__")), ZERO))
            .annotate(open_then=difference("gross_amount", "settled")))


def customers_with_open_items(invoices: QuerySet[Invoice], as_of: dt.date) -> int:
    """How many customers still owed something on `as_of`."""
    grouped: Any = open_as_of_grouped(invoices, as_of)
    return int(grouped.filter(open_then__gt=0).order_by().aggregate(n=Count("customer_id", distinct=True))["n"])


def aging_by_customer(invoices: QuerySet[Invoice], as_of: dt.date, bucket: str = "",
                      cutoffs: tuple[int, ...] | None = None) -> QuerySet[Any]:
    """One row per customer with its buckets and total, biggest first; only customers with money in `bucket`."""
    plan = buckets(cutoffs)
    rows = (with_functional_open(invoices, as_of).order_by()
            .values("customer_id", "customer__code", "customer__name", "customer__local_name")
            .annotate(**converted_bucket_sums(plan, as_of),
                      total=Round(Sum("open_functional"), 2, output_field=MONEY)))
    if bucket:
        rows = rows.filter(**{f"{bucket_named(bucket, plan).key}__gt": 0})
    return rows.order_by("-total", "customer__code")


def bucket_items(invoices: QuerySet[Invoice], as_of: dt.date, bucket: str = "",
                 cutoffs: tuple[int, ...] | None = None) -> QuerySet[Invoice]:
    """The open items behind a bucket (or all open items), oldest due first."""
    items = with_functional_open(invoices, as_of).select_related("customer")
    if bucket:
        items = items.filter(due_dates(bucket_named(bucket, buckets(cutoffs)), as_of))
    return items.order_by("due_date", "number")


def bucket_named(key: str, plan: list[Bucket]) -> Bucket:
    """Refuse a bucket that the cut-offs do not have, rather than show an empty report."""
    for candidate in plan:
        if candidate.key == key:
            return candidate
    raise ValueError(key)

