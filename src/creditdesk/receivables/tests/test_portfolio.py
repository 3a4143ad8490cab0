"""Portfolio aging for the month-end pack: in the functional currency, by segment, drilled to customers and items."""

import datetime as dt
from decimal import Decimal

import pytest

from creditdesk.currencies.models import ExchangeRate
from creditdesk.currencies.selectors import MissingExchangeRate
from creditdesk.receivables.kpis import period_kpis
from creditdesk.receivables.models import Invoice
from creditdesk.receivables.portfolio import (
    PortfolioFilter,
    aging_by_customer,
    bucket_items,
    customers_with_open_items,
    month_end,
    portfolio_aging,
    portfolio_invoices,
)
from creditdesk.receivables.services import allocate, record_invoice, record_payment
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal
AS_OF = dt.date(2026, 11, 30)


def bill(actor, customer, number: str, due: str, gross: str, currency: str = "CNY") -> Invoice:
    due_date = dt.date.fromisoformat(due)
    return record_invoice(actor, {"customer": customer, "number": number, "invoice_date": due_date - dt.timedelta(30),
                                  "due_date": due_date, "currency_id": currency, "net_amount": D(gross),
                                  "tax_amount": D("0.00"), "gross_amount": D(gross)})


@pytest.fixture
def book(analyst):
    """Shanghai owes 1,000 not due and 500 at 45 days; Hamburg owes USD 100 at 10 days (USD at 7.10)."""
    ExchangeRate.objects.create(currency_id="USD", rate_date=dt.date(2026, 11, 28), rate=D("7.10"))
    seller = UserFactory(username="li.sales", role="sales")
    shanghai = CustomerFactory(code="C000001", name="Shanghai Steel", country="CN", owner=seller)
    hamburg = CustomerFactory(code="C000002", name="Hamburg Trading", country="DE")
    bill(analyst, shanghai, "S-1", "2026-12-10", "1000.00")
    late = bill(analyst, shanghai, "S-2", "2026-10-16", "800.00")
    cash = record_payment(analyst, {"customer": shanghai, "received_on": dt.date(2026, 11, 1), "amount": D("300.00"),
                                    "currency_id": "CNY"})
    allocate(analyst, late, cash, D("300.00"), on=dt.date(2026, 11, 1))
    bill(analyst, hamburg, "H-1", "2026-11-20", "100.00", "USD")
    return {"seller": seller, "shanghai": shanghai, "hamburg": hamburg}


def test_the_portfolio_aging_is_in_the_functional_currency(manager, book):
    aging = portfolio_aging(portfolio_invoices(manager, PortfolioFilter()), AS_OF)
    assert (aging.currency, customers_with_open_items(portfolio_invoices(manager, PortfolioFilter()), AS_OF)) == (
        "CNY", 2)
    assert aging.amounts == {"not_due": D("1000.00"), "1_30": D("710.00"), "31_60": D("500.00"), "61_90": D("0.00"),
                             "91_180": D("0.00"), "181_365": D("0.00"), "over_365": D("0.00")}
    assert aging.total == D("2210.00")


def test_a_segment_and_a_sales_users_own_customers(manager, book):
    german = portfolio_invoices(manager, PortfolioFilter(country="DE"))
    assert (portfolio_aging(german, AS_OF).total, customers_with_open_items(german, AS_OF)) == (D("710.00"), 1)
    own = portfolio_invoices(book["seller"], PortfolioFilter())
    assert (portfolio_aging(own, AS_OF).total, customers_with_open_items(own, AS_OF)) == (D("1500.00"), 1)


def test_drill_down_from_a_bucket_to_customers_and_to_items(manager, book):
    invoices = portfolio_invoices(manager, PortfolioFilter())
    rows = [(r["customer__code"], r["not_due"], r["1_30"], r["31_60"], r["total"])
            for r in aging_by_customer(invoices, AS_OF)]
    assert rows == [("C000001", D("1000.00"), D("0.00"), D("500.00"), D("1500.00")),
                    ("C000002", D("0.00"), D("710.00"), D("0.00"), D("710.00"))]
    assert [r["customer__code"] for r in aging_by_customer(invoices, AS_OF, "31_60")] == ["C000001"]
    items = [(i.number, i.open_then, i.open_functional) for i in bucket_items(invoices, AS_OF, "1_30")]
    assert items == [("H-1", D("100.00"), D("710.00"))]
    assert [i.number for i in bucket_items(invoices, AS_OF)] == ["S-2", "H-1", "S-1"]


def test_an_unknown_bucket_is_refused(manager, book):
    with pytest.raises(ValueError):
        list(bucket_items(portfolio_invoices(manager, PortfolioFilter()), AS_OF, "1_45"))


def test_settled_history_in_a_currency_without_a_rate_does_not_stop_the_report(manager, analyst, book):
    hamburg = book["hamburg"]
    paid = bill(analyst, hamburg, "H-0", "2026-06-30", "40.00", "EUR")
    cash = record_payment(analyst, {"customer": hamburg, "received_on": dt.date(2026, 7, 1), "amount": D("40.00"),
                                    "currency_id": "EUR"})
    allocate(analyst, paid, cash, D("40.00"), on=dt.date(2026, 7, 1))
    assert portfolio_aging(portfolio_invoices(manager, PortfolioFilter()), AS_OF).total == D("2210.00")
    with pytest.raises(MissingExchangeRate):
        portfolio_aging(portfolio_invoices(manager, PortfolioFilter()), dt.date(2026, 6, 30))


def test_the_month_end_pack_gives_the_same_aging_and_kpis_from_two_queries(manager, book, django_assert_num_queries):
    invoices = portfolio_invoices(manager, PortfolioFilter())
    with django_assert_num_queries(4):  # invoices, allocations, the dollar rate for the aging and for the KPIs
        aging, kpis = month_end(invoices, dt.date(2026, 11, 1), AS_OF)
    assert aging == portfolio_aging(invoices, AS_OF)
    assert kpis == period_kpis(invoices, dt.date(2026, 11, 1), AS_OF)
    # AR 2 210 = 1 000 not yet due (S-1) + 500 left on S-2 + 710 for H-1 (USD 100 at 7.10)
    assert (kpis.ar, kpis.current_ar) == (aging.total, aging.amounts["not_due"])


def test_one_customers_kpis_and_aging_through_the_same_filter(manager, book):
    """Hamburg alone: USD 100 issued 21 Oct, due 20 Nov, open: 710.00 at 1–30 days; nothing sold in November."""
    hamburg = portfolio_invoices(manager, PortfolioFilter(customer_id=book["hamburg"].pk))
    aging, kpis = month_end(hamburg, dt.date(2026, 11, 1), AS_OF)
    assert (aging.total, aging.amounts["1_30"], kpis.credit_sales, kpis.dso) == (
        D("710.00"), D("710.00"), D("0.00"), None)
