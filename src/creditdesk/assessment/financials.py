"""Ratios and Altman Z'' from one financial statement (and the one before it, for growth).

Pure functions on Decimal, so a credit committee can redo every figure by hand: each ratio is rounded to four
places, and a ratio whose numerator or denominator is unknown, or whose denominator is zero, is None, never an
error. Ratios are fractions (0.25, not 25 %); days are days.

Flows set against balances (return on assets, asset turnover, X3 …) use the flow over twelve months, so an
interim statement (`period_months` below 12) compares with annual ones: an income statement line is scaled by
12 / months. Flows set against flows (margins, interest coverage) need no scaling.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _

PLACES = Decimal("0.0001")
PERCENT_PLACES = Decimal("0.1")
DAYS_IN_YEAR = Decimal(365)
MONTHS_IN_YEAR = 12
Z_WEIGHTS = (Decimal("6.56"), Decimal("3.26"), Decimal("6.72"), Decimal("1.05"))
EMERGING_MARKET_CONSTANT = Decimal("3.25")
SAFE_ABOVE = Decimal("2.6")
DISTRESS_BELOW = Decimal("1.1")


class Lines(Protocol):
    """What the calculators read of a statement; a FinancialStatement is one, so is any object with these."""

    @property
    def period_months(self) -> int: ...
    @property
    def current_assets(self) -> Decimal | None: ...
    @property
    def cash(self) -> Decimal | None: ...
    @property
    def receivables(self) -> Decimal | None: ...
    @property
    def inventory(self) -> Decimal | None: ...
    @property
    def total_assets(self) -> Decimal | None: ...
    @property
    def current_liabilities(self) -> Decimal | None: ...
    @property
    def total_liabilities(self) -> Decimal | None: ...
    @property
    def equity(self) -> Decimal | None: ...
    @property
    def retained_earnings(self) -> Decimal | None: ...
    @property
    def revenue(self) -> Decimal | None: ...
    @property
    def gross_profit(self) -> Decimal | None: ...
    @property
    def ebit(self) -> Decimal | None: ...
    @property
    def interest_expense(self) -> Decimal | None: ...
    @property
    def net_income(self) -> Decimal | None: ...
    @property
    def operating_cash_flow(self) -> Decimal | None: ...


class Zone(models.TextChoices):
    SAFE = "safe", _("Safe")
    GREY = "grey", _("Grey")
    DISTRESS = "distress", _("Distress")


@dataclass(frozen=True)
class Ratios:
    """The ratios of one statement, by the question they answer."""

    # liquidity: can it pay what falls due within the year?
    current_ratio: Decimal | None
    quick_ratio: Decimal | None
    cash_ratio: Decimal | None
    # leverage: how much of the business is financed by others?
    debt_ratio: Decimal | None
    debt_to_equity: Decimal | None
    equity_ratio: Decimal | None
    # profitability
    gross_margin: Decimal | None
    ebit_margin: Decimal | None
    net_margin: Decimal | None
    return_on_assets: Decimal | None
    return_on_equity: Decimal | None
    # activity
    asset_turnover: Decimal | None
    receivables_days: Decimal | None
    inventory_days: Decimal | None
    # coverage
    interest_coverage: Decimal | None
    cash_flow_to_current_liabilities: Decimal | None
    # growth against the previous period of the same length
    revenue_growth: Decimal | None
    net_income_growth: Decimal | None


@dataclass(frozen=True)
class AltmanZ:
    """Altman Z'' with its four inputs, the emerging-market score and the zone."""

    x1: Decimal | None
    x2: Decimal | None
    x3: Decimal | None
    x4: Decimal | None
    z: Decimal | None
    emerging_market_score: Decimal | None
    zone: Zone | None


def rounded(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """A quotient to four places; None rather than an error when a side is unknown or the denominator is zero."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return rounded(numerator / denominator)


def minus(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    """A difference of two lines is unknown when either is: an empty line is not taken as zero."""
    return None if a is None or b is None else a - b


def annual(flow: Decimal | None, months: int) -> Decimal | None:
    """An income statement line over twelve months, so interim statements compare with annual ones."""
    return None if flow is None else flow * MONTHS_IN_YEAR / months


def days_in_period(months: int) -> Decimal:
    return DAYS_IN_YEAR * months / MONTHS_IN_YEAR


def days(balance: Decimal | None, flow: Decimal | None, months: int) -> Decimal | None:
    """The brief's simple DSO: balance at period end / flow of the period × days in the period."""
    share = None if balance is None or flow is None or flow == 0 else balance / flow
    return None if share is None else rounded(share * days_in_period(months))


def positive_or_none(value: Decimal | None) -> Decimal | None:
    """Negative equity makes debt-to-equity and ROE meaningless (a loss over negative equity reads as a return);
    the equity ratio shows it instead."""
    return value if value is not None and value > 0 else None


def growth(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Change over the previous period's size, so growth out of a loss is positive: (now − before) / |before|."""
    if current is None or previous is None:
        return None
    return ratio(current - previous, abs(previous))


def ratios(statement: Lines, previous: Lines | None = None) -> Ratios:
    """Every ratio of one statement; growth only against a previous statement covering as many months."""
    s, months = statement, statement.period_months
    before = previous if previous is not None and previous.period_months == months else None
    return Ratios(
        current_ratio=ratio(s.current_assets, s.current_liabilities),
        quick_ratio=ratio(minus(s.current_assets, s.inventory), s.current_liabilities),
        cash_ratio=ratio(s.cash, s.current_liabilities),
        debt_ratio=ratio(s.total_liabilities, s.total_assets),
        debt_to_equity=ratio(s.total_liabilities, positive_or_none(s.equity)),
        equity_ratio=ratio(s.equity, s.total_assets),
        gross_margin=ratio(s.gross_profit, s.revenue),
        ebit_margin=ratio(s.ebit, s.revenue),
        net_margin=ratio(s.net_income, s.revenue),
        return_on_assets=ratio(annual(s.net_income, months), s.total_assets),
        return_on_equity=ratio(annual(s.net_income, months), positive_or_none(s.equity)),
        asset_turnover=ratio(annual(s.revenue, months), s.total_assets),
        receivables_days=days(s.receivables, s.revenue, months),
        inventory_days=days(s.inventory, s.revenue, months),
        interest_coverage=ratio(s.ebit, s.interest_expense),
        cash_flow_to_current_liabilities=ratio(annual(s.operating_cash_flow, months), s.current_liabilities),
        revenue_growth=growth(s.revenue, before.revenue if before else None),
        net_income_growth=growth(s.net_income, before.net_income if before else None),
    )


def zone(z: Decimal) -> Zone:
    """The brief's zones on Z'' without the constant: safe above 2.6, distress below 1.1, grey in between."""
    if z > SAFE_ABOVE:
        return Zone.SAFE
    return Zone.GREY if z >= DISTRESS_BELOW else Zone.DISTRESS


def altman_z(statement: Lines) -> AltmanZ:
    """Altman Z'' (private, non-manufacturing, emerging markets) as the brief defines it:

    Z'' = 6.56·X1 + 3.26·X2 + 6.72·X3 + 1.05·X4 (+3.25 constant in the emerging-market version), with
    X1 = working capital / total assets, X2 = retained earnings / total assets, X3 = EBIT / total assets,
    X4 = book equity / total liabilities; zones (without the constant) safe > 2.6, grey 1.1–2.6, distress < 1.1.

    Each X is rounded to four places first and Z'' is summed from those, so the sum can be redone from the
    figures shown. X3 takes EBIT over twelve months (an interim statement's EBIT × 12 / months).
    """
    s = statement
    xs = (ratio(minus(s.current_assets, s.current_liabilities), s.total_assets),
          ratio(s.retained_earnings, s.total_assets),
          ratio(annual(s.ebit, s.period_months), s.total_assets),
          ratio(s.equity, s.total_liabilities))
    known = [x for x in xs if x is not None]
    if len(known) < len(xs):
        return AltmanZ(*xs, z=None, emerging_market_score=None, zone=None)
    z = rounded(sum((weight * x for weight, x in zip(Z_WEIGHTS, known, strict=True)), Decimal(0)))
    return AltmanZ(*xs, z=z, emerging_market_score=z + EMERGING_MARKET_CONSTANT, zone=zone(z))


def percentile_rank(value: Decimal | None, population: list[Decimal]) -> Decimal | None:
    """Where a value stands among its peers, in percent: those below it plus half of those equal, over all.

    The population includes the value itself; a lone value stands at 50. None when the value is unknown.
    """
    if value is None or not population:
        return None
    below = sum(1 for peer in population if peer < value)
    equal = sum(1 for peer in population if peer == value)
    share = (Decimal(below) + Decimal(equal) / 2) * 100 / len(population)
    return share.quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)
