"""Portfolio KPIs for a small portfolio worked out by hand: Sep–Nov 2026, in CNY, with one dollar invoice.

The portfolio (customer "cn" in China, customer "hk" in Hong Kong):
    I0  cn  10 Aug  due  9 Sep  2 000.00 CNY  paid in full 20 Sep     -> the opening AR on 31 Aug
    I1  cn  15 Sep  due 15 Oct  3 000.00 CNY  paid in full 10 Oct
    I2  cn  10 Oct  due  9 Nov  4 000.00 CNY  1 200.00 paid 5 Nov     -> 2 800.00 overdue on 30 Nov
    I3  cn  10 Nov  due 10 Dec  5 000.00 CNY  open                    -> current on 30 Nov
    I4  hk  20 Nov  due 20 Dec    100.00 USD  open, 7.1 on 30 Nov    -> 710.00 CNY, current on 30 Nov
Quarter 1 Sep – 30 Nov: 30 + 31 + 30 = 91 days.
    credit sales = 3 000 + 4 000 + 5 000 + 710 = 12 710.00
    AR on 30 Nov = 2 800 + 5 000 + 710 = 8 510.00, of which current 5 000 + 710 = 5 710.00
    opening AR (31 Aug) = 2 000.00
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from creditdesk.currencies.models import ExchangeRate
from creditdesk.currencies.selectors import MissingExchangeRate
from creditdesk.receivables.kpis import PeriodKpis, kpis_by_segment, monthly_kpis, period_kpis
from creditdesk.receivables.models import Allocation, Invoice, InvoiceStatus
from creditdesk.receivables.services import allocate, record_invoice, record_payment, reverse_allocation
from creditdesk.testing.factories import CustomerFactory

D = Decimal
SEP_1, AUG_31, NOV_30 = dt.date(2026, 9, 1), dt.date(2026, 8, 31), dt.date(2026, 11, 30)


def bill(actor, customer, number: str, issued: dt.date, due: dt.date, gross: str, currency: str = "CNY") -> Invoice:
    return record_invoice(actor, {"customer": customer, "number": number, "invoice_date": issued, "due_date": due,
                                  "currency_id": currency, "net_amount": D(gross), "tax_amount": D("0.00"),
                                  "gross_amount": D(gross)})


def pay(actor, invoice: Invoice, amount: str, on: dt.date) -> Allocation:
    cash = record_payment(actor, {"customer": invoice.customer, "received_on": on, "amount": D(amount),
                                  "currency_id": invoice.currency_id})
    return allocate(actor, invoice, cash, D(amount), on=on)


def rate(currency: str, on: dt.date, value: str) -> None:
    ExchangeRate.objects.create(currency_id=currency, rate_date=on, rate=D(value))


@pytest.fixture
def portfolio(analyst) -> dict[str, Invoice]:
    cn = CustomerFactory(country="CN", owner=analyst)
    hk = CustomerFactory(country="HK")
    invoices = {
        "I0": bill(analyst, cn, "I0", dt.date(2026, 8, 10), dt.date(2026, 9, 9), "2000.00"),
        "I1": bill(analyst, cn, "I1", dt.date(2026, 9, 15), dt.date(2026, 10, 15), "3000.00"),
        "I2": bill(analyst, cn, "I2", dt.date(2026, 10, 10), dt.date(2026, 11, 9), "4000.00"),
        "I3": bill(analyst, cn, "I3", dt.date(2026, 11, 10), dt.date(2026, 12, 10), "5000.00"),
        "I4": bill(analyst, hk, "I4", dt.date(2026, 11, 20), dt.date(2026, 12, 20), "100.00", "USD"),
    }
    pay(analyst, invoices["I0"], "2000.00", dt.date(2026, 9, 20))
    pay(analyst, invoices["I1"], "3000.00", dt.date(2026, 10, 10))
    pay(analyst, invoices["I2"], "1200.00", dt.date(2026, 11, 5))
    rate("USD", dt.date(2026, 11, 20), "7.0")  # the invoice date's rate is not the one used
    rate("USD", dt.date(2026, 11, 27), "7.1")  # the latest on or before the period end is
    rate("USD", dt.date(2026, 12, 1), "7.3")  # a later rate must not leak in
    return invoices


def quarter() -> PeriodKpis:
    return period_kpis(Invoice.objects.all(), SEP_1, NOV_30)


def test_the_quarter_worked_out_by_hand(portfolio):
    assert quarter() == PeriodKpis(
        period_start=SEP_1, period_end=NOV_30, currency="CNY",
        ar=D("8510.00"), current_ar=D("5710.00"), opening_ar=D("2000.00"), credit_sales=D("12710.00"),
        # 8 510 / 12 710 × 91 = 60.93
        dso=D("60.9"),
        # Nov: 8 510 − 5 710 sales = 2 800 left, 30 days; Oct: sales 4 000 cover it, 31 × 2 800 / 4 000 = 21.7
        dso_count_back=D("51.7"), dso_count_back_capped=False,
        # 5 710 / 12 710 × 91 = 40.88
        best_possible_dso=D("40.9"),
        # 60.9 − 40.9
        average_days_delinquent=D("20.0"),
        # collected (2 000 + 12 710 − 8 510 = 6 200) / collectible (2 000 + 12 710 − 5 710 = 9 000) = 68.89 %
        cei=D("68.9"),
    )


def test_the_dollar_invoice_counts_at_the_period_end_rate(portfolio):
    hk = kpis_by_segment(Invoice.objects.all(), SEP_1, NOV_30, "country")["HK"]
    assert (hk.credit_sales, hk.ar, hk.current_ar) == (D("710.00"), D("710.00"), D("710.00"))  # 100 × 7.1


def test_a_missing_rate_is_an_error_not_a_guess(portfolio):
    ExchangeRate.objects.all().delete()
    with pytest.raises(MissingExchangeRate):
        quarter()


def test_no_rate_is_needed_for_a_currency_with_nothing_in_the_period(portfolio):
    october = period_kpis(Invoice.objects.all(), dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    ExchangeRate.objects.all().delete()
    assert period_kpis(Invoice.objects.all(), dt.date(2026, 10, 1), dt.date(2026, 10, 31)) == october


def test_month_by_month(portfolio):
    sep, oct_, nov = monthly_kpis(Invoice.objects.all(), NOV_30, months=3)
    assert [(k.period_start, k.period_end) for k in (sep, oct_, nov)] == [
        (SEP_1, dt.date(2026, 9, 30)), (dt.date(2026, 10, 1), dt.date(2026, 10, 31)), (dt.date(2026, 11, 1), NOV_30)]
    # September: I0 paid, I1 (3 000) open and not yet due; sales 3 000 cover the AR within the month.
    assert (sep.opening_ar, sep.credit_sales, sep.ar, sep.current_ar) == (D("2000.00"), D("3000.00"),
                                                                         D("3000.00"), D("3000.00"))
    assert (sep.dso, sep.dso_count_back, sep.best_possible_dso, sep.average_days_delinquent, sep.cei) == (
        D("30.0"), D("30.0"), D("30.0"), D("0.0"), D("100.0"))
    # October: I1 paid, I2 (4 000) open and not yet due.
    assert (oct_.opening_ar, oct_.credit_sales, oct_.ar, oct_.current_ar) == (D("3000.00"), D("4000.00"),
                                                                             D("4000.00"), D("4000.00"))
    assert (oct_.dso, oct_.dso_count_back, oct_.best_possible_dso, oct_.average_days_delinquent, oct_.cei) == (
        D("31.0"), D("31.0"), D("31.0"), D("0.0"), D("100.0"))
    # November: DSO 8 510 / 5 710 × 30 = 44.71; BPDSO 5 710 / 5 710 × 30; count-back as for the quarter;
    # CEI (4 000 + 5 710 − 8 510) / (4 000 + 5 710 − 5 710) = 1 200 / 4 000.
    assert (nov.opening_ar, nov.credit_sales, nov.ar, nov.current_ar) == (D("4000.00"), D("5710.00"),
                                                                         D("8510.00"), D("5710.00"))
    assert (nov.dso, nov.dso_count_back, nov.best_possible_dso, nov.average_days_delinquent, nov.cei) == (
        D("44.7"), D("51.7"), D("30.0"), D("14.7"), D("30.0"))


def test_at_least_one_month(db):
    with pytest.raises(ValueError, match="at least one month"):
        monthly_kpis(Invoice.objects.all(), NOV_30, months=0)


def test_the_last_month_agrees_with_period_kpis(portfolio):
    assert monthly_kpis(Invoice.objects.all(), NOV_30, months=2)[-1] == period_kpis(
        Invoice.objects.all(), dt.date(2026, 11, 1), NOV_30)


def test_by_country(portfolio):
    result = kpis_by_segment(Invoice.objects.all(), SEP_1, NOV_30, "country")
    assert list(result) == ["CN", "HK"]
    cn, hk = result["CN"], result["HK"]
    # CN: sales 12 000, AR 7 800 (current 5 000), opening 2 000.
    assert (cn.credit_sales, cn.ar, cn.current_ar, cn.opening_ar) == (D("12000.00"), D("7800.00"), D("5000.00"),
                                                                       D("2000.00"))
    # DSO 7 800 / 12 000 × 91 = 59.15 (half up); BPDSO 5 000 / 12 000 × 91 = 37.92; ADD 59.2 − 37.9;
    # count-back 30 + 31 × 2 800 / 4 000; CEI 6 200 / 9 000.
    assert (cn.dso, cn.best_possible_dso, cn.average_days_delinquent, cn.dso_count_back, cn.cei) == (
        D("59.2"), D("37.9"), D("21.3"), D("51.7"), D("68.9"))
    # HK: 710 sold in November, all open and current: 91 days, count-back the 30 days of November;
    # nothing collectible (0 + 710 − 710), so no CEI.
    assert (hk.dso, hk.best_possible_dso, hk.average_days_delinquent, hk.dso_count_back, hk.cei) == (
        D("91.0"), D("91.0"), D("0.0"), D("30.0"), None)


def test_by_owner_and_collector_a_customer_without_one_is_under_the_empty_key(analyst, portfolio):
    by_owner = kpis_by_segment(Invoice.objects.all(), SEP_1, NOV_30, "owner")
    assert {key: k.ar for key, k in by_owner.items()} == {"": D("710.00"), str(analyst.pk): D("7800.00")}
    by_collector = kpis_by_segment(Invoice.objects.all(), SEP_1, NOV_30, "collector")
    assert list(by_collector) == [""]
    assert by_collector[""].ar == D("8510.00")


def test_by_industry_and_an_unknown_segment(portfolio):
    assert list(kpis_by_segment(Invoice.objects.all(), SEP_1, NOV_30, "industry")) == ["F"]
    with pytest.raises(ValueError, match="Unknown segment"):
        kpis_by_segment(Invoice.objects.all(), SEP_1, NOV_30, "customer__name")


def test_the_caller_scopes_the_portfolio(portfolio):
    only_hk = period_kpis(Invoice.objects.filter(customer__country="HK"), SEP_1, NOV_30)
    assert only_hk == kpis_by_segment(Invoice.objects.all(), SEP_1, NOV_30, "country")["HK"]


def test_cancelled_invoices_count_neither_as_sales_nor_as_ar(analyst, portfolio):
    before = quarter()
    wrong = bill(analyst, portfolio["I3"].customer, "X-1", dt.date(2026, 10, 5), dt.date(2026, 12, 5), "9999.00")
    Invoice.objects.filter(pk=wrong.pk).update(status=InvoiceStatus.CANCELLED)
    assert quarter() == before


def test_a_reversal_counts_from_its_day(analyst, portfolio):
    before = quarter()
    allocation = Allocation.objects.get(invoice=portfolio["I2"])
    reverse_allocation(analyst, allocation, "bounced")
    shanghai = ZoneInfo("Asia/Shanghai")
    Allocation.objects.filter(pk=allocation.pk).update(reversed_at=dt.datetime(2026, 12, 3, 10, tzinfo=shanghai))
    assert quarter() == before
    Allocation.objects.filter(pk=allocation.pk).update(reversed_at=dt.datetime(2026, 11, 20, 10, tzinfo=shanghai))
    after = quarter()
    # I2 is open in full again on 30 Nov: AR 8 510 + 1 200 = 9 710; 9 710 / 12 710 × 91 = 69.52;
    # CEI (2 000 + 12 710 − 9 710) / 9 000 = 5 000 / 9 000 = 55.56 %.
    assert (after.ar, after.dso, after.cei) == (D("9710.00"), D("69.5"), D("55.6"))


def test_no_sales_gives_no_ratios_and_count_back_walks_over_empty_months(analyst):
    customer = CustomerFactory()
    bill(analyst, customer, "OLD-1", dt.date(2026, 8, 10), dt.date(2026, 9, 9), "2000.00")
    kpis = quarter()
    assert (kpis.credit_sales, kpis.ar, kpis.current_ar) == (D("0.00"), D("2000.00"), D("0.00"))
    assert (kpis.dso, kpis.best_possible_dso, kpis.average_days_delinquent) == (None, None, None)
    # Nov, Oct, Sep sold nothing: 30 + 31 + 30; August's 2 000 cover the 2 000 left: + 31 × 2 000 / 2 000.
    assert (kpis.dso_count_back, kpis.dso_count_back_capped) == (D("122.0"), False)
    # Nothing was collected of the 2 000 + 0 − 0 collectible.
    assert kpis.cei == D("0.0")


def test_an_empty_portfolio(db):
    kpis = quarter()
    assert (kpis.ar, kpis.credit_sales, kpis.dso, kpis.dso_count_back, kpis.cei) == (
        D("0.00"), D("0.00"), None, D("0.0"), None)


def test_the_count_back_stops_after_24_months_and_says_so(analyst):
    bill(analyst, CustomerFactory(), "ANCIENT-1", dt.date(2024, 6, 15), dt.date(2024, 7, 15), "500.00")
    kpis = quarter()
    # Dec 2024 – Nov 2026 sold nothing: 24 months, 365 + 365 days, and the 500 still not covered.
    assert (kpis.dso_count_back, kpis.dso_count_back_capped) == (D("730.0"), True)


def test_a_period_ending_mid_month_walks_back_from_the_month_to_date(portfolio):
    # On 25 Nov: AR 2 800 (I2) + 5 000 (I3) + 700 (I4 at 7.0, the rate of 20 Nov); November to date sold 5 700
    # over 25 days, leaving 2 800 for October: 25 + 31 × 2 800 / 4 000 = 46.7.
    kpis = period_kpis(Invoice.objects.all(), dt.date(2026, 11, 1), dt.date(2026, 11, 25))
    assert (kpis.credit_sales, kpis.ar, kpis.dso_count_back) == (D("5700.00"), D("8500.00"), D("46.7"))


def test_the_queries_are_few_and_do_not_grow_with_the_invoices(portfolio, django_assert_num_queries):
    # one grouped sum of invoices, one of allocations, and the one dollar rate
    with django_assert_num_queries(3):
        quarter()
    with django_assert_num_queries(3):
        kpis_by_segment(Invoice.objects.all(), SEP_1, NOV_30, "owner")
    # the same two sums for every month at once, and the dollar rate at November's end
    with django_assert_num_queries(3):
        monthly_kpis(Invoice.objects.all(), NOV_30, months=3)
