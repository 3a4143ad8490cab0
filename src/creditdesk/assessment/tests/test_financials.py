"""Ratios and Altman Z'' on a statement worked by hand.

The statement (CNY thousands in the comments, twelve months): current assets 400 of which cash 50,
receivables 150, inventory 120; total assets 1,000; current liabilities 250, total liabilities 600, equity
400, retained earnings 180; revenue 2,000, gross profit 500, EBIT 120, interest 30, net income 70, operating
cash flow 100. The year before: revenue 1,600, net income 80. Every figure below is worked out next to it.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.assessment.financials import AltmanZ, Ratios, Zone, altman_z, percentile_rank, ratios, zone

D = Decimal


@dataclass(frozen=True)
class Figures:
    """A statement without a database: what the calculators read."""

    period_months: int
    current_assets: Decimal | None
    cash: Decimal | None
    receivables: Decimal | None
    inventory: Decimal | None
    total_assets: Decimal | None
    current_liabilities: Decimal | None
    total_liabilities: Decimal | None
    equity: Decimal | None
    retained_earnings: Decimal | None
    revenue: Decimal | None
    gross_profit: Decimal | None
    ebit: Decimal | None
    interest_expense: Decimal | None
    net_income: Decimal | None
    operating_cash_flow: Decimal | None


STATEMENT = Figures(
    period_months=12,
    current_assets=D("400000.00"),
    cash=D("50000.00"),
    receivables=D("150000.00"),
    inventory=D("120000.00"),
    total_assets=D("1000000.00"),
    current_liabilities=D("250000.00"),
    total_liabilities=D("600000.00"),
    equity=D("400000.00"),
    retained_earnings=D("180000.00"),
    revenue=D("2000000.00"),
    gross_profit=D("500000.00"),
    ebit=D("120000.00"),
    interest_expense=D("30000.00"),
    net_income=D("70000.00"),
    operating_cash_flow=D("100000.00"),
)
YEAR_BEFORE = replace(STATEMENT, revenue=D("1600000.00"), net_income=D("80000.00"))


def test_every_ratio_of_the_hand_worked_statement():
    assert ratios(STATEMENT, YEAR_BEFORE) == Ratios(
        current_ratio=D("1.6000"),  # 400 / 250
        quick_ratio=D("1.1200"),  # (400 − 120) / 250 = 280 / 250
        cash_ratio=D("0.2000"),  # 50 / 250
        debt_ratio=D("0.6000"),  # 600 / 1,000
        debt_to_equity=D("1.5000"),  # 600 / 400
        equity_ratio=D("0.4000"),  # 400 / 1,000
        gross_margin=D("0.2500"),  # 500 / 2,000
        ebit_margin=D("0.0600"),  # 120 / 2,000
        net_margin=D("0.0350"),  # 70 / 2,000
        return_on_assets=D("0.0700"),  # 70 / 1,000
        return_on_equity=D("0.1750"),  # 70 / 400
        asset_turnover=D("2.0000"),  # 2,000 / 1,000
        receivables_days=D("27.3750"),  # 150 / 2,000 × 365
        inventory_days=D("21.9000"),  # 120 / 2,000 × 365
        interest_coverage=D("4.0000"),  # 120 / 30
        cash_flow_to_current_liabilities=D("0.4000"),  # 100 / 250
        revenue_growth=D("0.2500"),  # (2,000 − 1,600) / 1,600
        net_income_growth=D("-0.1250"),  # (70 − 80) / 80
    )


def test_altman_z_of_the_hand_worked_statement_as_the_brief_defines_it():
    assert altman_z(STATEMENT) == AltmanZ(
        x1=D("0.1500"),  # working capital / total assets = (400 − 250) / 1,000
        x2=D("0.1800"),  # retained earnings / total assets = 180 / 1,000
        x3=D("0.1200"),  # EBIT / total assets = 120 / 1,000
        x4=D("0.6667"),  # book equity / total liabilities = 400 / 600 = 0.66666…
        # 6.56 × 0.15 + 3.26 × 0.18 + 6.72 × 0.12 + 1.05 × 0.6667 = 0.984 + 0.5868 + 0.8064 + 0.700035 = 3.077235
        z=D("3.0772"),
        emerging_market_score=D("6.3272"),  # + 3.25
        zone=Zone.SAFE,  # 3.0772 > 2.6
    )


def test_an_interim_statement_sets_its_flows_over_twelve_months_against_balances():
    """Six months: revenue 900, EBIT 60, net income 30, cash flow 40; the balances as above."""
    half_year = replace(STATEMENT, period_months=6, revenue=D("900000.00"), gross_profit=D("225000.00"),
                        ebit=D("60000.00"), net_income=D("30000.00"), operating_cash_flow=D("40000.00"))

    result, z = ratios(half_year), altman_z(half_year)

    assert result.return_on_assets == D("0.0600")  # 30 × 12/6 / 1,000
    assert result.return_on_equity == D("0.1500")  # 60 / 400
    assert result.asset_turnover == D("1.8000")  # 900 × 2 / 1,000
    assert result.cash_flow_to_current_liabilities == D("0.3200")  # 80 / 250
    assert result.receivables_days == D("30.4167")  # 150 / 900 × 182.5 days (365 × 6/12) = 30.41666…
    assert result.inventory_days == D("24.3333")  # 120 / 900 × 182.5 = 24.33333…
    assert (result.gross_margin, result.ebit_margin, result.interest_coverage) == (
        D("0.2500"), D("0.0667"), D("2.0000"))  # flows over flows: 225 / 900, 60 / 900, 60 / 30
    assert z.x3 == D("0.1200")  # 60 × 2 / 1,000: the same year's pace as the annual statement
    assert z.z == D("3.0772")


def test_growth_compares_only_periods_of_the_same_length():
    half_year_before = replace(YEAR_BEFORE, period_months=6)
    result = ratios(STATEMENT, half_year_before)
    assert (result.revenue_growth, result.net_income_growth) == (None, None)
    assert (ratios(STATEMENT).revenue_growth, ratios(STATEMENT).net_income_growth) == (None, None)


def test_growth_out_of_a_loss_is_measured_against_the_size_of_the_loss():
    after_a_loss = replace(YEAR_BEFORE, net_income=D("-40000.00"))
    assert ratios(STATEMENT, after_a_loss).net_income_growth == D("2.7500")  # (70 − (−40)) / 40


@pytest.mark.parametrize(("z", "expected"), [
    ("2.6001", Zone.SAFE),
    ("2.6000", Zone.GREY),  # 2.6 itself is grey: safe is above 2.6
    ("1.1000", Zone.GREY),  # 1.1 itself is grey: distress is below 1.1
    ("1.0999", Zone.DISTRESS),
    ("-0.5000", Zone.DISTRESS),
])
def test_zone_boundaries(z, expected):
    assert zone(D(z)) == expected


def test_a_statement_right_on_the_safe_boundary_is_grey():
    """X1 = X2 = X3 = 0 and X4 = 2.6 / 1.05: equity 2,476.19 over liabilities 1,000 → X4 = 2.4762, Z'' = 2.60001."""
    edge = replace(STATEMENT, current_assets=D("250000.00"), retained_earnings=D("0"), ebit=D("0"),
                   total_liabilities=D("1000000.00"), equity=D("2476190.00"), total_assets=D("3476190.00"))
    z = altman_z(edge)
    assert (z.x1, z.x2, z.x3, z.x4) == (D("0.0000"), D("0.0000"), D("0.0000"), D("2.4762"))
    assert (z.z, z.zone) == (D("2.6000"), Zone.GREY)  # 1.05 × 2.4762 = 2.60001, 2.6000 to four places


def test_distress_with_negative_equity():
    """Losses ate the equity: liabilities 1,100 on assets 1,000, retained earnings −300, EBIT −50."""
    broke = replace(STATEMENT, total_liabilities=D("1100000.00"), equity=D("-100000.00"),
                    retained_earnings=D("-300000.00"), ebit=D("-50000.00"), net_income=D("-80000.00"))
    z = altman_z(broke)
    # 6.56 × 0.15 + 3.26 × (−0.3) + 6.72 × (−0.05) + 1.05 × (−0.0909) = 0.984 − 0.978 − 0.336 − 0.095445
    assert (z.x4, z.z, z.emerging_market_score, z.zone) == (D("-0.0909"), D("-0.4254"), D("2.8246"), Zone.DISTRESS)
    result = ratios(broke)
    # debt-to-equity and ROE mean nothing on negative equity; the equity ratio shows the hole
    assert (result.debt_to_equity, result.return_on_equity, result.equity_ratio) == (None, None, D("-0.1000"))


def test_a_zero_denominator_gives_none_never_an_error():
    nothing_due = replace(STATEMENT, current_liabilities=D("0"), interest_expense=D("0"), revenue=D("0"),
                          gross_profit=D("0"), total_liabilities=D("0"), equity=D("1000000.00"))
    result = ratios(nothing_due, replace(YEAR_BEFORE, revenue=D("0")))
    assert (result.current_ratio, result.quick_ratio, result.cash_ratio) == (None, None, None)
    assert result.cash_flow_to_current_liabilities is None
    assert (result.gross_margin, result.ebit_margin, result.net_margin) == (None, None, None)
    assert (result.receivables_days, result.inventory_days, result.interest_coverage) == (None, None, None)
    assert result.revenue_growth is None  # from nothing, growth has no size
    assert result.asset_turnover == D("0.0000")
    z = altman_z(nothing_due)
    assert (z.x4, z.z, z.emerging_market_score, z.zone) == (None, None, None, None)  # no liabilities to divide by


def test_an_unknown_line_leaves_only_the_ratios_that_need_it_unknown():
    no_inventory = replace(STATEMENT, inventory=None, retained_earnings=None)
    result = ratios(no_inventory)
    assert (result.current_ratio, result.quick_ratio, result.inventory_days) == (D("1.6000"), None, None)
    z = altman_z(no_inventory)
    assert (z.x1, z.x2, z.z, z.zone) == (D("0.1500"), None, None, None)


@given(
    total_assets=st.decimals(min_value=D("1.00"), max_value=D("1E12"), places=2),
    ebit=st.decimals(min_value=D("-1E12"), max_value=D("1E12"), places=2),
    more=st.decimals(min_value=D("-1E12"), max_value=D("1E12"), places=2),
)
def test_z_moves_with_ebit_only_through_x3_at_6_72_per_unit(total_assets, ebit, more):
    """Z'' is linear in EBIT: the other terms stay, Z'' changes by 6.72 × the change of X3 (to its rounding)."""
    before = altman_z(replace(STATEMENT, total_assets=total_assets, ebit=ebit))
    after = altman_z(replace(STATEMENT, total_assets=total_assets, ebit=ebit + more))
    assert (after.x1, after.x2, after.x4) == (before.x1, before.x2, before.x4)
    assert after.x3 is not None and before.x3 is not None
    assert abs((after.z - before.z) - D("6.72") * (after.x3 - before.x3)) <= D("0.0001")


@pytest.mark.parametrize(("value", "population", "expected"), [
    (D("1.6"), [D("1.2"), D("1.6"), D("2.0")], D("50.0")),  # one below, itself half: (1 + 0.5) / 3
    (D("1.2"), [D("1.2"), D("1.6"), D("2.0")], D("16.7")),  # (0 + 0.5) / 3
    (D("2.0"), [D("1.2"), D("1.6"), D("2.0")], D("83.3")),  # (2 + 0.5) / 3
    (D("0.6"), [D("0.6"), D("0.6"), D("0.6"), D("0.7")], D("37.5")),  # three equal: (0 + 1.5) / 4
    (D("5"), [D("5")], D("50.0")),  # alone in its industry
    (None, [D("1")], None),
])
def test_percentile_rank_counts_those_below_and_half_of_those_equal(value, population, expected):
    assert percentile_rank(value, population) == expected
