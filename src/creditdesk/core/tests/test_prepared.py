"""Queries compiled once and run again with new values give exactly what the ORM gives, or fall back to it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connections
from django.db.models import Sum

from creditdesk.core.prepared import prepared_rows
from creditdesk.receivables.models import Invoice
from creditdesk.receivables.services import record_invoice
from creditdesk.testing.factories import CustomerFactory

DAY = dt.date(2026, 11, 1)


def invoiced(ids: list[int], today: dt.date):
    return (Invoice.objects.filter(customer_id__in=ids, invoice_date__lte=today).order_by("currency_id")
            .values("currency_id").annotate(total=Sum("gross_amount")))


def month_before(ids: list[int], today: dt.date):
    """A query whose parameter is derived from the value: it cannot be reused, only rebuilt."""
    return invoiced(ids, today - dt.timedelta(days=30))


@pytest.fixture
def customers(manager):
    found = [CustomerFactory(), CustomerFactory()]
    for n, (customer, amount, day) in enumerate([(found[0], "100.10", DAY), (found[0], "50.05", DAY + dt.timedelta(1)),
                                                 (found[1], "7.00", DAY - dt.timedelta(40))]):
        record_invoice(manager, {"customer": customer, "number": f"F-{n}", "invoice_date": day, "due_date": day,
                                 "currency_id": "CNY", "net_amount": Decimal(amount), "tax_amount": Decimal("0.00"),
                                 "gross_amount": Decimal(amount)})
    return [customer.pk for customer in found]


def test_the_same_rows_as_the_orm_for_every_value_and_list_length(customers):
    for ids, day in [(customers[:1], DAY), (customers[:1], DAY + dt.timedelta(1)), (customers, DAY),
                     (customers[1:], DAY)]:
        assert prepared_rows("test.invoiced", invoiced, {"ids": ids, "today": day}) == list(invoiced(ids, day))
    assert prepared_rows("test.invoiced", invoiced, {"ids": customers[:1], "today": DAY + dt.timedelta(1)}) == [
        {"currency_id": "CNY", "total": Decimal("150.15")}]


def test_a_query_with_a_derived_value_is_rebuilt_every_time(customers):
    assert prepared_rows("test.month-before", month_before, {"ids": customers, "today": DAY}) == [
        {"currency_id": "CNY", "total": Decimal("7.00")}]
    assert connections["default"].__dict__["creditdesk_prepared"][("test.month-before", 2, None)] is None
    assert prepared_rows("test.month-before", month_before, {"ids": customers, "today": DAY + dt.timedelta(40)}) == [
        {"currency_id": "CNY", "total": Decimal("157.15")}]
