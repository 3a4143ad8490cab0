"""Allocating payments and credit notes to invoices: open amounts are exact, never negative, never
over-allocated, and a reversal brings them back."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creditdesk.audit.models import AuditEntry
from creditdesk.receivables.models import Allocation, Invoice
from creditdesk.receivables.selectors import (
    credit_notes_with_unallocated,
    invoice_open_amount,
    invoices_with_open_amount,
    payments_with_unallocated,
    unallocated_amount,
)
from creditdesk.receivables.services import (
    allocate,
    record_credit_note,
    record_invoice,
    record_payment,
    reverse_allocation,
)
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal
DAY = dt.date(2026, 11, 2)
counter = iter(range(1, 10**9))


@pytest.fixture
def customer(db):
    return CustomerFactory()


def invoice(actor, customer, gross: str, currency: str = "CNY"):
    number = f"INV-{next(counter)}"
    return record_invoice(actor, {"customer": customer, "number": number, "invoice_date": DAY,
                                  "due_date": DAY + dt.timedelta(days=30), "currency_id": currency,
                                  "net_amount": D(gross), "tax_amount": D("0.00"), "gross_amount": D(gross)})


def payment(actor, customer, amount: str, currency: str = "CNY"):
    return record_payment(actor, {"customer": customer, "received_on": DAY, "amount": D(amount),
                                  "currency_id": currency})


def credit_note(actor, customer, amount: str, against=None):
    return record_credit_note(actor, {"customer": customer, "number": f"CN-{next(counter)}", "issued_on": DAY,
                                      "amount": D(amount), "currency_id": "CNY", "invoice": against})


def test_an_invoice_of_1130_paid_300_of_500_leaves_830_open_and_200_to_allocate(analyst, customer):
    bill = record_invoice(analyst, {"customer": customer, "number": "INV-1", "invoice_date": DAY,
                                    "due_date": dt.date(2026, 12, 2), "currency_id": "CNY",
                                    "net_amount": D("1000.00"), "tax_amount": D("130.00"),
                                    "gross_amount": D("1130.00")})
    cash = payment(analyst, customer, "500.00")
    allocate(analyst, bill, cash, D("300.00"))
    assert (invoice_open_amount(bill), unallocated_amount(cash)) == (D("830.00"), D("200.00"))


def test_more_than_is_left_on_the_payment_is_refused(analyst, customer):
    bill, cash = invoice(analyst, customer, "1130.00"), payment(analyst, customer, "500.00")
    allocate(analyst, bill, cash, D("300.00"))
    with pytest.raises(ValidationError) as refused:
        allocate(analyst, bill, cash, D("300.00"))
    assert refused.value.message_dict == {"amount": ["Only 200.00 is left to allocate."]}


def test_more_than_is_open_on_the_invoice_is_refused(analyst, customer):
    bill, cash = invoice(analyst, customer, "100.00"), payment(analyst, customer, "500.00")
    with pytest.raises(ValidationError) as refused:
        allocate(analyst, bill, cash, D("100.01"))
    assert refused.value.message_dict == {"amount": ["Only 100.00 is still open on invoice " + bill.number + "."]}


def test_a_reversal_restores_both_open_amounts_and_keeps_the_allocation(analyst, customer):
    bill, cash = invoice(analyst, customer, "1130.00"), payment(analyst, customer, "500.00")
    allocation = allocate(analyst, bill, cash, D("500.00"))
    reverse_allocation(analyst, allocation, "Paid the wrong invoice")
    assert (invoice_open_amount(bill), unallocated_amount(cash)) == (D("1130.00"), D("500.00"))
    assert Allocation.objects.get().reversal_reason == "Paid the wrong invoice"
    with pytest.raises(ValidationError):
        reverse_allocation(analyst, allocation, "again")


def test_a_reversal_needs_a_reason(analyst, customer):
    allocation = allocate(analyst, invoice(analyst, customer, "10.00"), payment(analyst, customer, "10.00"),
                          D("10.00"))
    with pytest.raises(ValidationError) as refused:
        reverse_allocation(analyst, allocation, "  ")
    assert list(refused.value.message_dict) == ["reason"]


def test_cash_of_another_customer_or_currency_is_refused(analyst, customer):
    bill = invoice(analyst, customer, "100.00")
    for cash in (payment(analyst, CustomerFactory(), "100.00"), payment(analyst, customer, "100.00", "USD")):
        with pytest.raises(ValidationError):
            allocate(analyst, bill, cash, D("50.00"))
    assert not Allocation.objects.exists()


def test_a_credit_note_for_one_invoice_cannot_settle_another(analyst, customer):
    first, second = invoice(analyst, customer, "100.00"), invoice(analyst, customer, "100.00")
    note = credit_note(analyst, customer, "40.00", against=first)
    with pytest.raises(ValidationError):
        allocate(analyst, second, note, D("40.00"))
    allocate(analyst, first, note, D("40.00"))
    assert invoice_open_amount(first) == D("60.00")


def test_allocations_and_reversals_are_audited_on_the_customer(analyst, customer):
    allocation = allocate(analyst, invoice(analyst, customer, "10.00"), payment(analyst, customer, "10.00"),
                          D("4.00"))
    reverse_allocation(analyst, allocation, "Bank returned the transfer")
    entries = AuditEntry.objects.filter(action__startswith="allocation.").order_by("id")
    assert [(e.action, e.customer_id, e.reason) for e in entries] == [
        ("allocation.create", customer.pk, ""), ("allocation.reverse", customer.pk, "Bank returned the transfer")]
    assert entries[0].changes["amount"] == [None, "4.00"]


def test_sales_cannot_allocate(analyst, customer):
    bill, cash = invoice(analyst, customer, "10.00"), payment(analyst, customer, "10.00")
    with pytest.raises(PermissionDenied):
        allocate(UserFactory(role="sales"), bill, cash, D("10.00"))


CENTS = st.integers(min_value=1, max_value=5_000_000)
STEPS = st.lists(st.one_of(
    st.tuples(st.just("invoice"), CENTS),
    st.tuples(st.just("payment"), CENTS),
    st.tuples(st.just("credit_note"), CENTS),
    st.tuples(st.just("allocate"), st.integers(0, 20), st.integers(0, 20), st.booleans(), CENTS),
    st.tuples(st.just("reverse"), st.integers(0, 20)),
), max_size=12)


def ledger_totals(customer) -> tuple[D, D, D, D]:
    """Σ open of invoices, Σ unallocated of payments and credit notes, and the lowest of them all."""
    invoices = invoices_with_open_amount().filter(customer=customer)
    payments = payments_with_unallocated().filter(customer=customer)
    notes = credit_notes_with_unallocated().filter(customer=customer)
    lowest = min([D(0), *(i.open_amount for i in invoices), *(p.unallocated for p in payments),
                  *(n.unallocated for n in notes)])
    return (sum((i.open_amount for i in invoices), D(0)), sum((p.unallocated for p in payments), D(0)),
            sum((n.unallocated for n in notes), D(0)), lowest)


def run_step(actor, customer, step, made) -> None:
    kind = step[0]
    if kind in ("invoice", "payment", "credit_note"):
        amount = str(D(step[1]) / 100)
        maker = {"invoice": invoice, "payment": payment, "credit_note": credit_note}[kind]
        made[kind].append(maker(actor, customer, amount))
    elif kind == "allocate" and made["invoice"]:
        sources = made["payment"] if step[3] else made["credit_note"]
        if sources:
            target, source = made["invoice"][step[1] % len(made["invoice"])], sources[step[2] % len(sources)]
            allowed = min(invoice_open_amount(target), unallocated_amount(source))
            amount = D(step[4]) / 100
            try:
                allocate(actor, target, source, amount)
                assert amount <= allowed
            except ValidationError:
                assert amount > allowed
    elif kind == "reverse":
        active = list(Allocation.objects.filter(invoice__customer=customer, reversed_at__isnull=True))
        if active:
            reverse_allocation(actor, active[step[1] % len(active)], "test")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_any_sequence_keeps_open_amounts_consistent(analyst, customer, steps):
    """Never negative, never over-allocated, and Σ open − Σ unallocated = invoices − credit notes − payments."""
    with transaction.atomic():
        made: dict[str, list] = {"invoice": [], "payment": [], "credit_note": []}
        for step in steps:
            run_step(analyst, customer, step, made)
            open_invoices, unallocated_cash, unallocated_notes, lowest = ledger_totals(customer)
            assert lowest >= 0
            billed = sum((i.gross_amount for i in made["invoice"]), D(0))
            paid = sum((p.amount for p in made["payment"]), D(0))
            credited = sum((n.amount for n in made["credit_note"]), D(0))
            assert open_invoices - unallocated_cash - unallocated_notes == billed - paid - credited
            active = Allocation.objects.filter(invoice__customer=customer, reversed_at__isnull=True)
            assert open_invoices == billed - (active.aggregate(s=Sum("amount"))["s"] or D(0))
        transaction.set_rollback(True)


def test_an_invoice_whose_parts_add_up_only_in_decimals_is_kept(analyst):
    """1.10 + 2.20 = 3.30 exactly, although the floats SQLite adds give 3.3000000000000003."""
    invoice = record_invoice(analyst, {"customer": CustomerFactory(), "number": "F-330", "currency_id": "CNY",
                                       "invoice_date": dt.date(2026, 11, 1), "due_date": dt.date(2026, 12, 1),
                                       "net_amount": Decimal("1.10"), "tax_amount": Decimal("2.20"),
                                       "gross_amount": Decimal("3.30")})
    assert Invoice.objects.values_list("gross_amount", flat=True).get(pk=invoice.pk) == Decimal("3.30")
