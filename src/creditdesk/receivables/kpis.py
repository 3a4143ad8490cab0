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

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from creditdesk.currencies.selectors import functional_currency, rate_on
from creditdesk.receivables.models import Invoice, InvoiceStatus
from creditdesk.receivables.sums import Measure, current_on, issued_between, issued_by, open_sums

SEGMENTS = ("country", "industry", "owner", "collector")
COUNT_BACK_MONTHS = 24
PERIOD_SALES = "credit_sales"  # the measure holding a period's credit sales
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
    """KPIs of `invoices` (scoped by the caller) for the period: 2 aggregate queries and one per foreign currency."""
    return segment_kpis(invoices, start, end, None)[""]


def kpis_by_segment(invoices: QuerySet[Invoice], start: dt.date, end: dt.date, segment: str) -> dict[str, PeriodKpis]:
    """The period's KPIs per value of a customer field ("" for none), from the same two grouped queries."""
    if segment not in SEGMENTS:
        raise ValueError(_("Unknown segment %(segment)s: choose one of %(choices)s.")
                         % {"segment": segment, "choices": ", ".join(SEGMENTS)})
    return segment_kpis(invoices, start, end, f"customer__{segment}")


def monthly_kpis(invoices: QuerySet[Invoice], last_month_end: dt.date, months: int = 24) -> list[PeriodKpis]:
    """One period per calendar month up to `last_month_end`, oldest first: two grouped queries plus the rates."""
    if months < 1:
        raise ValueError(_("Ask for at least one month."))
    periods = list(reversed(month_spans(last_month_end, months)))
    opening_day = periods[0][0] - dt.timedelta(days=1)
    measures = {**balances(opening_day), **sales_by_month(month_spans(last_month_end, months + COUNT_BACK_MONTHS - 1))}
    for _first, end in periods:
        measures.update(balances(end))
    rows = open_sums(counted(invoices).filter(invoice_date__lte=last_month_end), ["currency_id"], measures)
    result, opening = [], opening_day
    for first, end in periods:
        result.append(period_from(rows, first, end, opening, None, sales_of(first))[""])
        opening = end
    return result


def segment_kpis(invoices: QuerySet[Invoice], start: dt.date, end: dt.date, field: str | None) -> dict[str, PeriodKpis]:
    """Closing and opening balances, the period's sales and the months of the count-back walk: two queries."""
    rows = open_sums(counted(invoices).filter(invoice_date__lte=end), ["currency_id", *grouping(field)],
                     period_measures(start, end))
    return period_from(rows, start, end, start - dt.timedelta(days=1), field)


def period_measures(start: dt.date, end: dt.date) -> dict[str, Measure]:
    """What one period's KPIs are computed from, as sums (see `sums`)."""
    return {**balances(end), **balances(start - dt.timedelta(days=1)),
            **sales_by_month(month_spans(end, COUNT_BACK_MONTHS)), PERIOD_SALES: Measure(issued_between(start, end))}


def counted(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Cancelled invoices were never owed: they count neither as sales nor as AR."""
    return invoices.exclude(status=InvoiceStatus.CANCELLED)


def month_spans(end: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    """The month of `end` (to `end`) and the `count` − 1 whole months before it, newest first."""
    spans = [(end.replace(day=1), end)]
    while len(spans) < count:
        last = spans[-1][0] - dt.timedelta(days=1)
        spans.append((last.replace(day=1), last))
    return spans


def balances(day: dt.date) -> dict[str, Measure]:
    """AR and current (not yet due) AR standing on `day`."""
    return {f"ar_{day:%Y%m%d}": Measure(issued_by(day), day),
            f"current_{day:%Y%m%d}": Measure(current_on(day), day)}


def sales_by_month(spans: list[tuple[dt.date, dt.date]]) -> dict[str, Measure]:
    return {sales_of(first): Measure(issued_between(first, last)) for first, last in spans}


def sales_of(month: dt.date) -> str:
    """The measure holding the credit sales of the month starting on `month`."""
    return f"sales_{month:%Y%m%d}"


def period_from(rows: list[Row], start: dt.date, end: dt.date, opening: dt.date, field: str | None,
                sales: str = PERIOD_SALES) -> dict[str, PeriodKpis]:
    """One period's KPIs per segment from the summed rows (its sales in measure `sales`), at the period end's rates."""
    walk = [first for first, _last in month_spans(end, COUNT_BACK_MONTHS)]
    names = tuple(dict.fromkeys((f"ar_{end:%Y%m%d}", f"current_{end:%Y%m%d}", f"ar_{opening:%Y%m%d}", sales,
                                 *map(sales_of, walk))))
    totals = to_functional(rows, names, lambda r: segment_of(r, field), converter(end))
    empty = dict.fromkeys(names, Decimal("0.00"))
    result = {}
    for segment in sorted(totals) if field else [""]:
        t = totals.get(segment, empty)
        closing = {"ar": t[names[0]], "current_ar": t[names[1]], "credit_sales": t[sales]}
        result[segment] = kpis(start, end, closing, t[names[2]], {first: t[sales_of(first)] for first in walk})
    return result


def grouping(field: str | None) -> list[str]:
    return [] if field is None else [field]


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
