"""Review dates by rating, month ends included, and statements too old to assess a customer on."""

import datetime as dt

import pytest

from creditdesk.assessment.models import FinancialStatement
from creditdesk.assessment.review_cycle import customers_with_stale_statements, next_review, statement_is_stale
from creditdesk.assessment.tests.factories import FinancialStatementFactory
from creditdesk.limits.models import CreditLimit, LimitStatus
from creditdesk.testing.factories import CustomerFactory, UserFactory


@pytest.mark.parametrize(("rating", "review"), [
    (1, dt.date(2027, 1, 15)), (2, dt.date(2027, 1, 15)), (3, dt.date(2027, 1, 15)),
    (4, dt.date(2026, 7, 15)), (5, dt.date(2026, 7, 15)), (6, dt.date(2026, 7, 15)), (7, dt.date(2026, 7, 15)),
    (8, dt.date(2026, 4, 15)), (9, dt.date(2026, 4, 15)), (10, dt.date(2026, 4, 15)),
    (None, dt.date(2026, 7, 15)),
])
def test_the_best_are_reviewed_yearly_the_worst_quarterly_the_unrated_half_yearly(rating, review):
    assert next_review(rating, dt.date(2026, 1, 15)) == review


@pytest.mark.parametrize(("rating", "start", "review"), [
    (5, dt.date(2026, 8, 31), dt.date(2027, 2, 28)),  # February is shorter: its last day
    (5, dt.date(2027, 8, 31), dt.date(2028, 2, 29)),  # a leap year's
    (9, dt.date(2026, 11, 30), dt.date(2027, 2, 28)),
    (9, dt.date(2026, 12, 31), dt.date(2027, 3, 31)),  # into the next year, the long month keeps its 31st
    (1, dt.date(2028, 2, 29), dt.date(2029, 2, 28)),
    (4, dt.date(2026, 2, 28), dt.date(2026, 8, 28)),  # a short month's last day is not pushed to the 31st
])
def test_month_ends(rating, start, review):
    assert next_review(rating, start) == review


def test_the_setting_sets_the_months_and_an_unlisted_class_is_reviewed_as_the_unrated(settings):
    settings.CREDITDESK_REVIEW_MONTHS = {1: 24, None: 12}
    assert next_review(1, dt.date(2026, 1, 15)) == dt.date(2028, 1, 15)
    assert next_review(5, dt.date(2026, 1, 15)) == dt.date(2027, 1, 15)
    assert next_review(None, dt.date(2026, 1, 15)) == dt.date(2027, 1, 15)


def ending(day: dt.date) -> FinancialStatement:
    return FinancialStatement(period_end=day)


def test_a_year_end_statement_is_current_for_18_months_to_the_day():
    """18 months before 30 June 2026 is 30 December 2024; before 1 July 2026, 1 January 2025."""
    december = ending(dt.date(2024, 12, 31))
    assert not statement_is_stale(december, dt.date(2026, 6, 30))
    assert statement_is_stale(december, dt.date(2026, 7, 1))


def test_the_18_months_end_on_a_short_months_last_day():
    """18 months before 28 February 2026 is 28 August 2024 (no 31 February): a statement to 31 August 2024 is
    still current that day and stale on 1 March."""
    august = ending(dt.date(2024, 8, 31))
    assert not statement_is_stale(august, dt.date(2026, 2, 28))
    assert statement_is_stale(august, dt.date(2026, 3, 1))


def test_the_setting_sets_how_old_is_stale(settings):
    settings.CREDITDESK_STALE_STATEMENT_MONTHS = 12
    assert not statement_is_stale(ending(dt.date(2024, 12, 31)), dt.date(2025, 12, 31))
    assert statement_is_stale(ending(dt.date(2024, 12, 31)), dt.date(2026, 1, 1))


def limit(customer, status: str = LimitStatus.ACTIVE, valid_to: dt.date | None = None) -> None:
    CreditLimit.objects.create(customer=customer, amount="50000.00", currency_id="CNY",
                               valid_from=dt.date(2025, 1, 1), valid_to=valid_to, justification="test",
                               requested_by=UserFactory(), approver_roles="credit_manager", status=status)


def test_customers_with_stale_statements_in_one_query(db, django_assert_num_queries):
    """On 1 July 2026 statements that ended before 1 January 2025 are stale."""
    stale = CustomerFactory(code="STALE")
    FinancialStatementFactory(customer=stale, period_end=dt.date(2024, 12, 31))
    renewed = CustomerFactory(code="RENEWED")  # an old statement, but the latest is current
    FinancialStatementFactory(customer=renewed, period_end=dt.date(2023, 12, 31))
    FinancialStatementFactory(customer=renewed, period_end=dt.date(2025, 12, 31))
    boundary = CustomerFactory(code="BOUNDARY")  # ended on the first day that is still current
    FinancialStatementFactory(customer=boundary, period_end=dt.date(2025, 1, 1))
    unfiled = CustomerFactory(code="UNFILED")  # sells on a limit in force without any statement
    limit(unfiled)
    CustomerFactory(code="PROSPECT")  # no statement, no limit: nothing to keep current
    lapsed = CustomerFactory(code="LAPSED")  # no statement, and no limit in force
    limit(lapsed, valid_to=dt.date(2026, 6, 30))
    limit(lapsed, status=LimitStatus.REQUESTED)
    limit(lapsed, status=LimitStatus.WITHDRAWN)
    with django_assert_num_queries(1):
        found = list(customers_with_stale_statements(dt.date(2026, 7, 1)).values_list("code", "latest_statement"))
    assert found == [("UNFILED", None), ("STALE", dt.date(2024, 12, 31))]
