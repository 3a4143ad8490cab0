"""Credit limits: who may approve what, maker ≠ checker, the limit history and the daily calendar.

Default authority (functional currency CNY): up to 500,000 an analyst or the credit manager; up to
5,000,000 the credit manager; above that one approval from each of the credit manager and the CFO.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from creditdesk.assessment.models import CreditAssessment
from creditdesk.audit.models import AuditEntry
from creditdesk.core.jobs import run_daily_jobs
from creditdesk.currencies.models import ExchangeRate
from creditdesk.customers.choices import CustomerStatus
from creditdesk.limits.models import AuthorityBand, CreditLimit, LimitStatus
from creditdesk.limits.selectors import approvals_inbox, effective_limit, limit_history, review_queue
from creditdesk.limits.services import (
    approve_limit,
    place_hold,
    reject_limit,
    release_hold,
    request_limit,
    run_limit_calendar,
    withdraw_limit,
)
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def customer(db):
    return CustomerFactory(code="C000001", name="Hangzhou Textiles")


@pytest.fixture
def second_analyst(db):
    return UserFactory(username="liu.analyst", role="credit_analyst")


@pytest.fixture
def cfo(db):
    return UserFactory(username="zhao.cfo", role="cfo")


def ask(actor, customer, amount: str, currency: str = "CNY", **terms) -> CreditLimit:
    data = {"amount": D(amount), "currency_id": currency, "valid_from": timezone.localdate(),
            "justification": "Two years of prompt payment; orders growing.", **terms}
    return request_limit(actor, customer, data)


def test_a_small_limit_needs_one_approval_from_someone_other_than_the_requester(analyst, second_analyst, customer):
    limit = ask(analyst, customer, "300000.00")
    assert (limit.status, limit.approvals_required, limit.approver_roles) == (
        "requested", 1, "credit_analyst,credit_manager")
    with pytest.raises(PermissionDenied, match="someone else must approve"):
        approve_limit(analyst, limit)
    approve_limit(second_analyst, limit, "Checked the accounts.")
    limit.refresh_from_db()
    assert limit.status == LimitStatus.ACTIVE
    assert list(AuditEntry.objects.filter(object_id=str(limit.pk)).order_by("id").values_list("action", flat=True)) == [
        "credit_limit.request", "credit_limit.approve", "credit_limit.approved", "credit_limit.active"]


def test_a_larger_limit_is_beyond_an_analysts_authority(analyst, second_analyst, manager, customer):
    limit = ask(analyst, customer, "2000000.00")
    with pytest.raises(PermissionDenied, match="must be approved by: Credit manager"):
        approve_limit(second_analyst, limit)
    approve_limit(manager, limit)
    assert CreditLimit.objects.get(pk=limit.pk).status == LimitStatus.ACTIVE


def test_the_largest_limits_need_the_credit_manager_and_the_cfo(analyst, manager, cfo, customer):
    limit = ask(analyst, customer, "8000000.00")
    assert (limit.approvals_required, limit.approver_roles, limit.approval_rule) == (2, "credit_manager,cfo", "each")
    approve_limit(manager, limit)
    assert CreditLimit.objects.get(pk=limit.pk).status == LimitStatus.REQUESTED
    with pytest.raises(PermissionDenied, match="already approved"):
        approve_limit(manager, limit)
    approve_limit(cfo, limit)
    assert list(limit.approvals.values_list("approver__username", "role")) == [
        ("wang.manager", "credit_manager"), ("zhao.cfo", "cfo")]
    assert CreditLimit.objects.get(pk=limit.pk).status == LimitStatus.ACTIVE


def test_a_foreign_currency_limit_is_banded_in_the_functional_currency(analyst, customer):
    ExchangeRate.objects.create(currency_id="USD", rate_date=timezone.localdate(), rate=D("7.1"))
    assert ask(analyst, customer, "70000.00", "USD").approver_roles == "credit_analyst,credit_manager"  # 497,000
    assert ask(analyst, customer, "71000.00", "USD").approver_roles == "credit_manager"  # 504,100


def test_a_new_limit_replaces_the_old_one_which_stays_in_the_history(analyst, second_analyst, customer):
    first = ask(analyst, customer, "300000.00")
    approve_limit(second_analyst, first)
    second = ask(analyst, customer, "400000.00")
    approve_limit(second_analyst, second)
    first.refresh_from_db()
    assert (first.status, first.end_reason) == ("expired", f"Replaced by limit #{second.pk}.")
    assert [(limit.amount, limit.status) for limit in limit_history(customer)] == [
        (D("400000.00"), "active"), (D("300000.00"), "expired")]
    assert effective_limit(customer, timezone.localdate()) == second


def test_a_rejected_request_keeps_its_reason(analyst, manager, customer):
    limit = ask(analyst, customer, "2000000.00")
    with pytest.raises(ValidationError):
        reject_limit(manager, limit, " ")
    reject_limit(manager, limit, "Equity is negative; ask for a bank guarantee.")
    limit.refresh_from_db()
    assert (limit.status, limit.end_reason) == ("rejected", "Equity is negative; ask for a bank guarantee.")
    assert effective_limit(customer, timezone.localdate()) is None


def test_a_requester_cannot_reject_their_own_request_but_can_withdraw_it(analyst, customer):
    limit = ask(analyst, customer, "100000.00")
    with pytest.raises(PermissionDenied):
        reject_limit(analyst, limit, "changed my mind")
    withdraw_limit(analyst, limit, "Customer no longer needs it.")
    assert CreditLimit.objects.get(pk=limit.pk).status == LimitStatus.WITHDRAWN


def test_a_temporary_limit_wins_while_it_lasts_and_then_expires(analyst, second_analyst, customer, today):
    standard = ask(analyst, customer, "300000.00")
    approve_limit(second_analyst, standard)
    with pytest.raises(ValidationError, match="end date"):
        ask(analyst, customer, "450000.00", kind="temporary")
    peak = ask(analyst, customer, "450000.00", kind="temporary", valid_to=today + dt.timedelta(days=10))
    approve_limit(second_analyst, peak)
    assert effective_limit(customer, today) == peak
    assert run_limit_calendar(today + dt.timedelta(days=11)) == {"activated": 0, "expired": 1}
    assert CreditLimit.objects.get(pk=peak.pk).status == LimitStatus.EXPIRED
    assert effective_limit(customer, today + dt.timedelta(days=11)) == standard


def test_a_limit_starting_later_is_approved_now_and_active_from_its_day(analyst, second_analyst, customer, today):
    later = ask(analyst, customer, "300000.00", valid_from=today + dt.timedelta(days=5))
    approve_limit(second_analyst, later)
    assert CreditLimit.objects.get(pk=later.pk).status == LimitStatus.APPROVED
    assert run_limit_calendar(today + dt.timedelta(days=4)) == {"activated": 0, "expired": 0}
    assert run_limit_calendar(today + dt.timedelta(days=5)) == {"activated": 1, "expired": 0}
    assert CreditLimit.objects.get(pk=later.pk).status == LimitStatus.ACTIVE


def test_the_daily_jobs_run_the_limit_calendar_and_lapse_old_releases(db):
    done = run_daily_jobs()
    assert (done["credit limit calendar"], done["lapsed order releases"]) == ({"activated": 0, "expired": 0}, 0)


def test_the_review_queue_holds_limits_due_for_review_within_30_days(manager, analyst, second_analyst, today):
    soon, later = CustomerFactory(code="C000010"), CustomerFactory(code="C000011")
    approve_limit(second_analyst, ask(analyst, soon, "100000.00", review_on=today + dt.timedelta(days=30)))
    approve_limit(second_analyst, ask(analyst, later, "100000.00", review_on=today + dt.timedelta(days=31)))
    assert [limit.customer.code for limit in review_queue(manager, today)] == ["C000010"]


def test_the_approvals_inbox_shows_what_the_user_may_approve(analyst, second_analyst, manager, cfo, customer):
    small = ask(analyst, customer, "100000.00")
    large = ask(analyst, customer, "2000000.00")
    huge = ask(analyst, customer, "9000000.00")
    assert list(approvals_inbox(analyst)) == []
    assert list(approvals_inbox(second_analyst)) == [small]
    assert list(approvals_inbox(manager)) == [small, large, huge]
    assert list(approvals_inbox(cfo)) == [huge]
    approve_limit(manager, huge)
    assert list(approvals_inbox(manager)) == [small, large]
    assert list(approvals_inbox(cfo)) == [huge]


def test_a_group_limit_belongs_to_the_top_company(analyst):
    top = CustomerFactory(code="C000100")
    member = CustomerFactory(code="C000101", parent=top)
    with pytest.raises(ValidationError, match="top company"):
        ask(analyst, member, "100000.00", kind="group")
    assert ask(analyst, top, "100000.00", kind="group").kind == "group"


def test_a_credit_hold_and_its_release_need_a_reason_and_are_audited(manager, customer):
    with pytest.raises(ValidationError):
        place_hold(manager, customer, "")
    place_hold(manager, customer, "Cheque bounced twice.")
    with pytest.raises(ValidationError, match="already on hold"):
        place_hold(manager, customer, "again")
    release_hold(manager, customer, "Paid in full by transfer.")
    customer.refresh_from_db()
    assert customer.status == CustomerStatus.ACTIVE
    assert list(AuditEntry.objects.filter(customer_id=customer.pk, action__startswith="customer.h").values_list(
        "action", "reason")) == [("customer.hold", "Cheque bounced twice.")]
    assert AuditEntry.objects.get(action="customer.release").changes == {"status": ["on_hold", "active"]}


def test_a_collector_may_neither_request_approve_nor_hold(customer):
    collector = UserFactory(username="sun.collector", role="collector")
    with pytest.raises(PermissionDenied):
        ask(collector, customer, "1000.00")
    with pytest.raises(PermissionDenied):
        place_hold(collector, customer, "overdue")


def rated(customer, rating: int, by) -> None:
    CreditAssessment.objects.create(customer=customer, model_version="expert-1", score=D("25.0"), rating=rating,
                                    pd=D("0.15"), terms_days=0, run_by=by)


def test_a_risky_rating_takes_small_limits_beyond_an_analysts_authority(analyst, manager, customer):
    """A band for customers rated 8 or worse: up to 1,000,000 the credit manager; above, the general bands."""
    AuthorityBand.objects.create(up_to=D("1000000.00"), from_rating=8, roles="credit_manager")
    assert ask(analyst, customer, "10000.00").approver_roles == "credit_analyst,credit_manager"
    rated(customer, 9, manager)
    assert ask(analyst, customer, "10000.00").approver_roles == "credit_manager"
    assert ask(analyst, customer, "6000000.00").approver_roles == "credit_manager,cfo"
    rated(customer, 7, manager)
    assert ask(analyst, customer, "10000.00").approver_roles == "credit_analyst,credit_manager"
