"""Writes to the receivables ledger: documents recorded, allocations made and reversed, all audited.

An allocation never makes an invoice's open amount negative nor allocates more of a payment or credit
note than it holds; both sides are locked while it is checked, so two allocations at once cannot break
that either. A reversal restores the open amounts and keeps the allocation, marked reversed.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.audit.services import diff, record_audit, snapshot
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor
from creditdesk.receivables.models import Allocation, CreditNote, Invoice, InvoiceStatus, Payment, SalesOrder
from creditdesk.receivables.selectors import invoice_open_amount, invoices_with_open_amount, unallocated_amount

INVOICE_FIELDS = ["customer", "number", "source", "external_id", "invoice_date", "due_date", "currency",
                  "net_amount", "tax_amount", "gross_amount", "order_reference", "payment_terms_days", "disputed"]
PAYMENT_FIELDS = ["customer", "received_on", "amount", "currency", "method", "bank_reference", "remittance_text",
                  "source", "external_id"]
CREDIT_NOTE_FIELDS = ["customer", "number", "issued_on", "amount", "currency", "invoice", "source", "external_id"]
ORDER_FIELDS = ["customer", "number", "ordered_on", "amount", "currency", "expected_invoice_date", "status",
                "source", "external_id"]


Document = TypeVar("Document", Invoice, Payment, CreditNote, SalesOrder)


def record_document(actor: Actor, document: Document, fields: list[str], action: str) -> Document:
    """Validate and keep a new ledger document with an audit entry."""
    require(actor, f"receivables.add_{document._meta.model_name}")
    document.full_clean()
    document.save()
    record_audit(actor, action, document, diff({}, snapshot(document, fields)))
    return document


@transaction.atomic
def record_invoice(actor: Actor, data: dict[str, Any]) -> Invoice:
    invoice = Invoice(**data)
    if invoice.gross_amount is None and invoice.net_amount is not None:
        invoice.gross_amount = invoice.net_amount + (invoice.tax_amount or Decimal(0))
    if invoice.gross_amount != invoice.net_amount + invoice.tax_amount:
        raise ValidationError({"gross_amount": _("The gross amount must be net plus tax.")})
    if invoice.due_date < invoice.invoice_date:
        raise ValidationError({"due_date": _("An invoice cannot fall due before its date.")})
    return record_document(actor, invoice, INVOICE_FIELDS, "invoice.create")


@transaction.atomic
def record_payment(actor: Actor, data: dict[str, Any]) -> Payment:
    return record_document(actor, Payment(**data), PAYMENT_FIELDS, "payment.create")


@transaction.atomic
def record_order(actor: Actor, data: dict[str, Any]) -> SalesOrder:
    return record_document(actor, SalesOrder(**data), ORDER_FIELDS, "sales_order.create")


@transaction.atomic
def record_credit_note(actor: Actor, data: dict[str, Any]) -> CreditNote:
    note = CreditNote(**data)
    if note.invoice is not None and note.invoice.customer_id != note.customer_id:
        raise ValidationError({"invoice": _("The invoice belongs to another customer.")})
    return record_document(actor, note, CREDIT_NOTE_FIELDS, "credit_note.create")


def check_allocation(invoice: Invoice, source: Payment | CreditNote, amount: Decimal) -> None:
    """Same customer, same currency, and no more than either side still has open."""
    if amount <= 0:
        raise ValidationError({"amount": _("An allocation must be greater than zero.")})
    if source.customer_id != invoice.customer_id:
        raise ValidationError(_("The payment or credit note belongs to another customer."))
    if source.currency_id != invoice.currency_id:
        raise ValidationError(_("The payment or credit note is in another currency than the invoice."))
    if isinstance(source, CreditNote) and source.invoice_id not in (None, invoice.pk):
        raise ValidationError(_("This credit note is for another invoice."))
    open_amount = invoice_open_amount(invoice)
    if amount > open_amount:
        raise ValidationError({"amount": _("Only %(open)s is still open on invoice %(number)s.")
                               % {"open": open_amount, "number": invoice.number}})
    left = unallocated_amount(source)
    if amount > left:
        raise ValidationError({"amount": _("Only %(left)s is left to allocate.") % {"left": left}})


@transaction.atomic
def allocate(actor: Actor, invoice: Invoice, source: Payment | CreditNote, amount: Decimal,
             on: dt.date | None = None) -> Allocation:
    """Set part of a payment or credit note against an invoice."""
    require(actor, "receivables.add_allocation")
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    source = type(source).objects.select_for_update().get(pk=source.pk)
    check_allocation(invoice, source, amount)
    side = {"payment": source} if isinstance(source, Payment) else {"credit_note": source}
    allocation = Allocation.objects.create(invoice=invoice, amount=amount, created_by=actor,
                                           allocated_on=on or timezone.localdate(), **side)
    mark_paid_or_open(invoice)
    record_audit(actor, "allocation.create", allocation, {
        "invoice": [None, invoice.number], "amount": [None, amount],
        "source": [None, f"{source._meta.model_name} {source.pk}"],
    }, customer_id=invoice.customer_id)
    return allocation


@transaction.atomic
def reverse_allocation(actor: Actor, allocation: Allocation, reason: str) -> Allocation:
    """Undo an allocation, with the reason; the open amounts come back."""
    require(actor, "receivables.change_allocation")
    allocation = Allocation.objects.select_for_update().select_related("invoice").get(pk=allocation.pk)
    if allocation.reversed_at is not None:
        raise ValidationError(_("This allocation is already reversed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the allocation is reversed.")})
    allocation.reversed_at, allocation.reversal_reason = timezone.now(), reason.strip()[:200]
    allocation.save(update_fields=["reversed_at", "reversal_reason"])
    mark_paid_or_open(allocation.invoice)
    record_audit(actor, "allocation.reverse", allocation, {"reversed_at": [None, allocation.reversed_at]},
                 reason, customer_id=allocation.invoice.customer_id)
    return allocation


def mark_paid_or_open(invoice: Invoice) -> None:
    """Keep the status in step with the allocations: paid when nothing is open, open again after a reversal."""
    refresh_statuses([invoice.pk])
    invoice.refresh_from_db(fields=["status"])


def refresh_statuses(invoice_ids: list[int]) -> None:
    """Paid when nothing is open, open otherwise; a cancelled invoice stays cancelled."""
    for start in range(0, len(invoice_ids), 900):
        invoices: Any = invoices_with_open_amount().filter(pk__in=invoice_ids[start:start + 900]).exclude(
            status=InvoiceStatus.CANCELLED)
        paid = list(invoices.filter(open_amount=0).values_list("pk", flat=True))
        Invoice.objects.filter(pk__in=paid).exclude(status=InvoiceStatus.PAID).update(status=InvoiceStatus.PAID)
        Invoice.objects.filter(pk__in=invoice_ids[start:start + 900]).exclude(pk__in=paid).filter(
            status=InvoiceStatus.PAID).update(status=InvoiceStatus.OPEN)
