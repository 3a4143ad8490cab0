"""Open amounts summed the fast way: Σ open = Σ gross of the invoices counted − Σ what was allocated to them.

Open amounts add up, so a total (a bucket, an AR balance at some date, a month's sales) never needs each
invoice's open amount first: one grouped scan of the invoices and one of the allocations give any number of
such totals at once, per currency or per segment. Aging, DSO and CEI are all built from these sums.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Q, QuerySet, Sum, When

from creditdesk.receivables.models import Allocation, Invoice
from creditdesk.receivables.selectors import MONEY, ZERO, standing_on

Condition = Callable[[str], Q]


@dataclass(frozen=True)
class Measure:
    """A total over the invoices meeting `invoices(prefix)`, less their allocations standing on `open_on`.

    `invoices` builds its condition for a field prefix ("" on invoices, "invoice__" from allocations);
    without `open_on` the measure is a plain sum of gross amounts (credit sales, for example).
    """

    invoices: Condition
    open_on: dt.date | None = None


def issued_by(day: dt.date) -> Condition:
    return lambda via: Q(**{f"{via}invoice_date__lte": day})


def current_on(day: dt.date) -> Condition:
    """Issued by `day` and not yet due on it."""
    return lambda via: Q(**{f"{via}invoice_date__lte": day, f"{via}due_date__gte": day})


def overdue_on(day: dt.date) -> Condition:
    """Issued and past its due date on `day`."""
    return lambda via: Q(**{f"{via}invoice_date__lte": day, f"{via}due_date__lt": day})


def issued_between(first: dt.date, last: dt.date) -> Condition:
    return lambda via: Q(**{f"{via}invoice_date__gte": first, f"{via}invoice_date__lte": last})


def billed(invoices: QuerySet[Invoice], keys: list[str], measures: dict[str, Measure]) -> QuerySet[Any]:
    """Per group of `keys`, each measure's gross amounts: the first of the two queries."""
    return invoices.order_by().values(*keys).annotate(**{
        name: Sum(Case(When(m.invoices(""), then="gross_amount"), default=ZERO, output_field=MONEY))
        for name, m in measures.items()})


def reducing(measures: dict[str, Measure]) -> dict[str, Measure]:
    """The measures that are open amounts, so their allocations are taken off."""
    return {name: m for name, m in measures.items() if m.open_on is not None}


def settled(invoices: QuerySet[Invoice], keys: list[str], measures: dict[str, Measure]) -> QuerySet[Any]:
    """Per group of `keys`, the allocations standing on each open measure's day: the second query."""
    return Allocation.objects.filter(invoice__in=invoices).order_by().values(
        *(f"invoice__{key}" for key in keys)).annotate(**{
            name: Sum(Case(When(m.invoices("invoice__") & standing_on(m.open_on), then="amount"),  # type: ignore[arg-type]
                           default=ZERO, output_field=MONEY))
            for name, m in reducing(measures).items()})


def net(billed_rows: list[dict[str, Any]], settled_rows: list[dict[str, Any]], keys: list[str],
        measures: dict[str, Measure]) -> list[dict[str, Any]]:
    """Gross less allocations, group by group."""
    rows = {tuple(row[key] for key in keys): dict(row) for row in billed_rows}
    for row in settled_rows:
        group = rows[tuple(row[f"invoice__{key}"] for key in keys)]
        for name in reducing(measures):
            group[name] -= row[name]
    return list(rows.values())


def open_sums(invoices: QuerySet[Invoice], keys: list[str], measures: dict[str, Measure]) -> list[dict[str, Any]]:
    """Per group of `keys` (invoice fields such as currency_id or customer__country), every measure: two queries."""
    rows = list(billed(invoices, keys, measures))
    if not reducing(measures) or not rows:
        return rows
    return net(rows, list(settled(invoices, keys, measures)), keys, measures)
