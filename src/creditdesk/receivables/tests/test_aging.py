"""Aging as of a date: given a customer with these invoices and payments, the buckets are exactly these."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from creditdesk.receivables.aging import aging, buckets
from creditdesk.receivables.models import Invoice
from creditdesk.receivables.services import allocate, record_invoice, record_payment, reverse_allocation
from creditdesk.testing.factories import CustomerFactory

D = Decimal
AS_OF = dt.date(2026, 11, 30)
KEYS = ["not_due", "1_30", "31_60", "61_90", "91_180", "181_365", "over_365"]


@pytest.fixture
def customer(db):
    return CustomerFactory()


def bill(actor, customer, number: str, due: dt.date, gross: str, currency: str = "CNY") -> Invoice:
    issued = due - dt.timedelta(days=30)
    return record_invoice(actor, {"customer": customer, "number": number, "invoice_date": issued, "due_date": due,
                                  "currency_id": currency, "net_amount": D(gross), "tax_amount": D("0.00"),
                                  "gross_amount": D(gross)})


def amounts(customer, as_of=AS_OF) -> dict[str, dict[str, Decimal]]:
    return {a.currency: a.amounts for a in aging(Invoice.objects.filter(customer=customer), as_of)}


def test_the_default_buckets_are_the_briefs():
    assert [b.key for b in buckets()] == KEYS
    assert [(b.first, b.last) for b in buckets()] == [(None, 0), (1, 30), (31, 60), (61, 90), (91, 180),
                                                        (181, 365), (366, None)]


def test_each_invoice_lands_in_the_bucket_of_its_days_past_due(analyst, customer):
    due_and_gross = [(AS_OF, "100.00"), (AS_OF - dt.timedelta(days=1), "200.00"),
                     (AS_OF - dt.timedelta(days=30), "300.00"), (AS_OF - dt.timedelta(days=31), "400.00"),
                     (AS_OF - dt.timedelta(days=90), "500.00"), (AS_OF - dt.timedelta(days=91), "600.00"),
                     (AS_OF - dt.timedelta(days=365), "700.00"), (AS_OF - dt.timedelta(days=366), "800.00")]
    for n, (due, gross) in enumerate(due_and_gross):
        bill(analyst, customer, f"A-{n}", due, gross)
    assert amounts(customer) == {"CNY": {
        "not_due": D("100.00"), "1_30": D("500.00"), "31_60": D("400.00"), "61_90": D("500.00"),
        "91_180": D("600.00"), "181_365": D("700.00"), "over_365": D("800.00")}}


def test_part_payments_leave_only_the_open_part_and_reversals_count_from_their_day(analyst, customer):
    late = bill(analyst, customer, "B-1", AS_OF - dt.timedelta(days=45), "1130.00")
    cash = record_payment(analyst, {"customer": customer, "received_on": dt.date(2026, 11, 10),
                                    "amount": D("500.00"), "currency_id": "CNY"})
    allocation = allocate(analyst, late, cash, D("330.00"), on=dt.date(2026, 11, 10))
    assert amounts(customer)["CNY"]["31_60"] == D("800.00")
    assert amounts(customer, dt.date(2026, 11, 9))["CNY"]["1_30"] == D("1130.00")
    reverse_allocation(analyst, allocation, "bounced")
    reversed_on = timezone.localdate()
    assert sum(amounts(customer, reversed_on - dt.timedelta(days=1))["CNY"].values()) == D("800.00")
    assert sum(amounts(customer, reversed_on)["CNY"].values()) == D("1130.00")


def test_invoices_not_yet_issued_on_the_day_do_not_count(analyst, customer):
    bill(analyst, customer, "C-1", AS_OF + dt.timedelta(days=40), "50.00")
    assert amounts(customer) == {}


def test_currencies_are_kept_apart(analyst, customer):
    bill(analyst, customer, "D-1", AS_OF, "10.00", "USD")
    bill(analyst, customer, "D-2", AS_OF, "20.00")
    result = amounts(customer)
    assert (result["USD"]["not_due"], result["CNY"]["not_due"]) == (D("10.00"), D("20.00"))


def test_custom_cut_offs(analyst, customer):
    bill(analyst, customer, "E-1", AS_OF - dt.timedelta(days=20), "10.00")
    rows = aging(Invoice.objects.filter(customer=customer), AS_OF, cutoffs=(15, 45))
    assert rows[0].amounts == {"not_due": D("0.00"), "1_15": D("0.00"), "16_45": D("10.00"), "over_45": D("0.00")}
    assert rows[0].total == D("10.00")
