"""The demo ledger history: the same seed gives the same ledger, every ledger adds up, each profile pays as it says."""

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO
from statistics import mean

import pytest
from django.core.management import call_command
from django.db.models import F, Q

from creditdesk.audit.models import AuditEntry
from creditdesk.currencies.models import ExchangeRate
from creditdesk.customers.demo import COUNTRY_BY_CODE, generate_portfolio
from creditdesk.receivables.demo import (
    RATE_LEVELS,
    DemoLedger,
    Profile,
    demo_accounts,
    generate_history,
    generate_rates,
    profile_of,
)
from creditdesk.receivables.models import Allocation, CreditNote, Invoice, Payment, SalesOrder
from creditdesk.receivables.selectors import (
    credit_notes_with_unallocated,
    invoices_with_open_amount,
    payments_with_unallocated,
)

TODAY = dt.date(2026, 11, 29)
EARLIEST = dt.date(2024, 11, 29)


@pytest.fixture(scope="module")
def portfolio():
    return generate_portfolio(200, 1, TODAY)


@pytest.fixture(scope="module")
def ledgers(portfolio) -> list[DemoLedger]:
    return generate_history(demo_accounts(portfolio), 1, TODAY)


def by_profile(ledgers: list[DemoLedger], profile: Profile) -> list[DemoLedger]:
    return [ledger for ledger in ledgers if ledger.profile is profile and ledger.invoices]


def days_late(ledger: DemoLedger) -> list[tuple[dt.date, int]]:
    """(due date, days after it) of every payment allocation."""
    return [(ledger.invoices[a.invoice].due_date, (a.allocated_on - ledger.invoices[a.invoice].due_date).days)
            for a in ledger.allocations if a.payment is not None]


def weekdays(first: dt.date, last: dt.date) -> int:
    return sum(1 for n in range((last - first).days + 1) if (first + dt.timedelta(days=n)).weekday() < 5)


def test_the_same_seed_gives_the_same_ledgers_whatever_else_is_generated(portfolio, ledgers):
    accounts = demo_accounts(portfolio)
    assert generate_history(accounts[:40], 1, TODAY) == ledgers[:40]
    other = generate_history(accounts[:40], 2, TODAY)
    assert [ledger.invoices for ledger in other] != [ledger.invoices for ledger in ledgers[:40]]
    usd = generate_rates(["USD"], 1, TODAY)
    assert [rate for rate in generate_rates(["EUR", "USD"], 1, TODAY) if rate.currency == "USD"] == usd


def test_the_first_ledgers_of_seed_1_stay_exactly_the_same(ledgers):
    first, second = ledgers[0], ledgers[1]
    assert (first.code, first.currency, first.profile, len(first.invoices), len(first.payments)) == (
        "C000001", "JPY", Profile.DEFAULTING, 24, 12)
    assert first.invoices[0].number == "INV-2412-C000001-1"
    assert (first.invoices[0].invoice_date, first.invoices[0].due_date, first.invoices[0].net) == (
        dt.date(2024, 12, 24), dt.date(2025, 3, 24), 7798063)
    assert (second.profile, len(second.invoices), len(second.payments), len(second.orders)) == (
        Profile.PROMPT, 61, 51, 3)
    assert Counter(ledger.profile for ledger in ledgers if ledger.invoices) == {
        Profile.PROMPT: 62, Profile.SLOW: 40, Profile.DISPUTING: 26, Profile.SEASONAL: 19,
        Profile.DETERIORATING: 19, Profile.DEFAULTING: 17}


def test_every_ledger_adds_up(portfolio, ledgers):
    for customer, ledger in zip(portfolio, ledgers, strict=True):
        on_invoice, from_payment, from_note = defaultdict(int), defaultdict(int), defaultdict(int)
        for a in ledger.allocations:
            assert a.amount > 0 and (a.payment is None) != (a.credit_note is None)
            on_invoice[a.invoice] += a.amount
            if a.payment is not None:
                from_payment[a.payment] += a.amount
                assert a.allocated_on == ledger.payments[a.payment].received_on
            else:
                from_note[a.credit_note] += a.amount
                note = ledger.credit_notes[a.credit_note]
                assert (a.allocated_on, a.invoice) == (note.issued_on, note.invoice)
            assert a.allocated_on >= ledger.invoices[a.invoice].invoice_date
        for index, invoice in enumerate(ledger.invoices):
            assert on_invoice[index] <= invoice.gross
            assert invoice.paid == (on_invoice[index] == invoice.gross)
            assert not (invoice.paid and invoice.disputed)
            assert invoice.tax == ((invoice.net * 13 + 50) // 100 if customer.country == "CN" else 0)
            assert invoice.due_date - invoice.invoice_date == dt.timedelta(days=customer.payment_terms_days)
        assert all(from_payment[index] <= p.amount for index, p in enumerate(ledger.payments))
        assert all(from_note[index] == n.amount for index, n in enumerate(ledger.credit_notes))
        assert ledger.currency == customer.currency
        if customer.status == "prospect":
            assert ledger.invoices == ledger.payments == ledger.orders == ()


def test_numbers_and_external_ids_are_unique(ledgers):
    for kind, key in (("invoices", "number"), ("credit_notes", "number"), ("payments", "external_id"),
                      ("orders", "number")):
        values = [getattr(item, key) for ledger in ledgers for item in getattr(ledger, kind)]
        assert len(values) == len(set(values)), kind


def test_every_date_is_within_the_24_months(ledgers):
    dates = [d for ledger in ledgers for d in (
        *(i.invoice_date for i in ledger.invoices), *(p.received_on for p in ledger.payments),
        *(n.issued_on for n in ledger.credit_notes), *(a.allocated_on for a in ledger.allocations),
        *(o.ordered_on for o in ledger.orders))]
    assert min(dates) >= EARLIEST and max(dates) <= TODAY
    assert min(dates) < dt.date(2025, 1, 1) and max(dates) > dt.date(2026, 11, 1)
    assert all(TODAY < o.expected_invoice_date <= TODAY + dt.timedelta(days=35) for ledger in ledgers
               for o in ledger.orders)


def test_every_profile_occurs_and_comes_from_seed_and_customer(portfolio, ledgers):
    assert {ledger.profile for ledger in ledgers if ledger.invoices} == set(Profile)
    for customer, ledger in zip(portfolio, ledgers, strict=True):
        assert profile_of(customer, 1) == ledger.profile
        if customer.status == "blocked":
            assert ledger.profile is Profile.DEFAULTING
    assert [profile_of(c, 1) for c in portfolio] != [profile_of(c, 2) for c in portfolio]


def test_prompt_payers_are_never_overdue_and_defaulters_stopped_paying_months_ago(ledgers):
    for ledger in by_profile(ledgers, Profile.PROMPT):
        assert all(late <= 0 for _, late in days_late(ledger))
        assert not [i for i in ledger.invoices if not i.paid and i.due_date < TODAY]
    for ledger in by_profile(ledgers, Profile.DEFAULTING):
        assert max(p.received_on for p in ledger.payments) < TODAY - dt.timedelta(days=180)
        assert [i for i in ledger.invoices if not i.paid and i.due_date < TODAY - dt.timedelta(days=28)]
        assert not ledger.orders


def test_slow_seasonal_and_deteriorating_payers_pay_late_as_their_profile_says(ledgers):
    slow = [late for ledger in by_profile(ledgers, Profile.SLOW) for _, late in days_late(ledger)]
    assert max(slow) <= 40 and 10 <= mean(slow) <= 40
    seasonal = [(due.month <= 3, late) for ledger in by_profile(ledgers, Profile.SEASONAL)
                for due, late in days_late(ledger)]
    assert mean(late for q1, late in seasonal if q1) > mean(late for q1, late in seasonal if not q1) + 20
    for ledger in by_profile(ledgers, Profile.DETERIORATING):
        lateness = days_late(ledger)
        early = [late for due, late in lateness if due < dt.date(2025, 6, 1)]
        late = [late for due, late in lateness if due >= dt.date(2026, 3, 1)]
        assert not early or not late or mean(late) > mean(early) + 15
        last_months = [i for i in ledger.invoices if i.invoice_date >= TODAY - dt.timedelta(days=60)]
        assert last_months and not any(i.paid for i in last_months)


def test_disputes_are_open_or_settled_by_credit_notes(ledgers):
    disputing = by_profile(ledgers, Profile.DISPUTING)
    assert sum(i.disputed for ledger in disputing for i in ledger.invoices) > 10
    assert not any(i.disputed for ledger in ledgers if ledger.profile is not Profile.DISPUTING for i in ledger.invoices)
    settled = [ledger.invoices[n.invoice] for ledger in disputing for n in ledger.credit_notes]
    assert len(settled) > 10 and sum(i.paid for i in settled) > len(settled) / 2


def test_payments_mostly_name_their_invoices(ledgers):
    named = together = plain = on_account = 0
    for ledger in ledgers:
        numbers = defaultdict(set)
        for a in ledger.allocations:
            if a.payment is not None:
                numbers[a.payment].add(ledger.invoices[a.invoice].number)
        for index, payment in enumerate(ledger.payments):
            if index not in numbers:
                on_account += 1
            elif all(number in payment.remittance_text for number in numbers[index]):
                named += 1
                together += len(numbers[index]) == 2
            else:
                assert not any(number in payment.remittance_text for number in numbers[index])
                plain += 1
            assert payment.bank_reference and payment.method
    assert (together, on_account) == (947, 6)
    assert 0.08 < plain / (named + plain) < 0.16


def test_rates_walk_around_realistic_levels_for_every_foreign_demo_currency():
    foreign = {country.currency for country in COUNTRY_BY_CODE.values()}
    assert foreign <= set(RATE_LEVELS)
    rates = generate_rates(foreign, 1, TODAY)
    assert rates == generate_rates(foreign, 1, TODAY)
    by_currency = defaultdict(list)
    for rate in rates:
        by_currency[rate.currency].append(rate)
        assert 0.9 < float(rate.rate) / RATE_LEVELS[rate.currency] < 1.1
    for currency, series in by_currency.items():
        assert series[0].rate_date == dt.date(2024, 11, 29), currency
        assert series[-1].rate_date == dt.date(2026, 11, 27)
        assert len(series) == weekdays(dt.date(2024, 11, 29), TODAY)
    assert by_currency["USD"][0].rate == Decimal("7.1")


def test_the_command_writes_exactly_the_generated_ledger_consistently(db):
    portfolio = generate_portfolio(40, 1, TODAY)
    expected = generate_history(demo_accounts(portfolio), 1, TODAY)
    currency = next(c.currency for c in portfolio if c.currency != "CNY")
    ExchangeRate.objects.create(currency_id=currency, rate_date=dt.date(2025, 6, 2), rate=Decimal("1.2345"))
    out = StringIO()
    call_command("demo_data", customers=40, seed=1, today=TODAY, stdout=out)
    invoices = sum(len(ledger.invoices) for ledger in expected)
    assert f"Added 24 months of ledger history: {invoices} invoices" in out.getvalue()
    ledger_orders = SalesOrder.objects.filter(source="demo")  # the demo's credit checks reserve orders of their own
    assert (Invoice.objects.count(), CreditNote.objects.count(), Payment.objects.count(), Allocation.objects.count(),
            ledger_orders.count()) == tuple(sum(len(getattr(ledger, kind)) for ledger in expected) for kind in (
                "invoices", "credit_notes", "payments", "allocations", "orders"))
    assert set(Invoice.objects.values_list("source", flat=True)) == {"demo"}
    assert not invoices_with_open_amount().filter(Q(open_amount__lt=0) | Q(open_amount=0, status="open")
                                                  | Q(status="paid") & ~Q(open_amount=0)).exists()
    assert not payments_with_unallocated().filter(unallocated__lt=0).exists()
    assert not credit_notes_with_unallocated().exclude(unallocated=0).exists()
    for side in ("payment", "credit_note"):
        assert not Allocation.objects.filter(**{f"{side}__isnull": False}).exclude(
            **{f"{side}__customer": F("invoice__customer"), f"{side}__currency": F("invoice__currency")}).exists()
    stored = {i.number: i for i in Invoice.objects.select_related("customer")}
    for ledger in expected:
        for i in ledger.invoices:
            row = stored[i.number]
            assert (row.customer.code, row.invoice_date, row.status, row.disputed) == (
                ledger.code, i.invoice_date, "paid" if i.paid else "open", i.disputed)
    for row in Invoice.objects.order_by("?")[:10]:
        row.full_clean()
    used = set(Invoice.objects.exclude(currency_id="CNY").values_list("currency_id", flat=True))
    for code in used:
        assert ExchangeRate.objects.filter(currency_id=code).count() == weekdays(EARLIEST, TODAY)
    assert ExchangeRate.objects.get(currency_id=currency, rate_date=dt.date(2025, 6, 2)).rate == Decimal("1.2345")
    assert AuditEntry.objects.filter(action="demo_data.load").count() == 1
    assert AuditEntry.objects.get(action="demo_history.load").changes["invoices"] == [None, invoices]


def test_no_history_loads_customers_only(db):
    call_command("demo_data", customers=5, seed=1, today=TODAY, history=False, stdout=StringIO())
    assert not Invoice.objects.exists() and not Payment.objects.exists() and not ExchangeRate.objects.exists()
