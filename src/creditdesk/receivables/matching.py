"""Cash matching: which open invoices a received payment pays.

In this order: the invoice numbers found in the remittance text; else one open invoice of exactly the
payment's amount; else, when the customer allows it, the oldest due invoices first. Whatever is not matched
stays on the customer as unallocated cash, visible until someone allocates it.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from creditdesk.audit.services import record_audits
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor
from creditdesk.customers.models import Customer
from creditdesk.receivables.models import Allocation, Invoice, InvoiceStatus, Payment
from creditdesk.receivables.selectors import invoices_with_open_amount, payments_with_unallocated
from creditdesk.receivables.services import refresh_statuses

TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z/_.-]*[0-9A-Za-z]|[0-9A-Za-z]")


@dataclass(eq=False)
class OpenInvoice:
    """An invoice as matching sees it: its number, due date and what is still open."""

    invoice: Invoice
    open_amount: Decimal


def mentioned_numbers(text: str) -> list[str]:
    """Everything in a remittance text that could be an invoice number, in the order written."""
    return [token.casefold() for token in TOKEN.findall(text)]


def match_payment(amount: Decimal, remittance: str, invoices: list[OpenInvoice],
                  oldest_first: bool) -> list[tuple[OpenInvoice, Decimal]]:
    """What to allocate where, never more than an invoice has open nor more than the payment holds."""
    candidates = sorted((i for i in invoices if i.open_amount > 0),
                        key=lambda i: (i.invoice.due_date, i.invoice.number))
    by_number = {i.invoice.number.casefold(): i for i in candidates}
    named = list(dict.fromkeys(by_number[n] for n in mentioned_numbers(remittance) if n in by_number))
    if named:
        return spread(amount, named)
    exact = [i for i in candidates if i.open_amount == amount]
    if exact:
        return spread(amount, exact[:1])
    return spread(amount, candidates) if oldest_first else []


def spread(amount: Decimal, invoices: Iterable[OpenInvoice]) -> list[tuple[OpenInvoice, Decimal]]:
    """Pay the invoices in turn until the money runs out; each keeps what is still open."""
    plan, left = [], amount
    for item in invoices:
        if left <= 0:
            break
        part = min(left, item.open_amount)
        if part > 0:
            plan.append((item, part))
            item.open_amount -= part
            left -= part
    return plan


@transaction.atomic
def auto_allocate(actor: Actor, payment_ids: list[int], reason: str = "") -> list[Allocation]:
    """Match the given payments' unallocated cash to their customers' open invoices, audited."""
    require(actor, "receivables.add_allocation")
    locked_payments = Payment.objects.select_for_update().filter(pk__in=payment_ids).values_list("pk", flat=True)
    unallocated: Any = payments_with_unallocated().filter(pk__in=list(locked_payments))
    payments = list(unallocated.filter(unallocated__gt=0).order_by("received_on", "pk"))
    customer_ids = {p.customer_id for p in payments}
    locked = Invoice.objects.select_for_update().filter(customer_id__in=customer_ids, status=InvoiceStatus.OPEN)
    open_invoices: dict[tuple[int, str], list[OpenInvoice]] = {}
    invoices: Any = invoices_with_open_amount()
    for invoice in invoices.filter(pk__in=list(locked.values_list("pk", flat=True)), open_amount__gt=0):
        key = (invoice.customer_id, invoice.currency_id)
        open_invoices.setdefault(key, []).append(OpenInvoice(invoice, invoice.open_amount))
    oldest_first = dict(Customer.objects.filter(pk__in=customer_ids).values_list("pk", "allocate_oldest_first"))
    allocations = [
        Allocation(invoice=item.invoice, payment=payment, amount=part, allocated_on=payment.received_on,
                   created_by=actor)
        for payment in payments
        for item, part in match_payment(payment.unallocated, payment.remittance_text,
                                        open_invoices.get((payment.customer_id, payment.currency_id), []),
                                        oldest_first[payment.customer_id])
    ]
    Allocation.objects.bulk_create(allocations, batch_size=2000)
    refresh_statuses(list({a.invoice.pk for a in allocations}))
    record_audits(actor, "allocation.create", [
        (a, {"invoice": [None, a.invoice.number], "amount": [None, a.amount], "source": [None, str(a.payment)]})
        for a in allocations], reason or _("Matched automatically"))
    return allocations
