"""Receivables figures as of a date: given a customer with these invoices, payments and orders, the settlement
days, the exposure, the payment behaviour and the month-by-month history are exactly these."""

import csv
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from creditdesk.currencies.models import ExchangeRate
from creditdesk.customers.selectors import group_members
from creditdesk.receivables.figures import (
    Behaviour,
    MonthHistory,
    behaviour_windows,
    credit_position,
    customer_figures,
    invoices_with_settlement,
    open_items,
    payment_behaviour,
    payment_history,
)
from creditdesk.receivables.models import Allocation, Invoice
from creditdesk.receivables.services import (
    allocate,
    record_credit_note,
    record_invoice,
    record_order,
    record_payment,
    reverse_allocation,
)
from creditdesk.testing.factories import CustomerFactory
from creditdesk.testing.shared_data import IBM_INVOICES

D = Decimal
AS_OF = dt.date(2026, 11, 30)
counter = iter(range(1, 10**9))


@pytest.fixture
def customer(db):
    return CustomerFactory()


def bill(actor, customer, gross: str, issued: dt.date, due: dt.date, currency: str = "CNY", **extra) -> Invoice:
    number = extra.pop("number", f"INV-{next(counter)}")
    return record_invoice(actor, {"customer": customer, "number": number, "invoice_date": issued, "due_date": due,
                                  "currency_id": currency, "net_amount": D(gross), "tax_amount": D("0.00"),
                                  "gross_amount": D(gross), **extra})


def pay(actor, invoice: Invoice, amount: str, received: dt.date, cash: str | None = None):
    """A payment of `cash` (default: `amount`) received on a day, `amount` of it allocated to the invoice."""
    payment = record_payment(actor, {"customer": invoice.customer, "received_on": received,
                                     "amount": D(cash or amount), "currency_id": invoice.currency_id})
    return allocate(actor, invoice, payment, D(amount), on=received)


def credit(actor, customer, amount: str, issued: dt.date, against: Invoice | None = None, currency: str = "CNY"):
    note = record_credit_note(actor, {"customer": customer, "number": f"CN-{next(counter)}", "issued_on": issued,
                                      "amount": D(amount), "currency_id": currency, "invoice": against})
    if against is not None:
        allocate(actor, against, note, D(amount), on=issued)
    return note


def order(actor, customer, amount: str, ordered: dt.date, status: str = "open", currency: str = "CNY"):
    return record_order(actor, {"customer": customer, "number": f"SO-{next(counter)}", "ordered_on": ordered,
                                "amount": D(amount), "currency_id": currency, "status": status})


def usd_rate(day: dt.date, rate: str) -> None:
    ExchangeRate(currency_id="USD", rate_date=day, rate=D(rate)).save()


def settlement(invoice: Invoice) -> tuple:
    row = invoices_with_settlement(Invoice.objects.filter(pk=invoice.pk)).get()
    return row.settled_on, row.days_to_settle, row.days_late


# --- settlement -------------------------------------------------------------------------------------------------

def test_an_invoice_paid_in_two_parts_is_settled_on_the_day_of_the_last_payment(analyst, customer):
    invoice = bill(analyst, customer, "1000.00", dt.date(2026, 1, 5), dt.date(2026, 2, 4))
    pay(analyst, invoice, "600.00", dt.date(2026, 1, 20))
    assert settlement(invoice) == (None, None, None)  # 400.00 still open: not settled
    pay(analyst, invoice, "400.00", dt.date(2026, 2, 14))
    # Jan 5 → Feb 14 = 26 + 14 = 40 days to settle; Feb 4 → Feb 14 = 10 days late
    settled_on, days, late = settlement(invoice)
    assert (settled_on, days, late) == (dt.date(2026, 2, 14), 40, 10)
    assert type(days) is int and type(late) is int


def test_a_credit_note_settles_the_rest_but_the_settlement_day_is_the_last_payments(analyst, customer):
    invoice = bill(analyst, customer, "800.00", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    pay(analyst, invoice, "500.00", dt.date(2026, 3, 20))
    credit(analyst, customer, "300.00", dt.date(2026, 4, 15), against=invoice)
    # settled by cash on Mar 20 (19 days after Mar 1, before the due date); the credit note of Apr 15 is no payment
    assert settlement(invoice) == (dt.date(2026, 3, 20), 19, 0)


def test_an_invoice_cleared_by_credit_notes_alone_has_no_settlement_day(analyst, customer):
    invoice = bill(analyst, customer, "250.00", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    credit(analyst, customer, "250.00", dt.date(2026, 3, 5), against=invoice)
    assert settlement(invoice) == (None, None, None)


def test_a_reversed_payment_unsettles_until_the_next_one(analyst, customer):
    invoice = bill(analyst, customer, "300.00", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    bounced = pay(analyst, invoice, "300.00", dt.date(2026, 3, 10))
    assert settlement(invoice) == (dt.date(2026, 3, 10), 9, 0)
    reverse_allocation(analyst, bounced, "cheque bounced")
    assert settlement(invoice) == (None, None, None)
    pay(analyst, invoice, "300.00", dt.date(2026, 4, 12))
    # Mar 1 → Apr 12 = 30 + 12 = 42 days; Mar 31 → Apr 12 = 12 days late
    assert settlement(invoice) == (dt.date(2026, 4, 12), 42, 12)


def test_settlement_days_match_a_real_customer_of_the_ibm_late_payment_file(analyst, customer):
    with IBM_INVOICES.open(newline="") as file:
        rows = [row for row in csv.DictReader(file) if row["customerID"] == "4640-FGEJI"]
    assert len(rows) == 35  # 13 of them paid late

    def day(text: str) -> dt.date:
        return dt.datetime.strptime(text, "%m/%d/%Y").date()

    for row in rows:
        invoice = bill(analyst, customer, row["InvoiceAmount"], day(row["InvoiceDate"]), day(row["DueDate"]),
                       number=f"IBM-{row['invoiceNumber']}")
        pay(analyst, invoice, row["InvoiceAmount"], day(row["SettledDate"]))
    in_the_file = {f"IBM-{row['invoiceNumber']}": (day(row["SettledDate"]), int(row["DaysToSettle"]),
                                                  int(row["DaysLate"])) for row in rows}
    settled = invoices_with_settlement(Invoice.objects.filter(customer=customer))
    assert {i.number: (i.settled_on, i.days_to_settle, i.days_late) for i in settled} == in_the_file


# --- exposure ---------------------------------------------------------------------------------------------------

@pytest.fixture
def ledger(analyst, customer):
    """CNY: 1,130.00 due Oct 16 with 330.00 of a 500.00 payment on it, 2,000.00 due Dec 15, 150.00 credit note on
    account, an open order of 3,000.00; USD: 100.00 due Dec 1. Rates: 7.0 from Oct 31, 7.1 from Nov 28."""
    late = bill(analyst, customer, "1130.00", dt.date(2026, 9, 16), dt.date(2026, 10, 16))
    pay(analyst, late, "330.00", dt.date(2026, 11, 10), cash="500.00")
    bill(analyst, customer, "2000.00", dt.date(2026, 11, 15), dt.date(2026, 12, 15))
    bill(analyst, customer, "5000.00", dt.date(2026, 11, 1), dt.date(2026, 12, 1), status="cancelled")
    credit(analyst, customer, "150.00", dt.date(2026, 11, 20))
    order(analyst, customer, "3000.00", dt.date(2026, 11, 25))
    order(analyst, customer, "999.00", dt.date(2026, 11, 2), status="invoiced")
    order(analyst, customer, "888.00", dt.date(2026, 11, 3), status="cancelled")
    order(analyst, customer, "777.00", dt.date(2026, 12, 5))
    bill(analyst, customer, "100.00", dt.date(2026, 11, 1), dt.date(2026, 12, 1), currency="USD")
    usd_rate(dt.date(2026, 10, 31), "7.0")
    usd_rate(dt.date(2026, 11, 28), "7.1")
    usd_rate(dt.date(2026, 12, 1), "7.3")
    return customer


def test_exposure_is_open_invoices_less_credit_notes_and_unallocated_cash_plus_open_orders(
        ledger, django_assert_max_num_queries):
    # aging (invoices, allocations), open-item counts, other balances, and the USD rate
    with django_assert_max_num_queries(5):
        figures = customer_figures([ledger.pk], AS_OF)
    cny, usd = figures.by_currency["CNY"], figures.by_currency["USD"]
    # CNY: open invoices 800.00 (1,130.00 − 330.00) + 2,000.00 = 2,800.00; the cancelled 5,000.00 does not count
    assert (cny.open_invoices, cny.unallocated_credit_notes, cny.unallocated_cash) == (
        D("2800.00"), D("150.00"), D("170.00"))
    # open receivables 2,800.00 − 150.00 − 170.00 = 2,480.00; + the one open order by Nov 30 = 5,480.00
    assert (cny.open_receivables, cny.open_orders, cny.exposure) == (D("2480.00"), D("3000.00"), D("5480.00"))
    # 800.00 overdue since Oct 16: 45 days, in the 31–60 bucket; 2,000.00 not due
    assert (cny.overdue, cny.oldest_overdue_days, cny.open_items) == (D("800.00"), 45, 2)
    assert (cny.aging["not_due"], cny.aging["31_60"], cny.aging["1_30"]) == (D("2000.00"), D("800.00"), D("0.00"))
    assert (usd.open_invoices, usd.exposure, usd.overdue, usd.oldest_overdue_days) == (
        D("100.00"), D("100.00"), D("0.00"), None)
    # in CNY: USD 100.00 × 7.1 (the rate of Nov 28) = 710.00; invoices 2,800.00 + 710.00 = 3,510.00
    assert figures.currency == "CNY"
    assert (figures.open_invoices, figures.open_receivables, figures.exposure) == (
        D("3510.00"), D("3190.00"), D("6190.00"))
    assert (figures.overdue, figures.oldest_overdue_days, figures.open_items) == (D("800.00"), 45, 3)
    assert figures.aging == {"not_due": D("2710.00"), "1_30": D("0.00"), "31_60": D("800.00"), "61_90": D("0.00"),
                             "91_180": D("0.00"), "181_365": D("0.00"), "over_365": D("0.00")}


def test_exposure_on_an_earlier_day_counts_only_what_was_known_then(ledger):
    figures = customer_figures([ledger.pk], dt.date(2026, 11, 9))
    # Nov 9: no payment, credit note, order or December invoice yet; 1,130.00 24 days overdue; USD at 7.0 = 700.00
    assert (figures.open_invoices, figures.unallocated_cash, figures.open_orders) == (
        D("1830.00"), D("0.00"), D("0.00"))
    assert (figures.exposure, figures.aging["1_30"], figures.oldest_overdue_days) == (D("1830.00"), D("1130.00"), 24)


def test_a_reversed_allocation_counts_as_allocated_until_the_day_it_was_reversed(analyst, customer):
    invoice = bill(analyst, customer, "600.00", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    allocation = reverse_allocation(analyst, pay(analyst, invoice, "600.00", dt.date(2026, 11, 5)), "wrong invoice")
    Allocation.objects.filter(pk=allocation.pk).update(reversed_at=dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC))
    # Nov 15: the 600.00 was still set against the invoice; Nov 25: the invoice is open again and so is the cash
    before, after = customer_figures([customer.pk], dt.date(2026, 11, 15)), customer_figures([customer.pk], AS_OF)
    assert (before.open_invoices, before.unallocated_cash, before.open_items) == (D("0.00"), D("0.00"), 0)
    assert (after.open_invoices, after.unallocated_cash, after.open_items) == (D("600.00"), D("600.00"), 1)
    assert (after.overdue, after.exposure) == (D("600.00"), D("0.00"))


def test_a_customer_without_a_ledger_has_zero_figures(customer, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        figures = customer_figures([customer.pk], AS_OF)
    assert (figures.exposure, figures.open_items, figures.oldest_overdue_days, figures.by_currency) == (
        D("0.00"), 0, None, {})
    assert set(figures.aging.values()) == {D("0.00")}


def test_group_figures_sum_the_group(analyst):
    parent = CustomerFactory()
    child = CustomerFactory(parent=parent)
    grandchild = CustomerFactory(parent=child)
    bill(analyst, parent, "1000.00", dt.date(2026, 11, 20), dt.date(2026, 12, 20))
    bill(analyst, child, "500.00", dt.date(2026, 9, 1), dt.date(2026, 10, 1))
    record_payment(analyst, {"customer": child, "received_on": dt.date(2026, 11, 2), "amount": D("200.00"),
                             "currency_id": "CNY"})
    order(analyst, grandchild, "250.00", dt.date(2026, 11, 29))
    group = [member.pk for _, member in group_members(parent)]
    figures = customer_figures(group, AS_OF)
    # 1,000.00 + 500.00 − 200.00 unallocated cash + 250.00 ordered = 1,550.00; 500.00 overdue 60 days
    assert (figures.exposure, figures.overdue, figures.oldest_overdue_days) == (D("1550.00"), D("500.00"), 60)
    parts = [customer_figures([pk], AS_OF).exposure for pk in group]
    assert parts == [D("1000.00"), D("300.00"), D("250.00")]


# --- payment behaviour ------------------------------------------------------------------------------------------

def test_behaviour_windows_weigh_days_by_the_amount_paid(analyst, customer, django_assert_num_queries):
    # paid Nov 10: 40 days after the invoice, 10 beyond terms
    pay(analyst, bill(analyst, customer, "1000.00", dt.date(2026, 10, 1), dt.date(2026, 10, 31)), "1000.00",
        dt.date(2026, 11, 10))
    # paid Sep 21: 20 days, on time
    pay(analyst, bill(analyst, customer, "3000.00", dt.date(2026, 9, 1), dt.date(2026, 10, 1)), "3000.00",
        dt.date(2026, 9, 21))
    # paid Jun 15: 75 days, 45 beyond terms (6 and 12 months only)
    pay(analyst, bill(analyst, customer, "2000.00", dt.date(2026, 4, 1), dt.date(2026, 5, 1)), "2000.00",
        dt.date(2026, 6, 15))
    # paid Feb 9: Dec 1 → Feb 9 = 70 days, Dec 31 → Feb 9 = 40 beyond terms (12 months only)
    pay(analyst, bill(analyst, customer, "500.00", dt.date(2025, 12, 1), dt.date(2025, 12, 31)), "500.00",
        dt.date(2026, 2, 9))
    # received on Nov 30, 2025: exactly 12 months back, outside every window
    pay(analyst, bill(analyst, customer, "900.00", dt.date(2025, 11, 1), dt.date(2025, 11, 30)), "900.00",
        dt.date(2025, 11, 30))
    # neither a credit note nor a reversed payment is paying
    credit(analyst, customer, "400.00", dt.date(2026, 11, 1),
           against=bill(analyst, customer, "400.00", dt.date(2026, 8, 1), dt.date(2026, 8, 31)))
    bounced = bill(analyst, customer, "700.00", dt.date(2026, 8, 1), dt.date(2026, 8, 31))
    reverse_allocation(analyst, pay(analyst, bounced, "700.00", dt.date(2026, 11, 5)), "bounced")

    with django_assert_num_queries(1):
        windows = behaviour_windows([customer.pk], AS_OF)
    # 3 months: (1,000 × 40 + 3,000 × 20) / 4,000 = 25.0 days; beyond terms 1,000 × 10 / 4,000 = 2.5
    assert windows[3] == Behaviour(3, D("4000.00"), D("25.0"), D("2.5"))
    # 6 months: (100,000 + 2,000 × 75) / 6,000 = 41.67; (10,000 + 2,000 × 45) / 6,000 = 16.67
    assert windows[6] == Behaviour(6, D("6000.00"), D("41.7"), D("16.7"))
    # 12 months: (250,000 + 500 × 70) / 6,500 = 43.85; (100,000 + 500 × 40) / 6,500 = 18.46
    assert windows[12] == Behaviour(12, D("6500.00"), D("43.8"), D("18.5"))
    assert payment_behaviour([customer.pk], AS_OF, 6) == windows[6]


def test_behaviour_weighs_foreign_payments_by_their_functional_value(analyst, customer):
    usd_rate(dt.date(2026, 1, 1), "7.0")
    pay(analyst, bill(analyst, customer, "300.00", dt.date(2026, 10, 1), dt.date(2026, 10, 31)), "300.00",
        dt.date(2026, 11, 10))
    pay(analyst, bill(analyst, customer, "100.00", dt.date(2026, 10, 1), dt.date(2026, 10, 31), currency="USD"),
        "100.00", dt.date(2026, 10, 21))
    # USD 100.00 = CNY 700.00 paid 20 days after the invoice, on time; CNY 300.00 after 40 days, 10 late:
    # (300 × 40 + 700 × 20) / 1,000 = 26.0 days; 300 × 10 / 1,000 = 3.0 beyond terms (not 3,000 / 400 = 7.5)
    assert payment_behaviour([customer.pk], AS_OF, 3) == Behaviour(3, D("1000.00"), D("26.0"), D("3.0"))


def test_nothing_paid_gives_no_averages(customer):
    assert payment_behaviour([customer.pk], AS_OF, 12) == Behaviour(12, D("0.00"), None, None)


def test_a_window_of_no_months_is_refused(customer):
    with pytest.raises(ValueError, match="at least 1"):
        payment_behaviour([customer.pk], AS_OF, 0)


# --- payment history --------------------------------------------------------------------------------------------

def test_payment_history_month_by_month_with_the_empty_months(analyst, customer, django_assert_max_num_queries):
    usd_rate(dt.date(2026, 11, 1), "7.1")
    august = bill(analyst, customer, "1000.00", dt.date(2026, 8, 10), dt.date(2026, 9, 9))
    pay(analyst, august, "600.00", dt.date(2026, 9, 5))  # on time
    pay(analyst, august, "400.00", dt.date(2026, 10, 19))  # Sep 9 → Oct 19 = 40 days late
    dollars = bill(analyst, customer, "200.00", dt.date(2026, 10, 3), dt.date(2026, 11, 2), currency="USD")
    pay(analyst, dollars, "200.00", dt.date(2026, 11, 12))  # 10 days late, 200 × 7.1 = 1,420.00
    october = bill(analyst, customer, "1000.00", dt.date(2026, 10, 20), dt.date(2026, 11, 19))
    pay(analyst, october, "580.00", dt.date(2026, 11, 10))  # on time
    november = bill(analyst, customer, "500.00", dt.date(2026, 11, 20), dt.date(2026, 12, 20))
    credit(analyst, customer, "100.00", dt.date(2026, 11, 25), against=november)  # not a payment
    reverse_allocation(analyst, pay(analyst, october, "420.00", dt.date(2026, 11, 15)), "bounced")
    bill(analyst, customer, "777.00", dt.date(2026, 9, 1), dt.date(2026, 10, 1), status="cancelled")
    bill(analyst, customer, "999.00", dt.date(2026, 12, 1), dt.date(2026, 12, 31))  # after the day

    with django_assert_max_num_queries(3):  # invoiced, paid, the USD rate
        history = payment_history([customer.pk], AS_OF, months=5)
    zero = D("0.00")
    assert history == [
        MonthHistory(dt.date(2026, 7, 1), zero, zero, zero, zero, None),
        MonthHistory(dt.date(2026, 8, 1), D("1000.00"), zero, zero, zero, None),
        MonthHistory(dt.date(2026, 9, 1), zero, D("600.00"), D("600.00"), zero, D("0.0")),
        # invoiced 1,420.00 (USD 200.00) + 1,000.00
        MonthHistory(dt.date(2026, 10, 1), D("2420.00"), D("400.00"), zero, D("400.00"), D("40.0")),
        # paid 1,420.00 10 days late + 580.00 on time: 1,420 × 10 / 2,000 = 7.1 days late
        MonthHistory(dt.date(2026, 11, 1), D("500.00"), D("2000.00"), D("580.00"), D("1420.00"), D("7.1")),
    ]


def test_payment_history_defaults_to_twelve_months_ending_with_the_days_month(customer):
    history = payment_history([customer.pk], dt.date(2026, 3, 15))
    assert [h.month for h in history][:2] == [dt.date(2025, 4, 1), dt.date(2025, 5, 1)]
    assert (len(history), history[-1].month, history[-1].paid) == (12, dt.date(2026, 3, 1), D("0.00"))


# --- open items -------------------------------------------------------------------------------------------------

def test_open_items_as_of_a_day_with_their_filters(analyst, customer):
    usd_rate(dt.date(2026, 11, 1), "7.1")
    partly = bill(analyst, customer, "1000.00", dt.date(2026, 10, 1), dt.date(2026, 10, 31), number="O-1")
    pay(analyst, partly, "250.00", dt.date(2026, 11, 3))
    bill(analyst, customer, "500.00", dt.date(2026, 11, 10), dt.date(2026, 12, 10), number="O-2")
    bill(analyst, customer, "200.00", dt.date(2026, 10, 21), dt.date(2026, 11, 20), currency="USD", number="O-3")
    paid = bill(analyst, customer, "300.00", dt.date(2026, 10, 1), dt.date(2026, 10, 31), number="O-4")
    pay(analyst, paid, "300.00", dt.date(2026, 11, 2))
    bill(analyst, customer, "900.00", dt.date(2026, 10, 1), dt.date(2026, 10, 31), number="O-5", status="cancelled")
    paid_later = bill(analyst, customer, "400.00", dt.date(2026, 10, 2), dt.date(2026, 11, 1), number="O-6")
    pay(analyst, paid_later, "400.00", dt.date(2026, 12, 5))  # paid now, still open on Nov 30

    def listed(**filters) -> list[tuple[str, Decimal, int]]:
        items = open_items([customer.pk], AS_OF, **filters)
        return [(i.number, i.open_then, i.days_past_due) for i in items]

    # oldest due first; O-4 settled and O-5 cancelled are left out; days past due 0 while not due
    assert listed() == [("O-1", D("750.00"), 30), ("O-6", D("400.00"), 29), ("O-3", D("200.00"), 10),
                        ("O-2", D("500.00"), 0)]
    assert [n for n, _, _ in listed(overdue_only=True)] == ["O-1", "O-6", "O-3"]
    assert [n for n, _, _ in listed(currency="USD")] == ["O-3"]
    assert [n for n, _, _ in listed(status="open")] == ["O-1", "O-3", "O-2"]
    assert [n for n, _, _ in listed(status="paid", overdue_only=True, currency="CNY")] == ["O-6"]
    assert customer_figures([customer.pk], AS_OF).open_items == len(listed())


def test_the_credit_checks_position_agrees_with_the_full_figures(ledger, django_assert_max_num_queries):
    today = timezone.localdate()
    full = customer_figures([ledger.pk], today)
    with django_assert_max_num_queries(5):  # invoices, allocations, other balances, oldest overdue, the USD rate
        position = credit_position([ledger.pk], today)
    assert (position.exposure, position.overdue, position.oldest_overdue_days) == (
        full.exposure, full.overdue, full.oldest_overdue_days)
