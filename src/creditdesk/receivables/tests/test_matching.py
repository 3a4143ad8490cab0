"""Matching cash to invoices: remittance numbers first, then an exact amount, then the oldest due first."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from creditdesk.receivables.matching import OpenInvoice, match_payment, mentioned_numbers
from creditdesk.receivables.models import Invoice

D = Decimal


def open_invoice(number: str, due: str, amount: str) -> OpenInvoice:
    return OpenInvoice(Invoice(number=number, due_date=dt.date.fromisoformat(due)), D(amount))


def plan(amount: str, remittance: str, invoices: list[OpenInvoice], oldest_first: bool = True):
    return [(item.invoice.number, part) for item, part in match_payment(D(amount), remittance, invoices, oldest_first)]


def book() -> list[OpenInvoice]:
    return [open_invoice("INV-3", "2026-10-30", "300.00"), open_invoice("INV-1", "2026-09-30", "100.00"),
            open_invoice("INV-2", "2026-10-15", "250.00")]


def test_invoice_numbers_in_the_remittance_text_come_first_in_the_order_written():
    assert plan("400.00", "Pay inv-3, INV-2; thanks", book()) == [("INV-3", D("300.00")), ("INV-2", D("100.00"))]


def test_a_number_must_match_whole_not_as_part_of_another():
    assert mentioned_numbers("ref INV-12/2026") == ["ref", "inv-12/2026"]
    assert plan("250.00", "INV-12/2026", book(), oldest_first=False) == [("INV-2", D("250.00"))]


def test_without_numbers_an_invoice_of_exactly_the_amount_is_paid():
    assert plan("250.00", "October goods", book()) == [("INV-2", D("250.00"))]


def test_otherwise_the_oldest_due_first_and_the_rest_stays_unallocated():
    assert plan("1000.00", "", book()) == [("INV-1", D("100.00")), ("INV-2", D("250.00")), ("INV-3", D("300.00"))]


def test_a_customer_who_wants_no_guessing_keeps_the_cash_unallocated():
    assert plan("120.00", "", book(), oldest_first=False) == []


amounts = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2)


@given(payment=amounts, opens=st.lists(amounts, max_size=8), named=st.lists(st.integers(0, 7), max_size=4),
       oldest_first=st.booleans())
def test_matching_never_pays_more_than_is_open_nor_more_than_the_payment(payment, opens, named, oldest_first):
    invoices = [open_invoice(f"N{i}", f"2026-0{1 + i % 9}-01", str(a)) for i, a in enumerate(opens)]
    before = {item.invoice.number: item.open_amount for item in invoices}
    remittance = " ".join(f"N{i}" for i in named)
    result = match_payment(payment, remittance, invoices, oldest_first)
    assert sum((part for _item, part in result), D(0)) <= payment
    for item, part in result:
        assert D("0.00") < part <= before[item.invoice.number]
        assert item.open_amount == before[item.invoice.number] - part >= 0
