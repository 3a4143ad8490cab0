"""Open amounts, worked out in the database: what is still owed on an item, what is still to allocate."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Round

from creditdesk.receivables.models import Allocation, CreditNote, Invoice, Payment

MONEY = DecimalField(max_digits=18, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)


def difference(left: str, right: str) -> Round:
    """Rounded to the cent in SQL: SQLite computes decimals as floats and would hand back 977.809999999999."""
    return Round(ExpressionWrapper(F(left) - F(right), output_field=MONEY), 2, output_field=MONEY)


def cents(value: Decimal | None) -> Decimal:
    """Money to the cent, whichever way the database handed it back (SQLite may give 1130 for 1130.00)."""
    return (value or Decimal(0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def active_allocations() -> QuerySet[Allocation]:
    return Allocation.objects.filter(reversed_at__isnull=True)


def standing_on(day: dt.date, via: str = "") -> Q:
    """The allocations that stood on `day`: made by then and not reversed by then (`via`: reached from a relation)."""
    return Q(**{f"{via}allocated_on__lte": day}) & (
        Q(**{f"{via}reversed_at__isnull": True}) | Q(**{f"{via}reversed_at__date__gt": day}))


def allocations_as_of(as_of: dt.date) -> QuerySet[Allocation]:
    return Allocation.objects.filter(standing_on(as_of))


def allocated_sum(field: str, allocations: QuerySet[Allocation] | None = None) -> Coalesce:
    """Σ of the outer row's allocations (active ones unless given), as a correlated subquery, 0 when none."""
    total = (
        (active_allocations() if allocations is None else allocations).filter(**{field: OuterRef("pk")}).order_by()
        .values(field).annotate(total=Sum("amount")).values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY), ZERO)


def invoices_with_open_amount() -> QuerySet[Invoice]:
    """Open amount of an invoice = gross amount − its active allocations."""
    return Invoice.objects.annotate(allocated=allocated_sum("invoice")).annotate(
        open_amount=difference("gross_amount", "allocated"))


def payments_with_unallocated() -> QuerySet[Payment]:
    return Payment.objects.annotate(allocated=allocated_sum("payment")).annotate(
        unallocated=difference("amount", "allocated"))


def credit_notes_with_unallocated() -> QuerySet[CreditNote]:
    return CreditNote.objects.annotate(allocated=allocated_sum("credit_note")).annotate(
        unallocated=difference("amount", "allocated"))


def allocated_to(**side: object) -> Decimal:
    total = active_allocations().filter(**side).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else Decimal("0.00")


def invoice_open_amount(invoice: Invoice) -> Decimal:
    return invoice.gross_amount - allocated_to(invoice=invoice)


def unallocated_amount(source: Payment | CreditNote) -> Decimal:
    side = {"payment": source} if isinstance(source, Payment) else {"credit_note": source}
    return source.amount - allocated_to(**side)
