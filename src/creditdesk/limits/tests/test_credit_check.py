"""The order credit check: the decision table, reservations, idempotency, overrides and concurrency.

Unless a test says otherwise: a customer with an active limit of 100,000.00 CNY and nothing owed.
"""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation

from creditdesk.audit.models import AuditEntry
from creditdesk.customers.choices import CustomerStatus
from creditdesk.limits.checks import check_order, reason_text
from creditdesk.limits.fulfilment import cancel_check
from creditdesk.limits.models import CreditCheck, CreditLimit, LimitKind, LimitStatus
from creditdesk.limits.overrides import lapse_releases, reject_check, release_check
from creditdesk.receivables.models import OrderStatus, SalesOrder
from creditdesk.receivables.services import record_invoice
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal


def give_limit(customer, amount: str, kind: str = LimitKind.STANDARD, **terms) -> CreditLimit:
    """A limit already approved and in force (the approval path has its own tests)."""
    requester = UserFactory()
    return CreditLimit.objects.create(customer=customer, kind=kind, amount=D(amount), currency_id="CNY",
                                      valid_from=timezone.localdate() - dt.timedelta(days=30),
                                      justification="test", requested_by=requester, approver_roles="credit_manager",
                                      **{"status": LimitStatus.ACTIVE, **terms})


@pytest.fixture
def customer(db):
    customer = CustomerFactory(code="C000001", status=CustomerStatus.ACTIVE)
    give_limit(customer, "100000.00")
    return customer


def check(actor, customer, reference: str, amount: str, **options) -> CreditCheck:
    return check_order(actor, customer, reference, D(amount), "CNY", **options)


def codes(result: CreditCheck) -> list[str]:
    return [reason["code"] for reason in result.reasons]


def test_an_order_within_the_limit_is_approved_and_reserved(analyst, customer):
    result = check(analyst, customer, "SO-1", "50000.00")
    assert (result.decision, result.status, codes(result)) == ("approved", "reserved", [])
    assert (result.limit_amount, result.exposure, result.available) == (D("100000.00"), D("0.00"), D("100000.00"))
    assert SalesOrder.objects.values_list("amount", "status", "source").get() == (
        D("50000.00"), OrderStatus.OPEN, "credit-check")
    second = check(analyst, customer, "SO-2", "20000.00")
    assert (second.exposure, second.available) == (D("50000.00"), D("50000.00"))


def test_an_order_that_takes_utilisation_past_90_percent_is_approved_to_watch(analyst, customer):
    assert check(analyst, customer, "SO-1", "89999.99").decision == "approved"
    assert check(analyst, customer, "SO-2", "0.01").decision == "watch"


def test_an_order_over_the_available_credit_is_blocked_and_reserves_nothing(analyst, customer):
    check(analyst, customer, "SO-1", "70000.00")
    result = check(analyst, customer, "SO-2", "30000.01")
    assert (result.decision, result.status, codes(result)) == ("blocked", "blocked", ["over_limit"])
    assert reason_text(result.reasons[0]) == "The order is more than the available credit of 30,000.00 CNY."
    assert SalesOrder.objects.count() == 1


def test_no_limit_and_an_expired_limit_are_told_apart(analyst):
    new = CustomerFactory(code="C000002")
    assert codes(check(analyst, new, "SO-1", "1.00")) == ["no_limit"]
    lapsed = CustomerFactory(code="C000003")
    give_limit(lapsed, "500.00", status=LimitStatus.EXPIRED)
    assert codes(check(analyst, lapsed, "SO-1", "1.00")) == ["limit_expired"]


def test_every_reason_is_reported_together(analyst, customer):
    """On hold, 30 days beyond the 30 tolerated with 5,000 overdue, and over the limit."""
    customer.status = CustomerStatus.ON_HOLD
    customer.save()
    due = timezone.localdate() - dt.timedelta(days=31)
    record_invoice(analyst, {"customer": customer, "number": "F-1", "invoice_date": due - dt.timedelta(days=30),
                             "due_date": due, "currency_id": "CNY", "net_amount": D("5000.00"),
                             "tax_amount": D("0.00"), "gross_amount": D("5000.00")})
    result = check(analyst, customer, "SO-1", "99000.00")
    assert codes(result) == ["on_hold", "over_limit", "overdue"]
    assert reason_text(result.reasons[2]) == "5,000.00 CNY is overdue, the oldest by 31 days."
    with translation.override("zh-hans"):
        assert reason_text(result.reasons[2]) == "5,000.00 CNY 已逾期，最长逾期 31 天。"


def test_a_cap_on_the_overdue_amount_stops_orders_beside_the_total(analyst):
    """Limit 100,000 with at most 1,000 overdue: 1,200 overdue for 5 days (within the 30 tolerated) still blocks."""
    capped = CustomerFactory(code="C000004", status=CustomerStatus.ACTIVE)
    give_limit(capped, "100000.00", overdue_cap=D("1000.00"))
    due = timezone.localdate() - dt.timedelta(days=5)
    record_invoice(analyst, {"customer": capped, "number": "F-9", "invoice_date": due - dt.timedelta(days=30),
                             "due_date": due, "currency_id": "CNY", "net_amount": D("1200.00"),
                             "tax_amount": D("0.00"), "gross_amount": D("1200.00")})
    result = check(analyst, capped, "SO-1", "10.00")
    assert codes(result) == ["overdue_cap"]
    assert reason_text(result.reasons[0]) == "1,200.00 CNY is overdue, more than the limit's cap of 1,000.00 CNY."


def test_a_group_limit_counts_every_member_of_the_tree(analyst):
    top = CustomerFactory(code="C000100")
    daughter = CustomerFactory(code="C000101", parent=top)
    granddaughter = CustomerFactory(code="C000102", parent=daughter)
    give_limit(top, "100000.00", kind=LimitKind.GROUP)
    for member in (daughter, granddaughter):
        give_limit(member, "80000.00")
    assert check(analyst, daughter, "SO-1", "60000.00").decision == "approved"
    result = check(analyst, granddaughter, "SO-2", "40000.01")
    assert codes(result) == ["group_over_limit"]
    assert reason_text(result.reasons[0]) == "The order is more than the group's available credit of 40,000.00 CNY."


def test_the_same_order_again_gets_the_same_answer_and_reserves_once(analyst, customer):
    first = check(analyst, customer, "SO-1", "50000.00")
    entries = AuditEntry.objects.count()
    again = check(analyst, customer, "SO-1", "50000.00")
    assert (again.pk, again.decision, SalesOrder.objects.count(), AuditEntry.objects.count()) == (
        first.pk, "approved", 1, entries)


def test_a_changed_amount_rechecks_only_the_difference(analyst, customer):
    check(analyst, customer, "SO-1", "60000.00")
    bigger = check(analyst, customer, "SO-1", "95000.00")  # 35,000 more against 40,000 available
    assert (bigger.decision, SalesOrder.objects.get().amount) == ("watch", D("95000.00"))
    too_big = check(analyst, customer, "SO-1", "100000.01")
    assert (too_big.decision, SalesOrder.objects.get().amount) == ("blocked", D("95000.00"))


def test_a_simulation_answers_without_keeping_or_reserving_anything(analyst, customer):
    result = check(analyst, customer, "Q-1", "50000.00", simulate=True)
    assert (result.pk, result.decision) == (None, "approved")
    assert (CreditCheck.objects.count(), SalesOrder.objects.count()) == (0, 0)


def test_a_blocked_order_released_by_the_credit_manager_is_an_audited_override(analyst, manager, customer):
    blocked = check(analyst, customer, "SO-1", "150000.00")
    with pytest.raises(PermissionDenied):
        release_check(analyst, blocked, "big customer")
    with pytest.raises(ValidationError):
        release_check(manager, blocked, "")
    until = timezone.localdate() + dt.timedelta(days=7)
    released = release_check(manager, blocked, "Guarantee from the parent received.", until)
    assert (released.status, released.override_by, released.override_expires_on) == ("released", manager, until)
    assert SalesOrder.objects.get().amount == D("150000.00")
    entry = AuditEntry.objects.get(action="credit_check.release")
    assert (entry.reason, entry.changes["reasons"]) == ("Guarantee from the parent received.", [["over_limit"], None])


def test_a_release_not_used_by_its_last_day_lapses(analyst, manager, customer):
    last_day = timezone.localdate() + dt.timedelta(days=3)
    release_check(manager, check(analyst, customer, "SO-1", "150000.00"), "Guarantee promised.", last_day)
    assert lapse_releases(last_day) == 0
    assert lapse_releases(last_day + dt.timedelta(days=1)) == 1
    assert (CreditCheck.objects.get().status, SalesOrder.objects.get().status) == ("blocked", OrderStatus.CANCELLED)
    assert AuditEntry.objects.get(action="credit_check.lapse").reason == f"The release ended on {last_day}."


def test_a_rejected_order_keeps_its_reason_and_reserves_nothing(analyst, manager, customer):
    rejected = reject_check(manager, check(analyst, customer, "SO-1", "150000.00"), "Too much risk.")
    assert (rejected.status, rejected.override_reason, SalesOrder.objects.count()) == ("rejected", "Too much risk.", 0)


def test_cancelling_an_order_ends_its_reservation(analyst, customer):
    cancel_check(analyst, check(analyst, customer, "SO-1", "50000.00"))
    assert SalesOrder.objects.get().status == OrderStatus.CANCELLED
    assert check(analyst, customer, "SO-2", "100000.00").decision == "watch"


def test_a_cancelled_order_reopened_is_checked_again(analyst, customer):
    """SO-1 cancelled, then SO-2 takes the whole limit: SO-1 coming back no longer fits."""
    cancel_check(analyst, check(analyst, customer, "SO-1", "50000.00"))
    check(analyst, customer, "SO-2", "100000.00")
    reopened = check(analyst, customer, "SO-1", "50000.00")
    assert (reopened.decision, codes(reopened)) == ("blocked", ["over_limit"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_orders_at_the_same_moment_never_take_more_than_the_limit(analyst):
    """50 orders of 3,000.00 against 100,000.00: exactly 33 fit (99,000.00), however they interleave."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL")
    customer = CustomerFactory(code="C000500", status=CustomerStatus.ACTIVE)
    give_limit(customer, "100000.00")
    decisions = run_together(analyst, [(customer, f"SO-{n}") for n in range(50)], "3000.00")
    assert decisions.count("blocked") == 17
    assert sum(o.amount for o in SalesOrder.objects.filter(customer=customer)) == D("99000.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_orders_of_two_group_members_at_the_same_moment_respect_the_group_limit(analyst):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL")
    top = CustomerFactory(code="C000600")
    members = [CustomerFactory(code=f"C00060{n}", parent=top) for n in (1, 2)]
    give_limit(top, "50000.00", kind=LimitKind.GROUP)
    for member in members:
        give_limit(member, "100000.00")
    orders = [(members[n % 2], f"SO-{n}") for n in range(40)]
    decisions = run_together(analyst, orders, "2000.00")
    assert decisions.count("blocked") == 15
    assert sum(o.amount for o in SalesOrder.objects.filter(customer__parent=top)) == D("50000.00")


def run_together(actor, orders, amount: str) -> list[str]:
    """Each order in its own thread and database connection, all released at once."""
    start, decisions = threading.Barrier(len(orders)), []

    def one(customer, reference: str) -> None:
        try:
            start.wait()
            decisions.append(check_order(actor, customer, reference, D(amount), "CNY").decision)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=order) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(decisions) == len(orders)
    return decisions


def test_an_expired_limit_leaves_no_credit_unless_the_policy_grants_days_of_grace(analyst, settings):
    """A standard limit of 5,000 that ended 3 days ago: blocked by default, still standing with 7 days of grace."""
    lapsed = CustomerFactory(code="C000600", status=CustomerStatus.ACTIVE)
    give_limit(lapsed, "5000.00", status=LimitStatus.EXPIRED, valid_to=timezone.localdate() - dt.timedelta(days=3))
    assert codes(check(analyst, lapsed, "SO-1", "100.00", simulate=True)) == ["limit_expired"]
    settings.CREDITDESK_EXPIRED_LIMIT_GRACE_DAYS = 7
    graced = check(analyst, lapsed, "SO-1", "100.00", simulate=True)
    assert (graced.decision, graced.limit_amount, graced.available) == ("approved", D("5000.00"), D("5000.00"))
    settings.CREDITDESK_EXPIRED_LIMIT_GRACE_DAYS = 2
    assert codes(check(analyst, lapsed, "SO-1", "100.00", simulate=True)) == ["limit_expired"]


def overdue_invoice(actor, customer, days: int, amount: str = "5000.00") -> None:
    due = timezone.localdate() - dt.timedelta(days=days)
    record_invoice(actor, {"customer": customer, "number": f"F-{days}", "invoice_date": due - dt.timedelta(days=30),
                           "due_date": due, "currency_id": "CNY", "net_amount": D(amount), "tax_amount": D("0.00"),
                           "gross_amount": D(amount)})


@pytest.mark.parametrize(("setup", "amount", "expected"), [
    ("on_hold", "10.00", ["on_hold"]),
    ("blocked", "10.00", ["blocked"]),
    ("none", "100000.01", ["over_limit"]),
    ("overdue_31_days", "10.00", ["overdue"]),
    ("overdue_30_days", "10.00", []),
])
def test_each_reason_alone_blocks_and_nothing_else_does(analyst, customer, setup, amount, expected):
    """The decision table row by row: one condition, one reason; 30 days overdue is still within the tolerance."""
    if setup in ("on_hold", "blocked"):
        customer.status = CustomerStatus.ON_HOLD if setup == "on_hold" else CustomerStatus.BLOCKED
        customer.save()
    if setup.startswith("overdue"):
        overdue_invoice(analyst, customer, int(setup.split("_")[1]))
    result = check(analyst, customer, "SO-1", amount, simulate=True)
    assert (codes(result), result.decision) == (expected, "blocked" if expected else "approved")
