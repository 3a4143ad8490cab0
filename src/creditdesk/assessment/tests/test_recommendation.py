"""The recommended limit on a customer worked out by hand, rule by rule.

Unless a test says otherwise, on 15 March 2026, the customer C000001 (CNY, payment terms 60 days, rated 4) has:
- the hand-worked statement to 31 December 2025: equity 400,000.00, current assets 400,000.00, current
  liabilities 250,000.00, so working capital 150,000.00;
- one invoice of 10,000.00 in each of the 12 full months March 2025 … February 2026: credit sales 120,000.00
  (invoices of 28 February 2025 and 1 March 2026, and a cancelled one, are left out);
- a standard limit of its own (left out of the portfolio) beside another customer's standard limit of
  900,000.00 in force (its requested and temporary limits are left out);
- our own equity set at 3,000,000.00.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.assessment.recommendation import (
    DEFAULT_LIMIT_RULES,
    Inputs,
    Recommendation,
    recommend,
    recommend_limit,
)
from creditdesk.assessment.tests.factories import FinancialStatementFactory
from creditdesk.currencies.models import ExchangeRate
from creditdesk.currencies.selectors import MissingExchangeRate
from creditdesk.limits.models import CreditLimit, LimitKind, LimitStatus
from creditdesk.receivables.models import Invoice, InvoiceStatus
from creditdesk.receivables.services import record_invoice
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal
TODAY = dt.date(2026, 3, 15)
MONTHS = [dt.date(2025, month, 10) for month in range(3, 13)] + [dt.date(2026, 1, 10), dt.date(2026, 2, 10)]


def bill(actor, customer, number: str, issued: dt.date, gross: str, currency: str = "CNY") -> Invoice:
    return record_invoice(actor, {"customer": customer, "number": number, "invoice_date": issued,
                                  "due_date": issued + dt.timedelta(days=60), "currency_id": currency,
                                  "net_amount": D(gross), "tax_amount": D("0.00"), "gross_amount": D(gross)})


def limit(customer, amount: str, kind: str = LimitKind.STANDARD, status: str = LimitStatus.ACTIVE) -> CreditLimit:
    return CreditLimit.objects.create(customer=customer, kind=kind, amount=D(amount), currency_id="CNY",
                                      valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 12, 31),
                                      justification="test", requested_by=UserFactory(),
                                      approver_roles="credit_manager", status=status)


def verdicts(recommendation: Recommendation) -> list[tuple[str, Decimal | None, bool, str]]:
    return [(rule.code, rule.amount, rule.applies, str(rule.reason)) for rule in recommendation.rules]


@pytest.fixture
def customer(analyst, settings):
    settings.CREDITDESK_OWN_EQUITY = "3000000.00"
    customer = CustomerFactory(code="C000001", payment_terms_days=60)
    FinancialStatementFactory(customer=customer, period_end=dt.date(2025, 12, 31))
    for n, day in enumerate(MONTHS):
        bill(analyst, customer, f"F-{n}", day, "10000.00")
    bill(analyst, customer, "F-OLD", dt.date(2025, 2, 28), "50000.00")
    bill(analyst, customer, "F-NOW", dt.date(2026, 3, 1), "50000.00")
    bill(analyst, customer, "F-CANCELLED", dt.date(2025, 7, 1), "50000.00")
    Invoice.objects.filter(number="F-CANCELLED").update(status=InvoiceStatus.CANCELLED)
    limit(customer, "80000.00")
    other = CustomerFactory(code="C000002")
    limit(other, "900000.00")
    limit(other, "500000.00", status=LimitStatus.REQUESTED)
    limit(other, "200000.00", kind=LimitKind.TEMPORARY)
    return customer


def test_every_rule_worked_out_by_hand_and_the_sales_rule_binds(customer):
    result = recommend_limit(customer, 4, TODAY)
    assert verdicts(result) == [
        # 400,000.00 equity × 14 % for rating 4
        ("net_worth", D("56000.00"), True, "14 % of equity for rating 4."),
        # (400,000.00 − 250,000.00) × 25 %
        ("working_capital", D("37500.00"), True, "25 % of current assets less current liabilities."),
        # 120,000.00 / 12 = 10,000.00 a month × (60 + 15) / 30 = 25,000.00
        ("sales", D("25000.00"), True,
         "Credit sales of the last 12 full months / 12 × (60 days of terms + 15 buffer days) / 30."),
        ("rating_cap", D("5000000.00"), True, "The cap for rating 4."),
        # 3,000,000.00 × 10 %
        ("own_equity", D("300000.00"), True, "10 % of our own equity."),
        # L = 10 % × (900,000.00 + L)  ⇒  L = 900,000.00 × 0.10 / 0.90 = 100,000.00
        ("portfolio", D("100000.00"), True, "At most 10 % of all standard limits in force, this one included."),
        ("insurer_cover", None, False, "No insurance cover recorded."),
    ]
    assert (result.amount, result.currency, result.binding) == (D("25000.00"), "CNY", "sales")
    assert str(result.rules[2].label) == "Expected sales over the payment terms"


def test_a_worse_rating_lets_tangible_net_worth_bind(customer):
    """Rating 9: 400,000.00 × 2.5 % = 10,000.00, below the sales rule's 25,000.00; the cap falls to 200,000.00."""
    result = recommend_limit(customer, 9, TODAY)
    assert (result.amount, result.binding) == (D("10000.00"), "net_worth")
    assert [(rule.code, rule.amount) for rule in result.rules[:4]] == [
        ("net_worth", D("10000.00")), ("working_capital", D("37500.00")), ("sales", D("25000.00")),
        ("rating_cap", D("200000.00"))]


def test_three_queries_whatever_the_history(customer, django_assert_max_num_queries):
    """The latest statement, the year's sales by currency, the other customers' limits by currency."""
    with django_assert_max_num_queries(3):
        recommend_limit(customer, 4, TODAY)


def test_rules_without_their_inputs_do_not_apply_and_say_why(db):
    """A prospect: no statement, no invoices, no rating, our equity not set and nobody else with a limit."""
    result = recommend_limit(CustomerFactory(), None, TODAY)
    assert verdicts(result) == [
        ("net_worth", None, False, "No financial statement."),
        ("working_capital", None, False, "No financial statement."),
        ("sales", None, False, "No credit sales in the last 12 full months."),
        ("rating_cap", None, False, "No rating."),
        ("own_equity", None, False, "Our own equity is not set (CREDITDESK_OWN_EQUITY)."),
        ("portfolio", None, False, "No other customer has a standard limit in force."),
        ("insurer_cover", None, False, "No insurance cover recorded."),
    ]
    assert (result.amount, result.binding) == (None, None)


def test_a_statement_without_current_lines_leaves_only_working_capital_out(customer):
    FinancialStatementFactory(customer=customer, period_end=dt.date(2026, 2, 28), current_liabilities=None)
    rules = {rule.code: rule for rule in recommend_limit(customer, 4, TODAY).rules}
    assert (rules["working_capital"].applies, str(rules["working_capital"].reason)) == (
        False, "The latest statement has no current assets or no current liabilities.")
    assert rules["net_worth"].amount == D("56000.00")


def test_a_statement_after_today_is_not_yet_the_latest(customer):
    FinancialStatementFactory(customer=customer, period_end=dt.date(2026, 3, 31), equity=D("1000.00"))
    assert recommend_limit(customer, 4, TODAY).rules[0].amount == D("56000.00")


def test_negative_working_capital_gives_nothing_and_binds(customer):
    """Current assets 200,000.00 against current liabilities 250,000.00: working capital −50,000.00."""
    FinancialStatementFactory(customer=customer, period_end=dt.date(2026, 2, 28), current_assets=D("200000.00"))
    result = recommend_limit(customer, 4, TODAY)
    assert (result.amount, result.binding) == (D("0.00"), "working_capital")
    assert str(result.rules[1].reason) == "Working capital is not positive: no credit on it."


def test_foreign_figures_are_converted_at_todays_rate(analyst, django_assert_max_num_queries):
    """A USD statement (equity 100,000.00, current assets 60,000.00, current liabilities 40,000.00), a USD invoice
    of 1,000.00 and a CNY one of 4,900.00, at 7.1 (the rate of 1 March; 7.3 of 20 March is after today):
        net worth        100,000.00 × 7.1 = 710,000.00 × 20 % for rating 1 = 142,000.00
        working capital  20,000.00 × 7.1 = 142,000.00 × 25 %                 =  35,500.00
        sales            (7,100.00 + 4,900.00) / 12 = 1,000.00 × (30 + 15) / 30 = 1,500.00, binding
    One more query than in CNY: the USD rate, read once for the statement and the invoice."""
    customer = CustomerFactory(payment_terms_days=30)
    FinancialStatementFactory(customer=customer, currency_id="USD", equity=D("100000.00"),
                              current_assets=D("60000.00"), cash=D("10000.00"), receivables=D("20000.00"),
                              inventory=D("15000.00"), current_liabilities=D("40000.00"),
                              total_assets=D("250000.00"), total_liabilities=D("150000.00"))
    bill(analyst, customer, "F-USD", dt.date(2025, 6, 10), "1000.00", "USD")
    bill(analyst, customer, "F-CNY", dt.date(2025, 9, 10), "4900.00")
    for day, rate in ((dt.date(2026, 1, 1), "7.0"), (dt.date(2026, 3, 1), "7.1"), (dt.date(2026, 3, 20), "7.3")):
        ExchangeRate.objects.create(currency_id="USD", rate_date=day, rate=D(rate))
    with django_assert_max_num_queries(4):
        result = recommend_limit(customer, 1, TODAY)
    assert [(rule.code, rule.amount) for rule in result.rules[:3]] == [
        ("net_worth", D("142000.00")), ("working_capital", D("35500.00")), ("sales", D("1500.00"))]
    assert (result.amount, result.binding) == (D("1500.00"), "sales")


def test_no_limit_is_recommended_on_a_missing_rate(db):
    statement = FinancialStatementFactory(currency_id="USD")
    with pytest.raises(MissingExchangeRate):
        recommend_limit(statement.customer, 4, TODAY)


def test_the_setting_chooses_the_rules_and_their_order(customer, settings):
    settings.CREDITDESK_LIMIT_RULES = {"rating_cap": {"cap_by_rating": {4: "20000.00"}},
                                       "working_capital": {"share": "0.5"}}
    result = recommend_limit(customer, 4, TODAY)
    assert [(rule.code, rule.amount) for rule in result.rules] == [
        ("rating_cap", D("20000.00")), ("working_capital", D("75000.00"))]
    assert (result.amount, result.binding) == (D("20000.00"), "rating_cap")


def test_an_unknown_rule_or_an_impossible_share_is_refused(customer, settings):
    settings.CREDITDESK_LIMIT_RULES = {"sales": {"buffer_days": 15}, "turnover": {}}
    with pytest.raises(ImproperlyConfigured, match="turnover"):
        recommend_limit(customer, 4, TODAY)
    settings.CREDITDESK_LIMIT_RULES = {"portfolio": {"share": "1"}}
    with pytest.raises(ImproperlyConfigured, match="below 1"):
        recommend_limit(customer, 4, TODAY)


def figures(equity: str | None = "100000.00", working_capital: str | None = "40000.00") -> Inputs:
    return Inputs(equity=None if equity is None else D(equity),
                  working_capital=None if working_capital is None else D(working_capital),
                  credit_sales=D("0.00"), payment_terms_days=30, other_limits=D("0.00"), own_equity=None)


def test_on_a_tie_the_first_rule_in_the_configuration_binds():
    """Rating 6: 100,000.00 × 10 % = 10,000.00 = 40,000.00 × 25 %."""
    both = {"net_worth": DEFAULT_LIMIT_RULES["net_worth"], "working_capital": DEFAULT_LIMIT_RULES["working_capital"]}
    assert recommend(figures(), 6, both).binding == "net_worth"
    assert recommend(figures(), 6, dict(reversed(both.items()))).binding == "working_capital"


def test_negative_equity_gives_nothing():
    result = recommend(figures(equity="-5000.00"), 3, {"net_worth": DEFAULT_LIMIT_RULES["net_worth"]})
    assert (result.amount, str(result.rules[0].reason)) == (D("0.00"), "Equity is not positive: no credit on it.")


money = st.decimals(min_value=-10**9, max_value=10**10, places=2, allow_nan=False, allow_infinity=False)
positive_money = st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False)


@given(
    inputs=st.builds(Inputs, equity=st.none() | money, working_capital=st.none() | money,
                     credit_sales=positive_money, payment_terms_days=st.integers(0, 365),
                     other_limits=positive_money, own_equity=st.none() | positive_money),
    rating=st.none() | st.integers(1, 10),
    codes=st.lists(st.sampled_from(list(DEFAULT_LIMIT_RULES)), unique=True),
)
def test_the_recommendation_is_the_smallest_applicable_amount(inputs, rating, codes):
    result = recommend(inputs, rating, {code: DEFAULT_LIMIT_RULES[code] for code in codes})
    amounts = [rule.amount for rule in result.rules if rule.applies]
    assert all(amount is not None and amount >= 0 for amount in amounts)
    assert [rule.code for rule in result.rules] == codes
    if not amounts:
        assert (result.amount, result.binding) == (None, None)
        return
    assert result.amount in amounts
    assert all(result.amount <= amount for amount in amounts)
    assert next(rule.amount for rule in result.rules if rule.code == result.binding) == result.amount
