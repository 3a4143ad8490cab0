"""Factories for assessment tests: the hand-worked statement as the default, analysts allowed to keep them, and
external ratings in grades of the seeded scales.

The default figures (CNY, twelve months to 31 December 2025) are the ones `test_financials` works by hand.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Permission, User

from creditdesk.assessment.models import ExternalRating, FinancialStatement
from creditdesk.customers.models import Customer
from creditdesk.testing.factories import CustomerFactory, UserFactory

STATEMENT_PERMISSIONS = ("add_financialstatement", "change_financialstatement", "view_financialstatement")
HAND_WORKED = {
    "current_assets": Decimal("400000.00"), "cash": Decimal("50000.00"), "receivables": Decimal("150000.00"),
    "inventory": Decimal("120000.00"), "total_assets": Decimal("1000000.00"),
    "current_liabilities": Decimal("250000.00"), "total_liabilities": Decimal("600000.00"),
    "equity": Decimal("400000.00"), "retained_earnings": Decimal("180000.00"), "revenue": Decimal("2000000.00"),
    "gross_profit": Decimal("500000.00"), "ebit": Decimal("120000.00"), "interest_expense": Decimal("30000.00"),
    "net_income": Decimal("70000.00"), "operating_cash_flow": Decimal("100000.00"),
}


def statement_keeper(username: str, role: str = "credit_analyst") -> User:
    """A user of the role who may also enter and correct financial statements."""
    user = UserFactory(username=username, role=role)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="assessment",
                                                         codename__in=STATEMENT_PERMISSIONS))
    return User.objects.get(pk=user.pk)  # a fresh object: permissions are cached on first use


class FinancialStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinancialStatement

    customer = factory.SubFactory(CustomerFactory)
    period_end = dt.date(2025, 12, 31)
    period_months = 12
    currency_id = "CNY"
    audited = True
    source = "annual_report"
    entered_by = factory.SubFactory(UserFactory)
    current_assets = HAND_WORKED["current_assets"]
    cash = HAND_WORKED["cash"]
    receivables = HAND_WORKED["receivables"]
    inventory = HAND_WORKED["inventory"]
    total_assets = HAND_WORKED["total_assets"]
    current_liabilities = HAND_WORKED["current_liabilities"]
    total_liabilities = HAND_WORKED["total_liabilities"]
    equity = HAND_WORKED["equity"]
    retained_earnings = HAND_WORKED["retained_earnings"]
    revenue = HAND_WORKED["revenue"]
    gross_profit = HAND_WORKED["gross_profit"]
    ebit = HAND_WORKED["ebit"]
    interest_expense = HAND_WORKED["interest_expense"]
    net_income = HAND_WORKED["net_income"]
    operating_cash_flow = HAND_WORKED["operating_cash_flow"]


class ExternalRatingFactory(factory.django.DjangoModelFactory):
    """S&P's BBB-, which the seeded scale maps onto our class 4."""

    class Meta:
        model = ExternalRating

    customer = factory.SubFactory(CustomerFactory)
    agency = "S&P"
    grade = "BBB-"
    rating_class = 4
    rated_on = dt.date(2026, 3, 15)
    outlook = "stable"
    entered_by = factory.SubFactory(UserFactory)


ANSWERS = {"years_in_business": "over_10", "management_quality": "adequate", "market_position": "established",
           "industry_risk": "moderate", "legal_events": "none"}


def customer_on_file(analyst: User, **fields: object) -> Customer:
    """A customer with the hand-worked statement and the five answers above: 67.8 points on the expert card."""
    from creditdesk.assessment.services import answer_factors

    customer = CustomerFactory(**{"code": "C000001", **fields})
    FinancialStatementFactory(customer=customer)
    answer_factors(analyst, customer, ANSWERS)
    return customer
