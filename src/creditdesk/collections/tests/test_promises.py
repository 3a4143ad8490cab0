"""Promises to pay: recorded by a collector, judged by the nightly job from the payments received.

Every promise here is recorded today for a day a week ahead (DUE) and judged the day after DUE, as the nightly
job does; a promise counts the payments in its currency from the day it was recorded up to and with DUE.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from creditdesk.audit.actions import action_label
from creditdesk.audit.models import AuditEntry
from creditdesk.collections.models import PromiseStatus, PromiseToPay
from creditdesk.collections.selectors import broken_promises, customer_promises
from creditdesk.collections.services import judge_promises, record_promise
from creditdesk.core.jobs import DAILY_JOBS, run_daily_jobs
from creditdesk.receivables.services import record_payment
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal
TODAY = timezone.localdate()
DUE = TODAY + dt.timedelta(days=7)
NIGHT_AFTER = DUE + dt.timedelta(days=1)


@pytest.fixture
def collector(db):
    return UserFactory(username="zhao.collector", role="collector")


@pytest.fixture
def customer(db):
    return CustomerFactory(code="C200001")


def promise(collector, customer, amount: str = "1000.00", currency: str = "CNY", due: dt.date = DUE,
            note: str = "") -> PromiseToPay:
    return record_promise(collector, customer, D(amount), currency, due, note)


def pay(analyst, customer, amount: str, received_on: dt.date, currency: str = "CNY") -> None:
    record_payment(analyst, {"customer": customer, "received_on": received_on, "amount": D(amount),
                             "currency_id": currency})


def judged(item: PromiseToPay) -> tuple[str, dt.date | None]:
    item.refresh_from_db()
    return item.status, item.judged_on


def refusal(collector, customer, amount: str, due: dt.date, currency: str = "CNY") -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        record_promise(collector, customer, D(amount), currency, due, "")
    return caught.value.message_dict


# --- recording ----------------------------------------------------------------------------------------------------

def test_a_collector_records_a_promise_open_and_audited(collector, customer):
    item = promise(collector, customer, "1000", note="  Finance director confirmed by phone.  ")

    assert (item.status, item.amount, item.currency_id, item.promised_for, item.note, item.recorded_by) == (
        "open", D("1000.00"), "CNY", DUE, "Finance director confirmed by phone.", collector)
    assert timezone.localdate(item.recorded_at) == TODAY
    entry = AuditEntry.objects.get(action="promise.create")
    assert (entry.actor_name, entry.object_type, entry.object_id, entry.customer_id) == (
        "zhao.collector", "collections.promisetopay", str(item.pk), customer.pk)
    assert entry.changes == {"customer": [None, customer.pk], "amount": [None, "1000.00"], "currency": [None, "CNY"],
                             "promised_for": [None, DUE.isoformat()],
                             "note": [None, "Finance director confirmed by phone."], "status": [None, "open"]}
    assert action_label("promise.create") == "Promise to pay recorded"


def test_the_currency_defaults_to_the_customers_and_is_read_in_capitals(collector, db):
    buyer = CustomerFactory(currency_id="USD")
    assert promise(collector, buyer, currency="").currency_id == "USD"
    assert promise(collector, buyer, currency="eur").currency_id == "EUR"


def test_a_promise_for_today_is_accepted(collector, customer):
    assert promise(collector, customer, due=TODAY).promised_for == TODAY


@pytest.mark.parametrize("amount", ["0.00", "-5.00"])
def test_an_amount_of_zero_or_less_is_refused(collector, customer, amount):
    assert refusal(collector, customer, amount, DUE) == {"amount": ["The promised amount must be more than zero."]}
    assert not PromiseToPay.objects.exists()
    assert not AuditEntry.objects.filter(action="promise.create").exists()


def test_a_day_in_the_past_is_refused(collector, customer):
    assert refusal(collector, customer, "100.00", TODAY - dt.timedelta(days=1)) == {
        "promised_for": ["The promised day cannot be in the past."]}


def test_an_amount_below_a_cent_and_an_unknown_currency_are_refused(collector, customer):
    assert refusal(collector, customer, "100.001", DUE) == {
        "amount": ["Ensure that there are no more than 2 decimal places."]}
    assert list(refusal(collector, customer, "100.00", DUE, currency="XYZ")) == ["currency"]


@pytest.mark.parametrize("role", ["auditor", "sales", "cfo"])
def test_readers_may_not_record_promises(customer, role):
    with pytest.raises(PermissionDenied):
        promise(UserFactory(role=role), customer)
    assert not PromiseToPay.objects.exists()


@pytest.mark.parametrize("role", ["collector", "credit_analyst", "credit_manager", "admin"])
def test_collectors_and_credit_file_keepers_record_promises(customer, role):
    assert promise(UserFactory(role=role), customer).status == "open"


def test_a_customers_promises_newest_first(collector, customer):
    first, second = promise(collector, customer, "100.00"), promise(collector, customer, "200.00")
    promise(collector, CustomerFactory(), "300.00")
    assert list(customer_promises(customer)) == [second, first]


# --- judging ------------------------------------------------------------------------------------------------------

def test_paid_in_full_on_the_promised_day_is_kept(collector, analyst, customer):
    item = promise(collector, customer)
    pay(analyst, customer, "1000.00", DUE)

    assert judge_promises(NIGHT_AFTER) == {"kept": 1, "broken": 0}
    assert judged(item) == ("kept", NIGHT_AFTER)


def test_paid_short_by_a_cent_is_broken(collector, analyst, customer):
    item = promise(collector, customer)
    pay(analyst, customer, "600.00", TODAY)
    pay(analyst, customer, "399.99", DUE)

    assert judge_promises(NIGHT_AFTER) == {"kept": 0, "broken": 1}
    assert judged(item) == ("broken", NIGHT_AFTER)


def test_cents_add_up_exactly(collector, analyst, customer):
    item = promise(collector, customer, "0.30")
    pay(analyst, customer, "0.10", TODAY)
    pay(analyst, customer, "0.20", DUE)  # 0.1 + 0.2 is not 0.3 in floating point

    judge_promises(NIGHT_AFTER)
    assert judged(item) == ("kept", NIGHT_AFTER)


def test_payments_in_another_currency_do_not_count(collector, analyst, customer):
    item = promise(collector, customer)
    pay(analyst, customer, "1000.00", DUE, currency="USD")

    judge_promises(NIGHT_AFTER)
    assert judged(item) == ("broken", NIGHT_AFTER)


def test_payments_before_the_promise_or_after_its_day_do_not_count(collector, analyst, customer):
    pay(analyst, customer, "1000.00", TODAY - dt.timedelta(days=1))
    item = promise(collector, customer)
    pay(analyst, customer, "1000.00", NIGHT_AFTER)
    pay(analyst, CustomerFactory(), "1000.00", DUE)  # someone else's money

    judge_promises(NIGHT_AFTER)
    assert judged(item) == ("broken", NIGHT_AFTER)


def test_a_promise_not_yet_past_its_day_stays_open(collector, analyst, customer):
    item = promise(collector, customer)

    assert judge_promises(DUE) == {"kept": 0, "broken": 0}  # the customer may still pay today
    assert judged(item) == ("open", None)
    assert not AuditEntry.objects.filter(action__in=["promise.kept", "promise.broken"]).exists()


def test_judging_twice_changes_nothing(collector, analyst, customer):
    kept, broken = promise(collector, customer, "500.00"), promise(collector, customer, "700.00", due=TODAY)
    pay(analyst, customer, "500.00", TODAY)  # 500 towards each: enough for the 500, short of the 700

    assert judge_promises(NIGHT_AFTER) == {"kept": 1, "broken": 1}
    entries = AuditEntry.objects.count()
    pay(analyst, customer, "700.00", NIGHT_AFTER)  # too late
    assert judge_promises(NIGHT_AFTER + dt.timedelta(days=1)) == {"kept": 0, "broken": 0}

    assert (judged(kept), judged(broken)) == (("kept", NIGHT_AFTER), ("broken", NIGHT_AFTER))
    assert AuditEntry.objects.count() == entries + 1  # only the late payment's own entry


def test_each_judgement_is_audited_by_the_system_with_before_and_after(collector, analyst, customer):
    kept, broken = promise(collector, customer, "500.00"), promise(collector, customer, "2000.00")
    pay(analyst, customer, "1500.00", DUE)

    judge_promises(NIGHT_AFTER)

    entries = AuditEntry.objects.filter(action__in=["promise.kept", "promise.broken"]).order_by("id")
    assert [(e.action, e.object_id, e.actor_id, e.actor_name, e.customer_id, e.changes, e.reason)
            for e in entries] == [
        ("promise.kept", str(kept.pk), None, "system", customer.pk,
         {"status": ["open", "kept"], "judged_on": [None, NIGHT_AFTER.isoformat()]},
         f"Paid 1500.00 of 500.00 CNY by {DUE.isoformat()}."),
        ("promise.broken", str(broken.pk), None, "system", customer.pk,
         {"status": ["open", "broken"], "judged_on": [None, NIGHT_AFTER.isoformat()]},
         f"Paid 1500.00 of 2000.00 CNY by {DUE.isoformat()}."),
    ]
    assert (action_label("promise.kept"), action_label("promise.broken")) == (
        "Promise to pay kept", "Promise to pay broken")


def test_the_nightly_jobs_judge_promises_before_sealing_the_audit_chain(collector, customer):
    names = [name for name, _job in DAILY_JOBS]
    assert names.index("promises to pay") == names.index("seal audit chain") - 1
    promise(collector, customer, due=TODAY)
    assert run_daily_jobs()["promises to pay"] == {"kept": 0, "broken": 0}  # due today: judged tomorrow night


def test_a_broken_promise_counts_in_the_window_it_fell_in(collector, customer):
    item = promise(collector, customer)
    judge_promises(NIGHT_AFTER)

    assert judged(item) == (PromiseStatus.BROKEN, NIGHT_AFTER)
    assert broken_promises([customer.pk], NIGHT_AFTER) == 1
    assert broken_promises([customer.pk], DUE - dt.timedelta(days=1)) == 0  # not yet its day
    assert broken_promises([customer.pk], DUE + dt.timedelta(days=366)) == 0  # a year on, out of the window
