"""The recommended credit limit: the minimum of the limit rules that apply, each rule's amount shown beside it.

Every amount is in the functional currency at today's rate, to the cent (half up). A rule whose inputs are
missing (no statement, no rating, no sales) does not apply and says why; the recommendation is the smallest
amount of the rules that apply, and the first of them in the configuration's order binds on a tie. When no rule
applies there is no recommendation (amount None): a limit is then set on judgement alone.

The setting CREDITDESK_LIMIT_RULES replaces DEFAULT_LIMIT_RULES whole: a dict from rule code to that rule's
parameters, in the order the rules are shown; a rule left out is not used. Shares are fractions (0.14 = 14 %),
tables by rating give a value for every class 1 (best) … 10 (worst). The rules and their defaults:

- net_worth: equity of the latest statement × the share for the rating (20 % for class 1 down to 0 % for 10).
  Equity stands for tangible net worth: statements carry no line of intangibles to take off.
- working_capital: (current assets − current liabilities) × 25 %. Working capital of zero or less gives 0.00
  and the rule applies: leaving it out would let a customer short of liquidity get more than one with a cushion.
  Equity of zero or less is treated the same way by net_worth.
- sales: expected monthly sales × (the customer's payment terms + 15 buffer days) / 30, expected monthly sales
  being the credit sales (Σ gross amount of the invoices dated, cancelled ones left out) of the last 12 full
  calendar months / 12.
- rating_cap: a fixed cap per rating class (20,000,000.00 for class 1 … 0.00 for class 10).
- own_equity: 10 % of our own equity, the setting CREDITDESK_OWN_EQUITY (functional currency); unset, the rule
  does not apply.
- portfolio: the customer's limit is at most 10 % of all standard limits in force once it is added:
  share × the other customers' standard limits in force / (1 − share). Temporary limits stand in for standard
  ones for a while and group limits overlap their members', so neither is counted.
- insurer_cover: the insurer's limit on the buyer. No insurance cover is recorded anywhere yet, so the rule is
  listed and never applies.

A foreign-currency statement, invoice or limit without an exchange rate on or before today raises
MissingExchangeRate: a limit is never recommended on a guessed rate.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from creditdesk.assessment.financials import minus
from creditdesk.assessment.models import FinancialStatement
from creditdesk.currencies.selectors import functional_currency
from creditdesk.customers.models import Customer
from creditdesk.limits.models import CreditLimit, LimitKind
from creditdesk.limits.selectors import in_force
from creditdesk.receivables.figures import live_invoices, money_sum, months_back
from creditdesk.receivables.kpis import converter
from creditdesk.receivables.selectors import cents

Text = str | Promise
Params = Mapping[str, Any]
SALES_MONTHS = 12
DAYS_IN_MONTH = 30
ZERO = Decimal("0.00")

NET_WORTH, WORKING_CAPITAL, SALES, RATING_CAP = "net_worth", "working_capital", "sales", "rating_cap"
OWN_EQUITY, PORTFOLIO, INSURER_COVER = "own_equity", "portfolio", "insurer_cover"

DEFAULT_LIMIT_RULES: dict[str, dict[str, Any]] = {
    NET_WORTH: {"share_by_rating": {1: "0.20", 2: "0.18", 3: "0.16", 4: "0.14", 5: "0.12", 6: "0.10", 7: "0.075",
                                    8: "0.05", 9: "0.025", 10: "0"}},
    WORKING_CAPITAL: {"share": "0.25"},
    SALES: {"buffer_days": 15},
    RATING_CAP: {"cap_by_rating": {1: "20000000.00", 2: "15000000.00", 3: "10000000.00", 4: "5000000.00",
                                   5: "3000000.00", 6: "2000000.00", 7: "1000000.00", 8: "500000.00",
                                   9: "200000.00", 10: "0.00"}},
    OWN_EQUITY: {"share": "0.10"},
    PORTFOLIO: {"share": "0.10"},
    INSURER_COVER: {},
}

LABELS: dict[str, Text] = {
    NET_WORTH: _("Share of tangible net worth"),
    WORKING_CAPITAL: _("Share of working capital"),
    SALES: _("Expected sales over the payment terms"),
    RATING_CAP: _("Cap by rating"),
    OWN_EQUITY: _("Concentration: our own equity"),
    PORTFOLIO: _("Concentration: all limits in force"),
    INSURER_COVER: _("Insurer cover"),
}
NO_STATEMENT = _("No financial statement.")
NO_RATING = _("No rating.")
NO_CURRENT_LINES = _("The latest statement has no current assets or no current liabilities.")
NO_SALES = _("No credit sales in the last 12 full months.")
NO_OWN_EQUITY = _("Our own equity is not set (CREDITDESK_OWN_EQUITY).")
NO_OTHER_LIMITS = _("No other customer has a standard limit in force.")
NO_INSURANCE = _("No insurance cover recorded.")
NO_EQUITY = _("Equity is not positive: no credit on it.")
NO_WORKING_CAPITAL = _("Working capital is not positive: no credit on it.")


@dataclass(frozen=True)
class Inputs:
    """What the rules weigh, every amount already in the functional currency at today's rate."""

    equity: Decimal | None  # None: no statement
    working_capital: Decimal | None  # None: no statement, or one without current assets or liabilities
    credit_sales: Decimal  # the last 12 full calendar months
    payment_terms_days: int
    other_limits: Decimal  # the other customers' standard limits in force
    own_equity: Decimal | None


@dataclass(frozen=True)
class RuleResult:
    """One rule's verdict: its amount when it applies, and the basis of it or why it does not apply."""

    code: str
    label: Text
    amount: Decimal | None
    applies: bool
    reason: Text


@dataclass(frozen=True)
class Recommendation:
    """The recommended limit (None when no rule applies), every rule's result, and the code of the one that binds."""

    amount: Decimal | None
    currency: str
    rules: list[RuleResult]
    binding: str | None


Rule = Callable[[Inputs, int | None, Params], RuleResult]


def applying(code: str, amount: Decimal, reason: Text) -> RuleResult:
    return RuleResult(code, LABELS[code], cents(amount), True, reason)


def not_applying(code: str, reason: Text) -> RuleResult:
    return RuleResult(code, LABELS[code], None, False, reason)


def decimal(value: Any) -> Decimal:
    """A configured number, written as a string, int or Decimal."""
    return Decimal(str(value))


def percent(share: Decimal) -> str:
    """A share as the policy states it: 0.14 → "14 %", 0.075 → "7.5 %"."""
    return f"{(share * 100).normalize():f} %"


def net_worth(inputs: Inputs, rating: int | None, params: Params) -> RuleResult:
    """Equity absorbs a loss before we bear it: the worse the rating, the smaller the share lent against it."""
    if inputs.equity is None:
        return not_applying(NET_WORTH, NO_STATEMENT)
    if rating is None:
        return not_applying(NET_WORTH, NO_RATING)
    if inputs.equity <= 0:
        return applying(NET_WORTH, ZERO, NO_EQUITY)
    share = decimal(params["share_by_rating"][rating])
    return applying(NET_WORTH, inputs.equity * share,
                    format_lazy(_("{share} of equity for rating {rating}."), share=percent(share), rating=rating))


def working_capital(inputs: Inputs, rating: int | None, params: Params) -> RuleResult:
    """We are paid out of current assets, after the liabilities that fall due with ours."""
    if inputs.equity is None:
        return not_applying(WORKING_CAPITAL, NO_STATEMENT)
    if inputs.working_capital is None:
        return not_applying(WORKING_CAPITAL, NO_CURRENT_LINES)
    if inputs.working_capital <= 0:
        return applying(WORKING_CAPITAL, ZERO, NO_WORKING_CAPITAL)
    share = decimal(params["share"])
    return applying(WORKING_CAPITAL, inputs.working_capital * share,
                    format_lazy(_("{share} of current assets less current liabilities."), share=percent(share)))


def sales(inputs: Inputs, rating: int | None, params: Params) -> RuleResult:
    """Enough credit for the sales open over the terms, plus a buffer for payments a little late."""
    if not inputs.credit_sales:
        return not_applying(SALES, NO_SALES)
    terms, buffer = inputs.payment_terms_days, int(params["buffer_days"])
    return applying(SALES, inputs.credit_sales / SALES_MONTHS * (terms + buffer) / DAYS_IN_MONTH, format_lazy(
        _("Credit sales of the last 12 full months / 12 × ({terms} days of terms + {buffer} buffer days) / 30."),
        terms=terms, buffer=buffer))


def rating_cap(inputs: Inputs, rating: int | None, params: Params) -> RuleResult:
    """A ceiling per class that no figure can lift."""
    if rating is None:
        return not_applying(RATING_CAP, NO_RATING)
    return applying(RATING_CAP, decimal(params["cap_by_rating"][rating]),
                    format_lazy(_("The cap for rating {rating}."), rating=rating))


def own_equity(inputs: Inputs, rating: int | None, params: Params) -> RuleResult:
    """No single customer's failure may cost more than a share of our own capital."""
    if inputs.own_equity is None:
        return not_applying(OWN_EQUITY, NO_OWN_EQUITY)
    share = decimal(params["share"])
    return applying(OWN_EQUITY, inputs.own_equity * share,
                    format_lazy(_("{share} of our own equity."), share=percent(share)))


def portfolio(inputs: Inputs, rating: int | None, params: Params) -> RuleResult:
    """L ≤ share × (others + L) solved for L, so the share holds once the new limit is in force."""
    share = decimal(params["share"])
    if not 0 <= share < 1:
        raise ImproperlyConfigured(f"CREDITDESK_LIMIT_RULES: the portfolio share must be below 1, not {share}.")
    if not inputs.other_limits:
        return not_applying(PORTFOLIO, NO_OTHER_LIMITS)
    return applying(PORTFOLIO, inputs.other_limits * share / (1 - share), format_lazy(
        _("At most {share} of all standard limits in force, this one included."), share=percent(share)))


def insurer_cover(inputs: Inputs, rating: int | None, params: Params) -> RuleResult:
    """Applies once an insurer's limit on the buyer is recorded; the insurance issue will feed it."""
    return not_applying(INSURER_COVER, NO_INSURANCE)


RULES: dict[str, Rule] = {
    NET_WORTH: net_worth, WORKING_CAPITAL: working_capital, SALES: sales, RATING_CAP: rating_cap,
    OWN_EQUITY: own_equity, PORTFOLIO: portfolio, INSURER_COVER: insurer_cover,
}


def limit_rules() -> Mapping[str, Params]:
    """The rules in force, read on every call so a changed setting needs no restart."""
    configured: Mapping[str, Params] = getattr(settings, "CREDITDESK_LIMIT_RULES", DEFAULT_LIMIT_RULES)
    unknown = set(configured) - set(RULES)
    if unknown:
        raise ImproperlyConfigured(f"CREDITDESK_LIMIT_RULES: unknown rules {sorted(unknown)}; "
                                   f"the rules are {list(RULES)}.")
    return configured


def recommend(inputs: Inputs, rating: int | None, rules: Mapping[str, Params]) -> Recommendation:
    """Every configured rule on the inputs; the smallest amount of those that apply binds."""
    results = [RULES[code](inputs, rating, params) for code, params in rules.items()]
    amounts = [(result.amount, result.code) for result in results if result.amount is not None]
    amount, binding = min(amounts, key=lambda pair: pair[0], default=(None, None))
    return Recommendation(amount, functional_currency(), results, binding)


def recommend_limit(customer: Customer, rating: int | None, today: dt.date) -> Recommendation:
    """The recommended limit for the customer at `rating` (1 best … 10 worst, None: not rated) as of today.

    Three queries (latest statement, credit sales by currency, other customers' limits by currency) and one
    exchange rate per foreign currency among them.
    """
    return recommend(load_inputs(customer, today), rating, limit_rules())


def load_inputs(customer: Customer, today: dt.date) -> Inputs:
    """The rules' inputs from the credit file, the ledger and the limits, converted at today's rates."""
    convert = converter(today)
    statement = (FinancialStatement.objects.filter(customer=customer, period_end__lte=today)
                 .order_by("-period_end").first())
    equity = working = None
    if statement is not None:
        equity = cents(convert(statement.equity, statement.currency_id))
        gap = minus(statement.current_assets, statement.current_liabilities)
        working = None if gap is None else cents(convert(gap, statement.currency_id))
    return Inputs(equity=equity, working_capital=working,
                  credit_sales=in_functional(credit_sales(customer, today), convert),
                  payment_terms_days=customer.payment_terms_days,
                  other_limits=in_functional(other_limits(customer, today), convert),
                  own_equity=own_equity_setting())


def credit_sales(customer: Customer, today: dt.date) -> QuerySet[Any]:
    """Per currency, Σ gross amount of the invoices dated in the last 12 full calendar months before today's."""
    this_month = today.replace(day=1)
    return (live_invoices([customer.pk])
            .filter(invoice_date__gte=months_back(this_month, SALES_MONTHS), invoice_date__lt=this_month)
            .order_by().values("currency_id").annotate(total=money_sum("gross_amount")))


def other_limits(customer: Customer, today: dt.date) -> QuerySet[Any]:
    """Per currency, Σ standard limits in force of every other customer."""
    return (CreditLimit.objects.filter(in_force(today), kind=LimitKind.STANDARD).exclude(customer=customer)
            .order_by().values("currency_id").annotate(total=money_sum("amount")))


def in_functional(rows: QuerySet[Any], convert: Callable[[Decimal, str], Decimal]) -> Decimal:
    """Per-currency totals summed in the functional currency, to the cent."""
    return cents(sum((convert(row["total"], row["currency_id"]) for row in rows), ZERO))


def own_equity_setting() -> Decimal | None:
    value = getattr(settings, "CREDITDESK_OWN_EQUITY", None)
    return None if value is None else decimal(value)
