"""Checking an allocations feed: every row names documents that exist, of one customer and currency, and the
file as a whole never allocates more than an invoice has open or a payment or credit note holds."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from creditdesk.imports.cells import RowProblem, parse_date, parse_money
from creditdesk.imports.kinds import Plan, Record
from creditdesk.receivables.feeds import DEFAULT_SOURCE, chunks
from creditdesk.receivables.models import LEDGER_DAY, CreditNote, Invoice, Payment
from creditdesk.receivables.selectors import (
    active_allocations,
    cents,
    credit_notes_with_unallocated,
    invoices_with_open_amount,
    payments_with_unallocated,
)

Key = tuple[str, str]


def by_key(queryset: Any, field: str, keys: set[Key]) -> dict[Key, Any]:
    """Documents by (source, number or external id), looked up in slices."""
    found: dict[Key, Any] = {}
    for source in {s for s, _v in keys}:
        for part in chunks(sorted(v for s, v in keys if s == source)):
            documents = queryset.filter(source=source, **{f"{field}__in": part})
            found.update({(source, getattr(d, field)): d for d in documents})
    return found


@dataclass
class AllocationLookups:
    """The documents a file names, with what each still has open, counted down row by row."""

    invoices: dict[Key, Invoice]
    payments: dict[Key, Payment]
    credit_notes: dict[Key, CreditNote]
    existing: dict[tuple[int, int | None, int | None], Decimal]
    in_file: dict[tuple[int, int | None, int | None], int] = field(default_factory=dict)

    @classmethod
    def for_records(cls, records: list[Record]) -> "AllocationLookups":
        def keys(column: str) -> set[Key]:
            return {((raw.get("source") or DEFAULT_SOURCE).strip(), raw.get(column, "").strip())
                    for _n, raw in records if raw.get(column, "").strip()}
        invoices = by_key(invoices_with_open_amount(), "number", keys("invoice"))
        existing: dict[tuple[int, int | None, int | None], Decimal] = {}
        for part in chunks([i.pk for i in invoices.values()]):
            rows = active_allocations().filter(invoice_id__in=part).values_list(
                "invoice_id", "payment_id", "credit_note_id", "amount")
            for invoice_id, payment_id, note_id, amount in rows:
                pair = (invoice_id, payment_id, note_id)
                existing[pair] = existing.get(pair, Decimal(0)) + amount
        return cls(invoices, by_key(payments_with_unallocated(), "external_id", keys("payment")),
                   by_key(credit_notes_with_unallocated(), "number", keys("credit_note")), existing)

    def classify(self, number: int, raw: dict[str, str], plan: Plan) -> None:
        """Unchanged when the ledger already holds this allocation; new when everything checks out."""
        source = (raw.get("source") or DEFAULT_SOURCE).strip()
        invoice = self.invoices.get((source, raw.get("invoice", "").strip()))
        if invoice is None:
            raise RowProblem("invoice", _("No invoice %(number)s.") % {"number": raw.get("invoice", "")})
        side = self.side(source, raw)
        amount = parse_money("amount", raw.get("amount", ""))
        if amount <= 0:
            raise RowProblem("amount", _("An allocation must be greater than zero."))
        if side.customer_id != invoice.customer_id:
            raise RowProblem("invoice", _("The payment or credit note belongs to another customer."))
        if side.currency_id != invoice.currency_id:
            raise RowProblem("currency", _("The payment or credit note is in another currency than the invoice."))
        if isinstance(side, CreditNote) and side.invoice_id not in (None, invoice.pk):
            raise RowProblem("credit_note", _("This credit note is for another invoice."))
        pair = (invoice.pk, side.pk if isinstance(side, Payment) else None,
                side.pk if isinstance(side, CreditNote) else None)
        if pair in self.in_file:
            raise RowProblem("invoice", _("Duplicate of row %(row)d.") % {"row": self.in_file[pair]})
        self.in_file[pair] = number
        if pair in self.existing:
            if self.existing[pair] != amount:
                raise RowProblem("amount", _("%(amount)s is already allocated between these two; reverse it first.")
                                 % {"amount": self.existing[pair]})
            plan.unchanged += 1
            return
        self.take(invoice, side, amount)
        dated = side.received_on if isinstance(side, Payment) else side.issued_on
        on = parse_date("allocated_on", raw.get("allocated_on", ""), LEDGER_DAY) or dated
        plan.creates.append({"invoice": invoice, "amount": amount, "allocated_on": on,
                             "payment" if isinstance(side, Payment) else "credit_note": side})

    def side(self, source: str, raw: dict[str, str]) -> Payment | CreditNote:
        payment, note = raw.get("payment", "").strip(), raw.get("credit_note", "").strip()
        if bool(payment) == bool(note):
            raise RowProblem("payment", _("Give either a payment or a credit note."))
        found: Payment | CreditNote | None = (self.payments.get((source, payment)) if payment
                                              else self.credit_notes.get((source, note)))
        if found is None and payment:
            raise RowProblem("payment", _("No payment with external id “%(value)s”.") % {"value": payment})
        if found is None:
            raise RowProblem("credit_note", _("No credit note “%(value)s”.") % {"value": note})
        return found

    @staticmethod
    def take(invoice: Any, side: Any, amount: Decimal) -> None:
        """Count the row down from both sides, so two rows together cannot over-allocate either."""
        if amount > invoice.open_amount:
            raise RowProblem("amount", _("Only %(open)s is still open on invoice %(number)s.")
                             % {"open": cents(invoice.open_amount), "number": invoice.number})
        if amount > side.unallocated:
            raise RowProblem("amount", _("Only %(left)s is left to allocate.") % {"left": cents(side.unallocated)})
        invoice.open_amount -= amount
        side.unallocated -= amount
