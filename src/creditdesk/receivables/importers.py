"""The ERP's feeds into the ledger: invoices, credit notes, payments, allocations and open orders.

`creditdesk import invoices FILE --mapping ibm-late-payments` reads IBM's accounts-receivable sample: each
row is an invoice with the date it was settled, which becomes the invoice, a payment and their allocation;
customers it names for the first time are created.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creditdesk.audit.services import record_audits
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor
from creditdesk.customers.models import Customer
from creditdesk.customers.services import import_customers, next_customer_codes
from creditdesk.imports.cells import RowProblem, parse_bool, parse_choice, parse_date, parse_int, parse_money
from creditdesk.imports.kinds import ImportKind, Plan, Record, RowError, register
from creditdesk.receivables.allocation_feed import AllocationLookups
from creditdesk.receivables.feeds import CustomerRef, LedgerImport, LedgerRow, chunks, existing_by_key, required_date
from creditdesk.receivables.matching import auto_allocate
from creditdesk.receivables.models import (
    LEDGER_DAY,
    Allocation,
    CreditNote,
    Invoice,
    InvoiceStatus,
    OrderStatus,
    Payment,
    SalesOrder,
)
from creditdesk.receivables.selectors import active_allocations
from creditdesk.receivables.services import refresh_statuses

LEDGER_COLUMNS = {"source": gettext_lazy("source system"), "external_id": gettext_lazy("external id"),
                  "customer": gettext_lazy("customer"), "currency": gettext_lazy("currency")}
IBM_PRESET = {"customerID": "customer", "invoiceNumber": "number", "InvoiceDate": "invoice_date",
              "DueDate": "due_date", "InvoiceAmount": "gross_amount", "Disputed": "disputed",
              "SettledDate": "settled_on"}


def positive(raw: dict[str, str], column: str) -> Decimal:
    amount = parse_money(column, raw.get(column, "").strip())
    if amount <= 0:
        raise RowProblem(column, _("An amount must be greater than zero."))
    return amount


def numbered_document(kind: LedgerImport, raw: dict[str, str]) -> tuple[tuple[str, str], dict[str, Any]]:
    """What a credit note or an order row starts with: number, key, customer, currency and a positive amount."""
    number = raw.get("number", "").strip()
    if not number:
        raise RowProblem("number", _("Required."))
    key = kind.key(raw, number)
    customer = kind.customer(raw)
    return key, {"number": number, "source": key[0], "external_id": key[1], "customer_id": customer.id,
                 "currency_id": kind.currency(raw, customer), "amount": positive(raw, "amount")}


@register
class InvoiceImport(LedgerImport):
    name = "invoices"
    label = gettext_lazy("Invoices")
    permission = "receivables.add_invoice"
    model = Invoice
    allocated_via = "invoice"
    update_action = "invoice.update"
    required = frozenset({"number", "customer", "invoice_date", "gross_amount"})
    compared = ["customer", "number", "invoice_date", "due_date", "currency", "net_amount", "tax_amount",
                "gross_amount", "order_reference", "payment_terms_days", "disputed", "status"]
    columns = {
        **LEDGER_COLUMNS, "number": gettext_lazy("invoice number"), "invoice_date": gettext_lazy("invoice date"),
        "due_date": gettext_lazy("due date"), "payment_terms_days": gettext_lazy("payment terms (days)"),
        "net_amount": gettext_lazy("net amount"), "tax_amount": gettext_lazy("tax amount"),
        "gross_amount": gettext_lazy("gross amount"), "order_reference": gettext_lazy("order reference"),
        "disputed": gettext_lazy("disputed"), "status": gettext_lazy("status"),
        "settled_on": gettext_lazy("settled on"), "customer_name": gettext_lazy("customer name"),
    }
    extra_presets = {"ibm-late-payments": IBM_PRESET}
    preset_defaults = {"ibm-late-payments": {"source": "ibm", "currency": "USD", "create_customers": "yes",
                                             "customer_country": "US"}}

    def prepare(self, records: list[Record]) -> None:
        super().prepare(records)
        self.new_customers: dict[str, dict[str, str]] = {}

    def parse_row(self, number: int, raw: dict[str, str]) -> LedgerRow:
        self.row_checked()
        values: dict[str, Any] = {"number": raw.get("number", "").strip()}
        if not values["number"]:
            raise RowProblem("number", _("Required."))
        key = self.key(raw, values["number"])
        customer = self.invoice_customer(raw)
        invoice_date = parse_date("invoice_date", raw.get("invoice_date", ""), LEDGER_DAY)
        values["invoice_date"] = required_date("invoice_date", invoice_date)
        terms = parse_int("payment_terms_days", raw.get("payment_terms_days", ""), -1)
        values["payment_terms_days"] = terms if terms >= 0 else None
        due = parse_date("due_date", raw.get("due_date", ""))
        if due is None:
            days = terms if terms >= 0 else (customer.payment_terms_days if customer else 30)
            due = values["invoice_date"] + dt.timedelta(days=days)
        if due < values["invoice_date"]:
            raise RowProblem("due_date", _("An invoice cannot fall due before its date."))
        values["due_date"] = due
        values["currency_id"] = self.currency(raw, customer)
        values.update(self.amounts(raw))
        values["order_reference"] = raw.get("order_reference", "").strip()
        values["disputed"] = parse_bool("disputed", raw.get("disputed", ""))
        if parse_choice("status", raw.get("status", ""), InvoiceStatus) == InvoiceStatus.CANCELLED:
            values["status"] = InvoiceStatus.CANCELLED
        if customer is not None:
            values["customer_id"] = customer.id
        values["source"], values["external_id"] = key
        extra = {"customer": raw.get("customer", "").strip(),
                 "settled_on": parse_date("settled_on", raw.get("settled_on", ""), LEDGER_DAY)}
        if extra["settled_on"] is not None and extra["settled_on"] < values["invoice_date"]:
            raise RowProblem("settled_on", _("An invoice cannot be settled before its date."))
        return LedgerRow(number, key, values, extra)

    def invoice_customer(self, raw: dict[str, str]) -> CustomerRef | None:
        """A known customer, or (when the preset says so) one to create on first sight."""
        reference = raw.get("customer", "").strip()
        if reference and reference not in self.customers and parse_bool("create_customers",
                                                                          raw.get("create_customers", "")):
            self.new_customers.setdefault(reference, {"name": raw.get("customer_name", "").strip() or reference,
                                                      "country": raw.get("customer_country", "") or "CN"})
            return None
        return self.customer(raw)

    @staticmethod
    def amounts(raw: dict[str, str]) -> dict[str, Decimal]:
        """Any two of net, tax and gross give the third; all three must add up."""
        given = {name: parse_money(name, raw[name]) for name in ("net_amount", "tax_amount", "gross_amount")
                 if raw.get(name, "").strip()}
        tax = given.get("tax_amount", Decimal("0.00"))
        gross = given.get("gross_amount")
        net = given.get("net_amount", gross - tax if gross is not None else None)
        if net is None:
            raise RowProblem("gross_amount", _("Required."))
        gross = net + tax if gross is None else gross
        if gross != net + tax:
            raise RowProblem("gross_amount", _("The gross amount must be net plus tax."))
        if gross <= 0:
            raise RowProblem("gross_amount", _("An invoice must be for more than zero; send a credit note instead."))
        return {"net_amount": net, "tax_amount": tax, "gross_amount": gross}

    def classify(self, row: LedgerRow, plan: Plan) -> None:
        if row.existing is not None and "status" not in row.values and row.existing.status == InvoiceStatus.CANCELLED:
            row.values["status"] = InvoiceStatus.OPEN
        if row.existing is not None and "customer_id" not in row.values:
            raise RowProblem("customer", _("No customer with external id or number “%(value)s”.")
                             % {"value": row.extra["customer"]})
        super().classify(row, plan)

    def check_change(self, row: LedgerRow, candidate: Any) -> None:
        allocated = self.allocated.get(row.existing.pk, Decimal("0.00"))
        if candidate.gross_amount < allocated:
            raise RowProblem("gross_amount", _("%(allocated)s is already allocated to this invoice.")
                             % {"allocated": allocated})
        if allocated and (candidate.customer_id, candidate.currency_id) != (row.existing.customer_id,
                                                                             row.existing.currency_id):
            raise RowProblem("customer", _("A paid invoice cannot move to another customer or currency."))

    def before_write(self, actor: Actor, plan: Plan, reason: str) -> None:
        """Customers the file names for the first time are created, audited, before their invoices."""
        if not self.new_customers:
            return
        codes = iter(next_customer_codes(len(self.new_customers)))
        new = {reference: Customer(external_id=reference, code=next(codes), name=fields["name"],
                                   country=fields["country"], currency_id=self.customer_currency(plan, reference))
               for reference, fields in self.new_customers.items()}
        import_customers(actor, list(new.values()), [], reason)
        for row in plan.creates:
            row.values.setdefault("customer_id", getattr(new.get(row.extra["customer"]), "pk", None))

    @staticmethod
    def customer_currency(plan: Plan, reference: str) -> str:
        return next((row.values["currency_id"] for row in plan.creates if row.extra["customer"] == reference), "CNY")

    def after_write(self, actor: Actor, plan: Plan, reason: str) -> None:
        """A settlement date in the feed becomes a payment of the invoice on that day, matched to it by number."""
        settled = [row for row in [*plan.creates, *plan.updates] if row.extra["settled_on"]]
        known = existing_by_key(Payment, {(row.key[0], f"{row.key[1]}:settled") for row in settled})
        already_paid = set(active_allocations().filter(invoice_id__in=[
            row.existing.pk for row in plan.updates if row.extra["settled_on"]]).values_list("invoice_id", flat=True))
        payments = Payment.objects.bulk_create([
            Payment(customer_id=row.values["customer_id"], currency_id=row.values["currency_id"],
                    amount=row.values["gross_amount"], received_on=row.extra["settled_on"], method="settlement",
                    remittance_text=row.values["number"], source=row.key[0], external_id=f"{row.key[1]}:settled")
            for row in settled if (row.key[0], f"{row.key[1]}:settled") not in known
            and getattr(row.existing, "pk", None) not in already_paid
        ], batch_size=2000)
        auto_allocate(actor, [p.pk for p in payments], reason)


@register
class CreditNoteImport(LedgerImport):
    name = "credit-notes"
    label = gettext_lazy("Credit notes")
    permission = "receivables.add_creditnote"
    model = CreditNote
    update_action = "credit_note.update"
    required = frozenset({"number", "customer", "issued_on", "amount"})
    compared = ["customer", "number", "issued_on", "amount", "currency", "invoice"]
    columns = {**LEDGER_COLUMNS, "number": gettext_lazy("credit note number"), "issued_on": gettext_lazy("date"),
               "amount": gettext_lazy("amount"), "invoice": gettext_lazy("invoice number")}

    def prepare(self, records: list[Record]) -> None:
        super().prepare(records)
        numbers = sorted({raw.get("invoice", "").strip() for _n, raw in records} - {""})
        self.invoices = {(i.source, i.number): i for part in chunks(numbers)
                         for i in Invoice.objects.filter(number__in=part)}

    def parse_row(self, number: int, raw: dict[str, str]) -> LedgerRow:
        self.row_checked()
        key, values = numbered_document(self, raw)
        values["issued_on"] = required_date("issued_on", parse_date("issued_on", raw.get("issued_on", ""), LEDGER_DAY))
        values["invoice_id"] = None
        if raw.get("invoice", "").strip():
            invoice = self.invoices.get((key[0], raw["invoice"].strip()))
            if invoice is None or invoice.customer_id != values["customer_id"]:
                raise RowProblem("invoice", _("No invoice %(number)s of this customer.") % {"number": raw["invoice"]})
            if invoice.currency_id != values["currency_id"]:
                raise RowProblem("currency", _("The invoice is in %(currency)s.") % {"currency": invoice.currency_id})
            values["invoice_id"] = invoice.pk
        return LedgerRow(number, key, values)


@register
class PaymentImport(LedgerImport):
    name = "payments"
    label = gettext_lazy("Payments")
    permission = "receivables.add_payment"
    model = Payment
    allocated_via = "payment"
    update_action = "payment.update"
    required = frozenset({"external_id", "customer", "received_on", "amount"})
    compared = ["customer", "received_on", "amount", "currency", "method", "bank_reference", "remittance_text"]
    columns = {**LEDGER_COLUMNS, "received_on": gettext_lazy("received on"), "amount": gettext_lazy("amount"),
               "method": gettext_lazy("method"), "bank_reference": gettext_lazy("bank reference"),
               "remittance_text": gettext_lazy("remittance text")}

    def parse_row(self, number: int, raw: dict[str, str]) -> LedgerRow:
        self.row_checked()
        key = self.key(raw)
        customer = self.customer(raw)
        values: dict[str, Any] = {
            "source": key[0], "external_id": key[1], "customer_id": customer.id,
            "currency_id": self.currency(raw, customer), "amount": positive(raw, "amount"),
            "received_on": required_date("received_on",
                                         parse_date("received_on", raw.get("received_on", ""), LEDGER_DAY)),
            **{name: raw.get(name, "").strip() for name in ("method", "bank_reference", "remittance_text")},
        }
        return LedgerRow(number, key, values)

    def check_change(self, row: LedgerRow, candidate: Any) -> None:
        if self.allocated.get(row.existing.pk) and {"customer", "currency", "amount"} & set(row.changes):
            raise RowProblem("amount", _("This payment is already allocated; reverse its allocations first."))

    def after_write(self, actor: Actor, plan: Plan, reason: str) -> None:
        """New cash is matched at once: remittance text, then exact amount, then oldest due first."""
        created = existing_by_key(Payment, {row.key for row in plan.creates})
        auto_allocate(actor, [payment.pk for payment in created.values()], reason)


@register
class OrderImport(LedgerImport):
    name = "orders"
    label = gettext_lazy("Open sales orders")
    permission = "receivables.add_salesorder"
    model = SalesOrder
    update_action = "sales_order.update"
    required = frozenset({"number", "customer", "ordered_on", "amount"})
    compared = ["customer", "number", "ordered_on", "amount", "currency", "expected_invoice_date", "status"]
    columns = {**LEDGER_COLUMNS, "number": gettext_lazy("order number"), "ordered_on": gettext_lazy("order date"),
               "amount": gettext_lazy("amount"), "expected_invoice_date": gettext_lazy("expected invoice date"),
               "status": gettext_lazy("status")}

    def parse_row(self, number: int, raw: dict[str, str]) -> LedgerRow:
        self.row_checked()
        key, values = numbered_document(self, raw)
        values.update(
            ordered_on=required_date("ordered_on", parse_date("ordered_on", raw.get("ordered_on", ""), LEDGER_DAY)),
            expected_invoice_date=parse_date("expected_invoice_date", raw.get("expected_invoice_date", "")),
            status=parse_choice("status", raw.get("status", ""), OrderStatus) or OrderStatus.OPEN,
        )
        return LedgerRow(number, key, values)


@register
class AllocationImport(ImportKind):
    """Allocations made in the ERP: a payment (by external id) or a credit note (by number) against an invoice."""

    name = "allocations"
    label = gettext_lazy("Allocations")
    permission = "receivables.add_allocation"
    required = frozenset({"invoice", "amount"})
    columns = {"source": gettext_lazy("source system"), "invoice": gettext_lazy("invoice number"),
               "payment": gettext_lazy("payment external id"), "credit_note": gettext_lazy("credit note number"),
               "amount": gettext_lazy("amount"), "allocated_on": gettext_lazy("allocated on")}

    def plan(self, records: list[Record]) -> Plan:
        ledger, plan = AllocationLookups.for_records(records), Plan()
        for number, raw in records:
            self.row_checked()
            try:
                ledger.classify(number, raw, plan)
            except RowProblem as problem:
                plan.errors.append(RowError(number, problem.column, problem.message))
        return plan

    def apply(self, actor: Actor, plan: Plan, reason: str) -> None:
        require(actor, self.permission)
        allocations = Allocation.objects.bulk_create(
            [Allocation(created_by=actor, **values) for values in plan.creates], batch_size=2000)
        refresh_statuses([a.invoice.pk for a in allocations])
        record_audits(actor, "allocation.create", [
            (a, {"invoice": [None, a.invoice.number], "amount": [None, a.amount],
                 "source": [None, str(a.payment or a.credit_note)]}) for a in allocations], reason)
