"""A customer's (or a group's) receivables figures as of any date, summed in the database.

Exposure (敞口), as the brief defines it: open receivables (open invoices − unallocated credit notes −
unallocated payments) + open orders not yet invoiced; group exposure sums the group, so every function
takes a list of customer ids. Amounts are summed per currency in SQL, then converted into the functional
currency at the as-of date's rate (`rate_on`); only the handful of per-currency or per-month rows is
looped over in Python.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Greatest, Round, TruncMonth
from django.db.models.lookups import Exact
from django.db.models.sql.compiler import SQLCompiler
from django.utils.translation import gettext as _

from creditdesk.core.prepared import prepared_rows
from creditdesk.currencies.selectors import functional_currency, rate_on
from creditdesk.receivables.aging import aging, buckets, open_as_of
from creditdesk.receivables.models import (
    Allocation,
    CreditNote,
    Invoice,
    InvoiceStatus,
    OrderStatus,
    Payment,
    SalesOrder,
)
from creditdesk.receivables.selectors import MONEY, ZERO, active_allocations, allocated_sum, allocations_as_of, cents
from creditdesk.receivables.sums import Measure, billed, issued_by, net, overdue_on, settled

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
NOTHING = Decimal("0.00")
BEHAVIOUR_WINDOWS = (3, 6, 12)
WEIGHTED = DecimalField(max_digits=28, decimal_places=2)


class DaysBetween(Func):
    """Whole days from `start` to `end`: date − date is already an integer on PostgreSQL, SQLite needs julianday."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, end: str | Combinable, start: str | Combinable) -> None:
        super().__init__(end, start)

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper,
                      **extra_context: Any) -> tuple[str, Any]:
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context)

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper,
                  **extra_context: Any) -> tuple[str, Any]:
        return self.as_sql(compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)",
                           arg_joiner=") - julianday(", **extra_context)


def days_late(paid_on: str, due_on: str) -> Case:
    """Days beyond terms = max(0, paid − due); None while nothing is paid."""
    return Case(
        When(**{f"{paid_on}__isnull": True}, then=Value(None)),
        When(**{f"{paid_on}__gt": F(due_on)}, then=DaysBetween(paid_on, due_on)),
        default=Value(0), output_field=IntegerField(),
    )


def money_sum(expression: str | Combinable, only: Q | None = None) -> Round:
    """Σ to the cent, 0 when nothing matches: SQLite sums decimals as floats, so the rounding is done in SQL."""
    return Round(Coalesce(Sum(expression, filter=only), ZERO, output_field=MONEY), 2, output_field=MONEY)


def weighted_sum(days: Combinable, only: Q | None = None) -> Round:
    """Σ amount × days, the numerator of the brief's amount-weighted averages."""
    product = ExpressionWrapper(F("amount") * days, output_field=WEIGHTED)
    return Round(Coalesce(Sum(product, filter=only), ZERO, output_field=WEIGHTED), 2, output_field=WEIGHTED)


def weighted_average(weighted: Decimal, weight: Decimal) -> Decimal | None:
    """Σ amount × days / Σ amount to one decimal place; None when nothing was paid."""
    return (weighted / weight).quantize(TENTH, rounding=ROUND_HALF_UP) if weight else None


def months_back(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, on the month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def check_months(months: int) -> None:
    """A window or history of no months would divide by nothing and list nothing."""
    if months < 1:
        raise ValueError(_("The number of months must be at least 1."))


def live_invoices(customer_ids: list[int]) -> QuerySet[Invoice]:
    """Cancelled invoices were never owed: they count in no figure."""
    return Invoice.objects.filter(customer_id__in=customer_ids).exclude(status=InvoiceStatus.CANCELLED)


def payment_allocations(customer_ids: list[int]) -> QuerySet[Allocation]:
    """Active allocations of cash: credit notes settle invoices but say nothing about how a customer pays."""
    return active_allocations().filter(invoice__customer_id__in=customer_ids, payment__isnull=False).order_by()


def invoices_with_settlement(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Settlement as the IBM late-payment file records it: `settled_on` (latest payment once nothing is open),
    `days_to_settle` (settled − invoice date) and `days_late` (max(0, settled − due)), in days."""
    still_open = Round(ExpressionWrapper(F("gross_amount") - allocated_sum("invoice"), output_field=MONEY), 2,
                       output_field=MONEY)
    last_payment = (active_allocations().filter(invoice=OuterRef("pk"), payment__isnull=False)
                    .order_by("-payment__received_on").values("payment__received_on")[:1])
    return invoices.annotate(
        settled_on=Case(When(Exact(still_open, ZERO), then=Subquery(last_payment)), default=Value(None),
                        output_field=DateField()),
    ).annotate(
        days_to_settle=Case(When(settled_on__isnull=False, then=DaysBetween("settled_on", "invoice_date")),
                            default=Value(None), output_field=IntegerField()),
        days_late=days_late("settled_on", "due_date"),
    )


@dataclass(frozen=True)
class Figures:
    """One currency's parts of the brief's Exposure, with the overdue amount, aging and open items beside them."""

    currency: str
    open_invoices: Decimal
    unallocated_credit_notes: Decimal
    unallocated_cash: Decimal
    open_orders: Decimal
    shipped_orders: Decimal
    overdue: Decimal
    aging: dict[str, Decimal]
    open_items: int
    oldest_overdue_days: int | None

    @property
    def open_receivables(self) -> Decimal:
        """The brief's open receivables: invoices − credit notes − unallocated payments."""
        return self.open_invoices - self.unallocated_credit_notes - self.unallocated_cash

    @property
    def exposure(self) -> Decimal:
        """The brief's Exposure: open receivables + open orders not yet invoiced."""
        return self.open_receivables + self.open_orders

    def is_empty(self) -> bool:
        """A currency with nothing open is left out, so it needs no exchange rate."""
        amounts = (self.open_invoices, self.unallocated_credit_notes, self.unallocated_cash, self.open_orders)
        return not any(amounts) and not self.open_items


@dataclass(frozen=True)
class CustomerFigures(Figures):
    """The figures in the functional currency (`currency`), and the same per currency they were summed in."""

    as_of: date
    by_currency: dict[str, Figures]


def balances_query(customer_ids: list[int], as_of: date) -> QuerySet[Any]:
    """Per currency, unallocated cash and credit notes as they stood on `as_of`, open orders (what is not yet
    invoiced of them) and the part of that already shipped: one query, a row per kind and currency."""
    counted = allocations_as_of(as_of)
    cash = (Payment.objects.filter(customer_id__in=customer_ids, received_on__lte=as_of)
            .annotate(used=allocated_sum("payment", counted)).order_by().values("currency_id")
            .annotate(kind=Value("cash"), total=money_sum(F("amount") - F("used"))))
    notes = (CreditNote.objects.filter(customer_id__in=customer_ids, issued_on__lte=as_of)
             .annotate(used=allocated_sum("credit_note", counted)).order_by().values("currency_id")
             .annotate(kind=Value("credit_notes"), total=money_sum(F("amount") - F("used"))))
    open_orders = SalesOrder.objects.filter(customer_id__in=customer_ids, status=OrderStatus.OPEN,
                                            ordered_on__lte=as_of).order_by().values("currency_id")
    orders = open_orders.annotate(kind=Value("orders"), total=money_sum(F("amount") - F("invoiced_amount")))
    shipped = open_orders.annotate(kind=Value("shipped"), total=money_sum(
        Greatest(F("shipped_amount") - F("invoiced_amount"), ZERO, output_field=MONEY)))
    return cash.union(notes, orders, shipped, all=True)


def by_kind(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Decimal]]:
    """The balances' rows as currency → kind → amount."""
    result: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        result.setdefault(row["currency_id"], {})[row["kind"]] = cents(row["total"])
    return result


def other_balances(customer_ids: list[int], as_of: date) -> dict[str, dict[str, Decimal]]:
    """Unallocated cash and credit notes, open and shipped orders, per currency (see `balances_query`)."""
    return by_kind(balances_query(customer_ids, as_of))


def customer_figures(customer_ids: list[int], as_of: date) -> CustomerFigures:
    """The brief's Exposure and its parts for a customer or a whole group, as of a date, in four queries
    (aging's two, open-item counts, other balances) plus one rate look-up per foreign currency."""
    invoices = live_invoices(customer_ids)
    keys = [bucket.key for bucket in buckets()]
    aged = {row.currency: row.amounts for row in aging(invoices, as_of)}
    items: Any = (open_as_of(invoices, as_of).order_by().values("currency_id").annotate(
        open_items=Count("pk", filter=Q(open_then__gt=0)),
        oldest_due=Min("due_date", filter=Q(open_then__gt=0, due_date__lt=as_of))))
    counts = {row["currency_id"]: row for row in items}
    balances = other_balances(customer_ids, as_of)
    by_currency: dict[str, Figures] = {}
    for currency in sorted(aged.keys() | counts.keys() | balances.keys()):
        amounts = aged.get(currency, dict.fromkeys(keys, NOTHING))
        row, other = counts.get(currency, {}), balances.get(currency, {})
        figures = Figures(
            currency=currency, open_invoices=sum(amounts.values(), NOTHING),
            unallocated_credit_notes=other.get("credit_notes", NOTHING), unallocated_cash=other.get("cash", NOTHING),
            open_orders=other.get("orders", NOTHING), shipped_orders=other.get("shipped", NOTHING),
            overdue=sum(amounts.values(), NOTHING) - amounts[keys[0]],
            aging=amounts, open_items=row.get("open_items", 0),
            oldest_overdue_days=(as_of - row["oldest_due"]).days if row.get("oldest_due") else None,
        )
        if not figures.is_empty():
            by_currency[currency] = figures
    rates = {currency: rate_on(currency, as_of) for currency in by_currency}

    def total(part: str) -> Decimal:
        return sum((cents(getattr(f, part) * rates[f.currency]) for f in by_currency.values()), NOTHING)

    overdue_days = [f.oldest_overdue_days for f in by_currency.values() if f.oldest_overdue_days is not None]
    return CustomerFigures(
        currency=functional_currency(), open_invoices=total("open_invoices"),
        unallocated_credit_notes=total("unallocated_credit_notes"), unallocated_cash=total("unallocated_cash"),
        open_orders=total("open_orders"), shipped_orders=total("shipped_orders"), overdue=total("overdue"),
        aging={key: sum((cents(f.aging[key] * rates[f.currency]) for f in by_currency.values()), NOTHING)
               for key in keys},
        open_items=sum(f.open_items for f in by_currency.values()),
        oldest_overdue_days=max(overdue_days, default=None), as_of=as_of, by_currency=by_currency,
    )


@dataclass(frozen=True)
class CreditPosition:
    """What an order credit check weighs, in the functional currency; `exposure` counts every open order."""

    exposure: Decimal
    overdue: Decimal
    oldest_overdue_days: int | None
    unshipped_orders: Decimal = NOTHING
    shipped_orders: Decimal = NOTHING

    def exposure_counting(self, unshipped: bool, shipped: bool) -> Decimal:
        """The exposure a check point weighs: open receivables plus only the order parts it counts."""
        return (self.exposure - (NOTHING if unshipped else self.unshipped_orders)
                - (NOTHING if shipped else self.shipped_orders))


def position_measures(today: date) -> dict[str, Measure]:
    return {"open": Measure(issued_by(today), today), "overdue": Measure(overdue_on(today), today)}


def position_billed(ids: list[int], today: date) -> QuerySet[Any]:
    return billed(live_invoices(ids).filter(invoice_date__lte=today), ["currency_id"], position_measures(today))


def position_settled(ids: list[int], today: date) -> QuerySet[Any]:
    return settled(live_invoices(ids).filter(invoice_date__lte=today), ["currency_id"], position_measures(today))


def oldest_overdue(ids: list[int], today: date) -> QuerySet[Any]:
    """The oldest due date among invoices still open and past due (the status says what is open today)."""
    return (live_invoices(ids).filter(status=InvoiceStatus.OPEN, due_date__lt=today).order_by()
            .values("customer_id").annotate(day=Min("due_date")))


def credit_position(customer_ids: list[int], today: date) -> CreditPosition:
    """Exposure and overdue today in four small queries, instead of the customer file's full figures.

    It runs for every order, so its queries are compiled once per connection (`core.prepared`). The oldest
    overdue invoice is read from the invoice status (open until fully allocated), which is what it is today;
    `customer_figures` works it out for any past date.
    """
    values: dict[str, Any] = {"ids": list(customer_ids), "today": today}
    billed_rows = prepared_rows("position.billed", position_billed, values)
    settled_rows = prepared_rows("position.settled", position_settled, values) if billed_rows else []
    sums = {row["currency_id"]: row for row in net(billed_rows, settled_rows, ["currency_id"],
                                                   position_measures(today))}
    balances = by_kind(prepared_rows("position.balances", lambda ids, today: balances_query(ids, today), values))
    exposure = overdue = unshipped = shipped = NOTHING
    for currency in sums.keys() | balances.keys():
        row, other = sums.get(currency, {}), balances.get(currency, {})
        orders, delivered = other.get("orders", NOTHING), other.get("shipped", NOTHING)
        own = row.get("open", NOTHING) - other.get("credit_notes", NOTHING) - other.get("cash", NOTHING) + orders
        late = row.get("overdue", NOTHING)
        if own or late or orders:
            rate = rate_on(currency, today)
            exposure, overdue = exposure + cents(own * rate), overdue + cents(late * rate)
            unshipped += cents((orders - delivered) * rate)
            shipped += cents(delivered * rate)
    oldest = min((row["day"] for row in prepared_rows("position.oldest", oldest_overdue, values)), default=None)
    return CreditPosition(exposure, overdue, (today - oldest).days if oldest else None, unshipped, shipped)


@dataclass(frozen=True)
class Behaviour:
    """How a customer paid over the last `months` months: amount-weighted days to pay and beyond terms."""

    months: int
    paid: Decimal
    average_days_to_pay: Decimal | None
    average_days_beyond_terms: Decimal | None


def behaviours(customer_ids: list[int], as_of: date, windows: tuple[int, ...]) -> dict[int, Behaviour]:
    """Every window in one query grouped by currency; each currency's sums weigh by their functional value."""
    for months in windows:
        check_months(months)
    starts = {months: months_back(as_of, months) for months in windows}
    sums: dict[str, Round] = {}
    for months, start in starts.items():
        window = Q(payment__received_on__gt=start)
        sums[f"paid_{months}"] = money_sum("amount", window)
        sums[f"to_pay_{months}"] = weighted_sum(DaysBetween("payment__received_on", "invoice__invoice_date"), window)
        sums[f"late_{months}"] = weighted_sum(days_late("payment__received_on", "invoice__due_date"), window)
    rows: list[Any] = list(payment_allocations(customer_ids)
                           .filter(payment__received_on__gt=min(starts.values()), payment__received_on__lte=as_of)
                           .values("invoice__currency_id").annotate(**sums))
    rates = {row["invoice__currency_id"]: rate_on(row["invoice__currency_id"], as_of) for row in rows}

    def total(key: str) -> Decimal:
        return sum((row[key] * rates[row["invoice__currency_id"]] for row in rows), NOTHING)

    return {months: Behaviour(
        months=months, paid=cents(total(f"paid_{months}")),
        average_days_to_pay=weighted_average(total(f"to_pay_{months}"), total(f"paid_{months}")),
        average_days_beyond_terms=weighted_average(total(f"late_{months}"), total(f"paid_{months}")),
    ) for months in windows}


def payment_behaviour(customer_ids: list[int], as_of: date, months: int) -> Behaviour:
    """Payment behaviour over payments received in the `months` months up to `as_of` (after the same day
    `months` months earlier), for the early warning on payment-behaviour deterioration."""
    return behaviours(customer_ids, as_of, (months,))[months]


def behaviour_windows(customer_ids: list[int], as_of: date) -> dict[int, Behaviour]:
    """The last 3, 6 and 12 months side by side, so a deterioration shows at a glance; one query."""
    return behaviours(customer_ids, as_of, BEHAVIOUR_WINDOWS)


@dataclass(frozen=True)
class MonthHistory:
    """One calendar month: invoiced and paid, on time or late, in the functional currency at the as-of rate."""

    month: date
    invoiced: Decimal
    paid: Decimal
    paid_on_time: Decimal
    paid_late: Decimal
    average_days_late: Decimal | None


def payment_history(customer_ids: list[int], as_of: date, months: int = 12) -> list[MonthHistory]:
    """Month by month up to `as_of`, oldest first, empty months included: invoiced gross by invoice date, paid
    by the payment's received date, with days late amount-weighted as in the payment behaviour; two queries."""
    check_months(months)
    first = months_back(as_of.replace(day=1), months - 1)
    invoiced: Any = (live_invoices(customer_ids).filter(invoice_date__gte=first, invoice_date__lte=as_of)
                     .annotate(month=TruncMonth("invoice_date")).order_by().values("month", "currency_id")
                     .annotate(invoiced=money_sum("gross_amount")))
    on_time = Q(payment__received_on__lte=F("invoice__due_date"))
    paid: Any = (payment_allocations(customer_ids)
                 .filter(payment__received_on__gte=first, payment__received_on__lte=as_of)
                 .annotate(month=TruncMonth("payment__received_on")).values("month", "invoice__currency_id")
                 .annotate(paid=money_sum("amount"), on_time=money_sum("amount", on_time),
                           late=money_sum("amount", ~on_time),
                           weighted=weighted_sum(days_late("payment__received_on", "invoice__due_date"))))
    rows = [(row["month"], row["currency_id"], row) for row in invoiced]
    rows += [(row["month"], row["invoice__currency_id"], row) for row in paid]
    rates = {currency: rate_on(currency, as_of) for currency in {currency for _, currency, _ in rows}}
    keys = ("invoiced", "paid", "on_time", "late", "weighted")
    sums = {months_back(as_of.replace(day=1), back): dict.fromkeys(keys, NOTHING) for back in range(months)}
    for month, currency, row in rows:
        for key in keys:
            if key in row:
                sums[month][key] += row[key] * rates[currency]
    return [MonthHistory(
        month=month, invoiced=cents(s["invoiced"]), paid=cents(s["paid"]), paid_on_time=cents(s["on_time"]),
        paid_late=cents(s["late"]), average_days_late=weighted_average(s["weighted"], s["paid"]),
    ) for month, s in sorted(sums.items())]


def open_items(customer_ids: list[int], as_of: date, status: str = "", overdue_only: bool = False,
               currency: str = "") -> QuerySet[Invoice]:
    """The open-item list behind the figures: what was open on `as_of` (`open_then`) and `days_past_due`
    (0 while not yet due), oldest due first; cancelled and fully settled invoices left out."""
    items = open_as_of(live_invoices(customer_ids), as_of).filter(Q(open_then__gt=0)).annotate(
        days_past_due=Case(When(due_date__lt=as_of, then=DaysBetween(Value(as_of, output_field=DateField()),
                                                                      "due_date")),
                           default=Value(0), output_field=IntegerField()))
    if status:
        items = items.filter(status=status)
    if overdue_only:
        items = items.filter(due_date__lt=as_of)
    if currency:
        items = items.filter(currency_id=currency)
    return items.order_by("due_date", "number", "pk")
