"""Broken promises in the payment behaviour: promises to pay judged broken whose day fell in the last 12 months,
counted after the same day 12 months earlier, up to and with the day of the assessment."""

import datetime as dt
from decimal import Decimal

import pytest

from creditdesk.assessment.behaviour import behaviour_factors
from creditdesk.collections.models import PromiseStatus, PromiseToPay
from creditdesk.testing.factories import CustomerFactory, UserFactory

AS_OF = dt.date(2026, 11, 30)


@pytest.fixture
def collector(db):
    return UserFactory(username="zhao.collector", role="collector")


def promised(customer, collector, day: dt.date, status: str = PromiseStatus.BROKEN) -> PromiseToPay:
    """A promise for `day`, judged the night after it (open ones not yet)."""
    return PromiseToPay.objects.create(
        customer=customer, amount=Decimal("1000.00"), currency_id="CNY", promised_for=day, recorded_by=collector,
        status=status, judged_on=None if status == PromiseStatus.OPEN else day + dt.timedelta(days=1))


def test_two_broken_promises_in_the_last_12_months_and_one_older_count_two(collector):
    customer, sister = CustomerFactory(), CustomerFactory()
    promised(customer, collector, dt.date(2026, 11, 20))
    promised(customer, collector, dt.date(2025, 12, 1))  # the first day of the window
    promised(customer, collector, dt.date(2025, 11, 30))  # 12 months back to the day: outside
    promised(customer, collector, dt.date(2026, 10, 15), PromiseStatus.KEPT)
    promised(customer, collector, dt.date(2026, 12, 10), PromiseStatus.OPEN)
    promised(sister, collector, dt.date(2026, 9, 1))

    assert behaviour_factors([customer.pk], AS_OF).broken_promises == 2
    assert behaviour_factors([customer.pk, sister.pk], AS_OF).broken_promises == 3  # a group counts as one
    # a day before the latest one's day: the window (2025-11-19, 2026-11-19] holds the two from a year ago
    assert behaviour_factors([customer.pk], dt.date(2026, 11, 19)).broken_promises == 2
    assert behaviour_factors([customer.pk], dt.date(2026, 12, 1)).broken_promises == 1  # only Nov 20 left


def test_a_customer_who_never_promised_broke_none(db):
    assert behaviour_factors([CustomerFactory().pk], AS_OF).broken_promises == 0
