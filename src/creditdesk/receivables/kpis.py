"""Portfolio KPIs (DSO, count-back DSO, best possible DSO, average days delinquent, CEI), summed in the database.

Every figure is in the functional currency: each query sums per currency (and segment), and only those few
totals are converted in Python, all at the rate of the period's last day, so exchange-rate moves within the
period do not show up as sales or collections. An invoice counts as in `aging.open_as_of`: issued by the day,
with the allocations made by then and not reversed by then; cancelled invoices never count.

Definitions (BRIEF.md, "Formulas"):
- AR at a date = Σ open amount of the invoices issued by then; current AR = the part not yet due (due ≥ date).
- Credit sales of a period = Σ gross amount of the invoices dated within it.
- DSO, simple = AR at period end / credit sales of the period × days in period.
- DSO, count-back = walk back month by month from the period end, subtracting each month's credit sales from
  the AR balance; full months add their days, the last partial month adds days × remaining AR / that month's
  sales.
- Best possible DSO = current AR / credit sales × days; average days delinquent = DSO − best possible DSO.
- CEI = (opening AR + credit sales − closing total AR) / (opening AR + credit sales − closing current AR) × 100,
  opening AR being the AR on the day before the period starts.
A ratio whose denominator is zero is None.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Case, QuerySet, Sum, When
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from creditdesk.currencies.selectors import functional_currency, rate_on
from creditdesk.receivables.models import Invoice, InvoiceStatus
from creditdesk.receivables.selectors import MONEY, ZERO, allocations_as_of

SEGMENTS = ("country", "industry", "owner", "collector")
COUNT_BACK_MONTHS = 24
CENT, TENTH = Decimal("0.01"), Decimal("0.1")

Row = Any
Totals = dict[str, Decimal]


@dataclass(frozen=True)
class PeriodKpis:
    """The receivables KPIs of one period, in the functional currency; a ratio without a denominator is None."""

    period_start: dt.date
    period_end: dt.date
    currency: str
    ar: Decimal
    current_ar: Decimal
    opening_ar: Decimal
    credit_sales: Decimal
    dso: Decimal | None
    dso_count_back: Decimal
    dso_count_back_capped: bool
    best_possible_dso: Decimal | None
    average_days_delinquent: Decimal | None
    cei: Decimal | None


def period_kpis(invoices: QuerySet[Invoice], start: dt.date, end: dt.date) -> PeriodKpis:
    """KPIs of `invoices` (scoped by the caller) for the period: 5 aggregate queries and one per foreign currency."""
    return segment_kpis(invoices, start, end, None)[""]


def kpis_by_segment(invoices: QuerySet[Invoice], start: dt.date, end: dt.date, segment: str) -> dict[str, PeriodKpis]:
    """The period's KPIs per value of a customer field ("" for none), from the same five grouped queries."""
    if segment not in SEGMENTS:
        raise ValueError(_("Unknown segment %(segment)s: choose one of %(choices)s.")
                         % {"segment": segment, "choices": ", ".join(SEGMENTS)})
    return segment_kpis(invoices, start, end, f"customer__{segment}")


def monthly_kpis(invoices: QuerySet[Invoice], last_month_end: dt.date, months: int = 24) -> list[PeriodKpis]:
    """One period per calendar month up to `last_month_end`, oldest first: 2 × months + 3 queries plus the rates."""
    if months < 1:
        raise ValueError(_("Ask for at least one month."))
    ends = [last_month_end]
    for _month in range(months - 1):
        ends.insert(0, ends[0].replace(day=1) - dt.timedelta(days=1))
    invoices = counted(invoices)
    first_start = ends[0].replace(day=1)
    opening = balance_rows(invoices, first_start - dt.timedelta(days=1), first_start, None)
    sales = monthly_sales_rows(invoices, walk_start(ends[0]), last_month_end, None)
    result = []
    for end in ends:
        closing = balance_rows(invoices, end, end.replace(day=1), None)
        result.append(combine(end.replace(day=1), end, closing, opening, sales, None)[""])
        opening = closing
    return result


def segment_kpis(invoices: QuerySet[Invoice], start: dt.date, end: dt.date, field: str | None) -> dict[str, PeriodKpis]:
    """Closing balances with the period's sales, opening balances, and monthly sales for the count-back walk."""
    invoices = counted(invoices)
    closing = balance_rows(invoices, end, start, field)
    opening = balance_rows(invoices, start - dt.timedelta(days=1), start, field)
    sales = monthly_sales_rows(invoices, walk_start(end), end, field)
    return combine(start, end, closing, opening, sales, field)


def counted(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Cancelled invoices were never owed: they count neither as sales nor as AR."""
    return invoices.exclude(status=InvoiceStatus.CANCELLED)


def balance_rows(invoices: QuerySet[Invoice], as_of: dt.date, sales_from: dt.date, field: str | None) -> list[Row]:
    """Per currency (and segment): AR and current AR as of `as_of`, credit sales from `sales_from` on.

    AR is linear: Σ open = Σ gross of the invoices issued by then − Σ what was allocated to them by then. So two
    plain grouped sums (invoices, allocations) give it, instead of an open amount worked out invoice by invoice.
    """
    keys = ["currency_id", *grouping(field)]
    issued = invoices.filter(invoice_date__lte=as_of)
    billed = issued.order_by().values(*keys).annotate(
        ar=Sum("gross_amount"),
        current_ar=Sum(Case(When(due_date__gte=as_of, then="gross_amount"), default=ZERO, output_field=MONEY)),
        credit_sales=Sum(Case(When(invoice_date__gte=sales_from, then="gross_amount"), default=ZERO,
                              output_field=MONEY)),
    )
    settled = allocations_as_of(as_of).filter(invoice__in=issued).order_by().values(
        *(f"invoice__{key}" for key in keys)).annotate(
        ar=Sum("amount"),
        current_ar=Sum(Case(When(invoice__due_date__gte=as_of, then="amount"), default=ZERO, output_field=MONEY)),
    )
    rows = {tuple(row[k] for k in keys): dict(row) for row in billed}
    for row in settled:
        balance = rows[tuple(row[f"invoice__{k}"] for k in keys)]
        balance["ar"] -= row["ar"]
        balance["current_ar"] -= row["current_ar"]
    return list(rows.values())


def monthly_sales_rows(invoices: QuerySet[Invoice], first: dt.date, last: dt.date, field: str | None) -> list[Row]:
    """One query grouped by calendar month: credit sales per currency (and segment) for the count-back walk."""
    return list(
        invoices.filter(invoice_date__gte=first, invoice_date__lte=last).order_by()
        .annotate(month=TruncMonth("invoice_date")).values("currency_id", "month", *grouping(field))
        .annotate(sales=Sum("gross_amount", output_field=MONEY))
    )


def grouping(field: str | None) -> list[str]:
    return [] if field is None else [field]


def walk_start(end: dt.date) -> dt.date:
    """The first day of the earliest month the count-back walk may reach from `end`."""
    first = end.replace(day=1)
    for _month in range(COUNT_BACK_MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first


def segment_of(row: Row, field: str | None) -> str:
    value = None if field is None else row[field]
    return "" if value is None else str(value)


def to_functional(rows: Iterable[Row], measures: tuple[str, ...], key: Callable[[Row], Hashable],
                  convert: Callable[[Decimal, str], Decimal]) -> dict[Any, Totals]:
    """Per key, each measure summed over the currencies once converted, to the cent."""
    sums: dict[Any, Totals] = defaultdict(lambda: dict.fromkeys(measures, Decimal(0)))
    for row in rows:
        for measure in measures:
            sums[key(row)][measure] += convert(row[measure] or Decimal(0), row["currency_id"])
    return {k: {m: money(v) for m, v in totals.items()} for k, totals in sums.items()}


def converter(on: dt.date) -> Callable[[Decimal, str], Decimal]:
    """Functional-currency amount at `on`'s rate; each rate is read once, and none is needed for a zero amount."""
    rates: dict[str, Decimal] = {}

    def convert(amount: Decimal, currency: str) -> Decimal:
        if not amount:
            return Decimal(0)
        if currency not in rates:
            rates[currency] = rate_on(currency, on)
        return amount * rates[currency]

    return convert


def combine(start: dt.date, end: dt.date, closing: list[Row], opening: list[Row], sales: list[Row],
            field: str | None) -> dict[str, PeriodKpis]:
    """The aggregate rows of one period, converted at the period end's rates, turned into KPIs per segment."""
    convert = converter(end)
    first = walk_start(end)
    close = to_functional(closing, ("ar", "current_ar", "credit_sales"), lambda r: segment_of(r, field), convert)
    open_ = to_functional(opening, ("ar",), lambda r: segment_of(r, field), convert)
    months = to_functional((r for r in sales if first <= r["month"] <= end), ("sales",),
                           lambda r: (segment_of(r, field), r["month"]), convert)
    segments = sorted(close) if field else [""]
    empty = dict.fromkeys(("ar", "current_ar", "credit_sales"), Decimal("0.00"))
    result = {}
    for segment in segments:
        totals = close.get(segment, empty)
        monthly = {month: t["sales"] for (s, month), t in months.items() if s == segment}
        opening_ar = open_.get(segment, {}).get("ar", Decimal("0.00"))
        result[segment] = kpis(start, end, totals, opening_ar, monthly)
    return result


def kpis(start: dt.date, end: dt.date, closing: Totals, opening_ar: Decimal,
         monthly_sales: dict[dt.date, Decimal]) -> PeriodKpis:
    """The formulas of the module docstring on the cent-rounded totals; ADD = the rounded DSO − BPDSO, so they foot."""
    days = (end - start).days + 1
    ar, current_ar, sales = closing["ar"], closing["current_ar"], closing["credit_sales"]
    dso = days_of(ar, sales, days)
    best = days_of(current_ar, sales, days)
    walked, capped = count_back(ar, monthly_sales, end)
    return PeriodKpis(
        period_start=start, period_end=end, currency=functional_currency(),
        ar=ar, current_ar=current_ar, opening_ar=opening_ar, credit_sales=sales,
        dso=dso, dso_count_back=walked, dso_count_back_capped=capped, best_possible_dso=best,
        average_days_delinquent=None if dso is None or best is None else dso - best,
        cei=cei(opening_ar, sales, ar, current_ar),
    )


def days_of(amount: Decimal, sales: Decimal, days: int) -> Decimal | None:
    """amount / credit sales × days, to a tenth of a day; None without sales."""
    return tenth(amount / sales * days) if sales else None


def count_back(ar: Decimal, monthly_sales: dict[dt.date, Decimal], end: dt.date) -> tuple[Decimal, bool]:
    """Count-back DSO and whether AR was left after walking back COUNT_BACK_MONTHS months (the days are capped then).

    The first month of the walk ends at `end`: a whole month when `end` is a month end, the month to date otherwise.
    """
    remaining, days, month_end = ar, Decimal(0), end
    if remaining <= 0:
        return tenth(days), False
    for _month in range(COUNT_BACK_MONTHS):
        first = month_end.replace(day=1)
        length = (month_end - first).days + 1
        sales = monthly_sales.get(first, Decimal(0))
        if sales >= remaining:
            return tenth(days + length * remaining / sales), False
        remaining -= sales
        days += length
        month_end = first - dt.timedelta(days=1)
    return tenth(days), True


def cei(opening_ar: Decimal, sales: Decimal, ar: Decimal, current_ar: Decimal) -> Decimal | None:
    """Collection effectiveness index in percent, to a tenth; None when nothing was collectible."""
    collectible = opening_ar + sales - current_ar
    return tenth((opening_ar + sales - ar) / collectible * 100) if collectible else None


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)
