"""The receivables ledger and its figures over the API: the same selectors, figures and services the pages use.

Every read is scoped to the customers the caller may see (others are 404, as if they did not exist) and
needs the ledger permission of what it lists: invoices, customer figures and the portfolio need
`view_invoice`, payments `view_payment`, credit notes `view_creditnote`, orders `view_salesorder`. Writes
go through the audited services, which refuse a caller without the permission (403). Money is a string
to the cent with its currency beside it; dates are ISO 8601. Documents are fed through `/api/imports`.
"""

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from creditdesk.core.api import Body, Day, Id, Money, MoneyIn, Page, PageParams, column_text, paginate, text
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest, Viewer
from creditdesk.currencies.selectors import functional_currency
from creditdesk.customers.selectors import get_customer, group_ids, visible_customers
from creditdesk.receivables.aging import buckets
from creditdesk.receivables.figures import Figures, behaviour_windows, customer_figures, open_items, payment_history
from creditdesk.receivables.kpis import PeriodKpis, kpis_by_segment, monthly_kpis
from creditdesk.receivables.matching import auto_allocate
from creditdesk.receivables.models import (
    Allocation,
    CreditNote,
    Invoice,
    InvoiceStatus,
    LedgerItem,
    OrderStatus,
    Payment,
    SalesOrder,
)
from creditdesk.receivables.portfolio import (
    PortfolioFilter,
    aging_by_customer,
    customers_with_open_items,
    portfolio_aging,
    portfolio_invoices,
)
from creditdesk.receivables.selectors import (
    credit_notes_with_unallocated,
    invoices_with_open_amount,
    payments_with_unallocated,
)
from creditdesk.receivables.services import allocate, reverse_allocation

router = Router(tags=["receivables"])
M = TypeVar("M", bound=Model)


# --- schemas ----------------------------------------------------------------------------------------------------


class LedgerOut(Schema):
    """What every ledger document shows: its customer, where it came from and the currency of its amounts."""

    id: int
    customer_id: int
    currency: str
    source: str
    external_id: str

    @staticmethod
    def resolve_currency(item: LedgerItem) -> str:
        return item.currency_id


class InvoiceOut(LedgerOut):
    number: str
    invoice_date: dt.date
    due_date: dt.date
    net_amount: Money
    tax_amount: Money
    gross_amount: Money
    open_amount: Money
    order_reference: str
    payment_terms_days: int | None
    status: str
    disputed: bool


class AllocationOut(Schema):
    """Part of a payment or credit note set against an invoice, in the invoice's currency."""

    id: int
    invoice_id: int
    payment_id: int | None
    credit_note_id: int | None
    amount: Money
    currency: str
    allocated_on: dt.date
    created_by: str | None
    created_at: dt.datetime
    reversed_at: dt.datetime | None
    reversal_reason: str

    @staticmethod
    def resolve_currency(allocation: Allocation) -> str:
        return allocation.invoice.currency_id

    @staticmethod
    def resolve_created_by(allocation: Allocation) -> str | None:
        return allocation.created_by.get_username() if allocation.created_by else None


class InvoiceDetailOut(InvoiceOut):
    """The invoice with its allocations, reversed ones included; null for callers who may not read allocations."""

    allocations: list[AllocationOut] | None

    @staticmethod
    def resolve_allocations(invoice: Invoice, context: dict[str, Any]) -> list[Allocation] | None:
        if not context["request"].user.has_perm("receivables.view_allocation"):
            return None
        return list(invoice.allocations.select_related("invoice", "created_by"))


class PaymentOut(LedgerOut):
    received_on: dt.date
    amount: Money
    unallocated: Money
    method: str
    bank_reference: str
    remittance_text: str


class CreditNoteOut(LedgerOut):
    number: str
    issued_on: dt.date
    amount: Money
    unallocated: Money
    invoice_id: int | None


class OrderOut(LedgerOut):
    number: str
    ordered_on: dt.date
    amount: Money
    expected_invoice_date: dt.date | None
    status: str


class AllocationIn(Body):
    invoice_id: Id
    payment_id: Id | None = None
    credit_note_id: Id | None = None
    amount: MoneyIn = Field(description="more than zero")
    allocated_on: Day | None = None


class ReversalIn(Body):
    reason: str = column_text(Allocation, "reversal_reason", min_length=1)


class AutoAllocationOut(Schema):
    """The payment with what is still unallocated, and the allocations just made."""

    payment: PaymentOut
    allocations: list[AllocationOut]


class BucketAmountOut(Schema):
    key: str
    label: str
    amount: Money


class FiguresOut(Schema):
    """The brief's Exposure and its parts in one currency, with the overdue amount and the aging."""

    currency: str
    open_invoices: Money
    unallocated_credit_notes: Money
    unallocated_cash: Money
    open_receivables: Money
    open_orders: Money
    exposure: Money
    overdue: Money
    aging: list[BucketAmountOut]
    open_items: int
    oldest_overdue_days: int | None

    @staticmethod
    def resolve_aging(figures: Figures) -> list[dict[str, Any]]:
        return bucket_amounts(figures.aging)


class BehaviourOut(Schema):
    """Payment behaviour over the last `months` months; the averages are days, to a tenth, null without payments."""

    months: int
    paid: Money
    average_days_to_pay: Decimal | None
    average_days_beyond_terms: Decimal | None


class CustomerFiguresOut(Schema):
    """`total` is in the functional currency (each currency at the as-of rate); `by_currency` as summed."""

    as_of: dt.date
    customer_ids: list[int]
    total: FiguresOut
    by_currency: list[FiguresOut]
    behaviour: list[BehaviourOut]


class OpenItemOut(Schema):
    id: int
    number: str
    invoice_date: dt.date
    due_date: dt.date
    currency: str
    gross_amount: Money
    open_amount: Money
    days_past_due: int
    status: str
    disputed: bool

    @staticmethod
    def resolve_currency(invoice: Invoice) -> str:
        return invoice.currency_id

    @staticmethod
    def resolve_open_amount(invoice: Any) -> Decimal:
        return invoice.open_then


class MonthOut(Schema):
    month: dt.date
    invoiced: Money
    paid: Money
    paid_on_time: Money
    paid_late: Money
    average_days_late: Decimal | None


class PaymentHistoryOut(Schema):
    customer_id: int
    as_of: dt.date
    currency: str
    months: list[MonthOut]


class PortfolioAgingOut(Schema):
    as_of: dt.date
    currency: str
    buckets: list[BucketAmountOut]
    total: Money
    customers: int


class AgingCustomerOut(Schema):
    customer_id: int
    code: str
    name: str
    local_name: str
    currency: str
    buckets: list[BucketAmountOut]
    total: Money


class KpisOut(Schema):
    """A period's KPIs; DSO and its kin are days to a tenth, CEI a percentage, null without a denominator."""

    period_start: dt.date
    period_end: dt.date
    currency: str
    ar: Money
    current_ar: Money
    opening_ar: Money
    credit_sales: Money
    dso: Decimal | None
    dso_count_back: Decimal
    dso_count_back_capped: bool
    best_possible_dso: Decimal | None
    average_days_delinquent: Decimal | None
    cei: Decimal | None


class SegmentKpisOut(KpisOut):
    """`segment` is the customers' country, industry, owner id or collector id; "" for none."""

    segment: str


# --- query parameters -------------------------------------------------------------------------------------------


class InvoiceQuery(Schema):
    customer_id: Id | None = None
    status: InvoiceStatus | None = None
    overdue: bool | None = None
    currency: str = text(3, default="")
    q: str = text(100, default="")
    date_from: Day | None = None
    date_to: Day | None = None


class PaymentQuery(Schema):
    customer_id: Id | None = None
    currency: str = text(3, default="")
    unallocated_only: bool = False


class OrderQuery(Schema):
    customer_id: Id | None = None
    status: OrderStatus | None = None


class OpenItemQuery(Schema):
    as_of: Day | None = None
    status: InvoiceStatus | None = None
    overdue_only: bool = False
    currency: str = text(3, default="")


class HistoryQuery(Schema):
    as_of: Day | None = None
    months: int = Field(12, ge=1, le=120)


class SegmentQuery(Schema):
    country: str = text(2, default="")
    industry: str = text(2, default="")
    owner_id: Id | None = None
    collector_id: Id | None = None
    customer_id: Id | None = None


class AgingQuery(SegmentQuery):
    as_of: Day | None = None


class AgingCustomersQuery(AgingQuery):
    bucket: str = text(20, default="")


class KpisQuery(SegmentQuery):
    months: int = Field(24, ge=1, le=120)
    last_month_end: Day | None = None


class SegmentKpisQuery(SegmentQuery):
    segment: Literal["country", "industry", "owner", "collector"] = "country"
    start: Day | None = None
    end: Day | None = None


# --- helpers ----------------------------------------------------------------------------------------------------


def scoped(user: Viewer, items: QuerySet[M], customer_id: int | None = None) -> QuerySet[M]:
    """Only the items of customers the user may see; of one customer when asked (404 when not visible)."""
    if customer_id is not None:
        return items.filter(customer=get_customer(user, customer_id))
    return items.filter(customer__in=visible_customers(user))


def bucket_amounts(amounts: dict[str, Decimal]) -> list[dict[str, Any]]:
    """The aging buckets in order, each with its label and amount."""
    return [{"key": b.key, "label": b.label, "amount": amounts[b.key]} for b in buckets()]


def today_or(day: dt.date | None) -> dt.date:
    """The day asked for, today when none."""
    return day or timezone.localdate()


def last_month_end() -> dt.date:
    """The last day of last calendar month, the default end of a KPI period."""
    return timezone.localdate().replace(day=1) - dt.timedelta(days=1)


def segment_filter(query: SegmentQuery) -> PortfolioFilter:
    """The query's segment of the book, as the portfolio selectors take it."""
    return PortfolioFilter(country=query.country.upper(), industry=query.industry, owner_id=query.owner_id,
                           collector_id=query.collector_id, customer_id=query.customer_id)


# --- the ledger -------------------------------------------------------------------------------------------------


@router.get("/invoices", response=Page[InvoiceOut])
def list_invoices(request: AuthedRequest, filters: Query[InvoiceQuery], page: Query[PageParams]) -> dict[str, Any]:
    """Invoices with their open amount, soonest due first; `overdue` is as of today."""
    require(request.user, "receivables.view_invoice")
    invoices = scoped(request.user, invoices_with_open_amount(), filters.customer_id)
    if filters.status:
        invoices = invoices.filter(status=filters.status)
    if filters.overdue is not None:
        late = Q(due_date__lt=timezone.localdate(), open_amount__gt=0) & ~Q(status=InvoiceStatus.CANCELLED)
        invoices = invoices.filter(late if filters.overdue else ~late)
    if filters.currency:
        invoices = invoices.filter(currency_id=filters.currency.upper())
    if filters.q.strip():
        invoices = invoices.filter(number__icontains=filters.q.strip())
    if filters.date_from:
        invoices = invoices.filter(invoice_date__gte=filters.date_from)
    if filters.date_to:
        invoices = invoices.filter(invoice_date__lte=filters.date_to)
    return paginate(invoices.order_by("due_date", "number", "pk"), page)


@router.get("/invoices/{invoice_id}", response=InvoiceDetailOut)
def get_invoice(request: AuthedRequest, invoice_id: Id) -> Invoice:
    """One invoice with its open amount and its allocations."""
    require(request.user, "receivables.view_invoice")
    return get_object_or_404(scoped(request.user, invoices_with_open_amount()), pk=invoice_id)


@router.get("/payments", response=Page[PaymentOut])
def list_payments(request: AuthedRequest, filters: Query[PaymentQuery], page: Query[PageParams]) -> dict[str, Any]:
    """Payments received, with what is still unallocated, oldest first."""
    require(request.user, "receivables.view_payment")
    payments = scoped(request.user, payments_with_unallocated(), filters.customer_id)
    if filters.currency:
        payments = payments.filter(currency_id=filters.currency.upper())
    if filters.unallocated_only:
        payments = payments.filter(Q(unallocated__gt=0))
    return paginate(payments.order_by("received_on", "pk"), page)


@router.get("/credit-notes", response=Page[CreditNoteOut])
def list_credit_notes(request: AuthedRequest, filters: Query[PaymentQuery],
                      page: Query[PageParams]) -> dict[str, Any]:
    """Credit notes with what is still unallocated, oldest first."""
    require(request.user, "receivables.view_creditnote")
    notes = scoped(request.user, credit_notes_with_unallocated(), filters.customer_id)
    if filters.currency:
        notes = notes.filter(currency_id=filters.currency.upper())
    if filters.unallocated_only:
        notes = notes.filter(Q(unallocated__gt=0))
    return paginate(notes.order_by("issued_on", "number", "pk"), page)


@router.get("/orders", response=Page[OrderOut])
def list_orders(request: AuthedRequest, filters: Query[OrderQuery], page: Query[PageParams]) -> dict[str, Any]:
    """Sales orders, oldest first."""
    require(request.user, "receivables.view_salesorder")
    orders = scoped(request.user, SalesOrder.objects.all(), filters.customer_id)
    if filters.status:
        orders = orders.filter(status=filters.status)
    return paginate(orders.order_by("ordered_on", "number", "pk"), page)


@router.post("/allocations", response={201: AllocationOut})
def create_allocation(request: AuthedRequest, payload: AllocationIn) -> Status[Allocation]:
    """Set part of a payment or a credit note (exactly one of them) against an invoice of the same customer."""
    if (payload.payment_id is None) == (payload.credit_note_id is None):
        raise ValidationError(_("Give either a payment or a credit note."))
    invoice = get_object_or_404(scoped(request.user, Invoice.objects.all()), pk=payload.invoice_id)
    source: Payment | CreditNote = (
        get_object_or_404(scoped(request.user, Payment.objects.all()), pk=payload.payment_id)
        if payload.payment_id is not None
        else get_object_or_404(scoped(request.user, CreditNote.objects.all()), pk=payload.credit_note_id)
    )
    return Status(201, allocate(request.user, invoice, source, payload.amount, payload.allocated_on))


@router.post("/allocations/{allocation_id}/reverse", response=AllocationOut)
def reverse(request: AuthedRequest, allocation_id: Id, payload: ReversalIn) -> Allocation:
    """Undo an allocation, saying why; the open amounts come back and the allocation stays, marked reversed."""
    visible = Allocation.objects.filter(invoice__customer__in=visible_customers(request.user))
    allocation = get_object_or_404(visible, pk=allocation_id)
    return reverse_allocation(request.user, allocation, payload.reason)


@router.post("/payments/{payment_id}/auto-allocate", response=AutoAllocationOut)
def auto_allocate_payment(request: AuthedRequest, payment_id: Id) -> dict[str, Any]:
    """Match the payment's unallocated cash to the customer's open invoices, as the payment feed does."""
    payment = get_object_or_404(scoped(request.user, Payment.objects.all()), pk=payment_id)
    allocations = auto_allocate(request.user, [payment.pk])
    return {"payment": payments_with_unallocated().get(pk=payment.pk), "allocations": allocations}


# --- a customer's figures ---------------------------------------------------------------------------------------


@router.get("/customers/{customer_id}/figures", response=CustomerFiguresOut)
def figures(request: AuthedRequest, customer_id: Id, as_of: Day | None = None,
            group: bool = False) -> dict[str, Any]:
    """Exposure, overdue, aging and payment behaviour (3, 6, 12 months) of a customer, or of its whole group."""
    require(request.user, "receivables.view_invoice")
    customer = get_customer(request.user, customer_id)
    ids = group_ids(request.user, customer) if group else [customer.pk]
    day = today_or(as_of)
    result = customer_figures(ids, day)
    return {"as_of": day, "customer_ids": ids, "total": result, "by_currency": list(result.by_currency.values()),
            "behaviour": list(behaviour_windows(ids, day).values())}


@router.get("/customers/{customer_id}/open-items", response=Page[OpenItemOut])
def customer_open_items(request: AuthedRequest, customer_id: Id, filters: Query[OpenItemQuery],
                        page: Query[PageParams]) -> dict[str, Any]:
    """The invoices open on the day, oldest due first, with the days past due."""
    require(request.user, "receivables.view_invoice")
    customer = get_customer(request.user, customer_id)
    items = open_items([customer.pk], today_or(filters.as_of), filters.status or "", filters.overdue_only,
                       filters.currency.upper())
    return paginate(items, page)


@router.get("/customers/{customer_id}/payment-history", response=PaymentHistoryOut)
def customer_payment_history(request: AuthedRequest, customer_id: Id,
                             filters: Query[HistoryQuery]) -> dict[str, Any]:
    """Invoiced and paid month by month, oldest first, in the functional currency at the as-of rate."""
    require(request.user, "receivables.view_invoice")
    customer = get_customer(request.user, customer_id)
    day = today_or(filters.as_of)
    return {"customer_id": customer.pk, "as_of": day, "currency": functional_currency(),
            "months": payment_history([customer.pk], day, filters.months)}


# --- the portfolio ----------------------------------------------------------------------------------------------


@router.get("/portfolio/aging", response=PortfolioAgingOut)
def aging(request: AuthedRequest, filters: Query[AgingQuery]) -> dict[str, Any]:
    """The visible book's (or a segment's) aging in the functional currency."""
    require(request.user, "receivables.view_invoice")
    invoices, as_of = portfolio_invoices(request.user, segment_filter(filters)), today_or(filters.as_of)
    result = portfolio_aging(invoices, as_of)
    return {"as_of": result.as_of, "currency": result.currency, "buckets": bucket_amounts(result.amounts),
            "total": result.total, "customers": customers_with_open_items(invoices, as_of)}


@router.get("/portfolio/aging/customers", response=Page[AgingCustomerOut])
def aging_customers(request: AuthedRequest, filters: Query[AgingCustomersQuery],
                    page: Query[PageParams]) -> dict[str, Any]:
    """One row per customer with money in `bucket` (any bucket when empty), biggest total first."""
    require(request.user, "receivables.view_invoice")
    if filters.bucket and filters.bucket not in {b.key for b in buckets()}:
        raise ValidationError({"bucket": _("No aging bucket “%(bucket)s”: choose one of %(choices)s.")
                               % {"bucket": filters.bucket, "choices": ", ".join(b.key for b in buckets())}})
    invoices = portfolio_invoices(request.user, segment_filter(filters))
    result = paginate(aging_by_customer(invoices, today_or(filters.as_of), filters.bucket), page)
    currency = functional_currency()
    result["items"] = [
        {"customer_id": row["customer_id"], "code": row["customer__code"], "name": row["customer__name"],
         "local_name": row["customer__local_name"], "currency": currency, "buckets": bucket_amounts(row),
         "total": row["total"]}
        for row in result["items"]
    ]
    return result


@router.get("/portfolio/kpis", response=list[KpisOut])
def kpis(request: AuthedRequest, filters: Query[KpisQuery]) -> list[PeriodKpis]:
    """DSO, count-back DSO, best possible DSO, average days delinquent and CEI month by month, oldest first."""
    require(request.user, "receivables.view_invoice")
    invoices = portfolio_invoices(request.user, segment_filter(filters))
    return monthly_kpis(invoices, filters.last_month_end or last_month_end(), filters.months)


@router.get("/portfolio/kpis/by-segment", response=list[SegmentKpisOut])
def kpis_per_segment(request: AuthedRequest, filters: Query[SegmentKpisQuery]) -> list[dict[str, Any]]:
    """One period's KPIs per segment value; the period is last calendar month unless given."""
    require(request.user, "receivables.view_invoice")
    end = filters.end or last_month_end()
    start = filters.start or end.replace(day=1)
    if start > end:
        raise ValidationError({"start": _("The period must start before it ends.")})
    invoices = portfolio_invoices(request.user, segment_filter(filters))
    return [{**dataclasses.asdict(result), "segment": segment}
            for segment, result in kpis_by_segment(invoices, start, end, filters.segment).items()]
