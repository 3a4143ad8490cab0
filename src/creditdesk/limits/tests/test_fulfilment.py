"""An approved order moves on: shipped, invoiced or cancelled, checked again wherever the policy puts a check point.

Unless a test says otherwise: a customer with an active limit of 100,000.00 CNY and nothing owed, and the
default check points (order and shipment checked, counting every open order; invoicing not checked).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from creditdesk.audit.models import AuditEntry
from creditdesk.customers.choices import CustomerStatus
from creditdesk.limits.checks import check_order
from creditdesk.limits.fulfilment import cancel_check, invoice_check, ship_check
from creditdesk.limits.models import CheckPoint, CreditCheck, Point
from creditdesk.limits.overrides import lapse_releases, reject_check, release_check
from creditdesk.limits.tests.test_credit_check import give_limit
from creditdesk.receivables.figures import credit_position
from creditdesk.receivables.models import OrderStatus, SalesOrder
from creditdesk.testing.factories import CustomerFactory

D = Decimal


@pytest.fixture
def customer(db):
    customer = CustomerFactory(code="C000001", status=CustomerStatus.ACTIVE)
    give_limit(customer, "100000.00")
    return customer


def order(actor, customer, amount: str, reference: str = "SO-1") -> CreditCheck:
    return check_order(actor, customer, reference, D(amount), "CNY")


def configure(point: str, active: bool = True, unshipped: bool = True, shipped: bool = True) -> None:
    CheckPoint.objects.update_or_create(point=point, defaults={
        "active": active, "counts_unshipped": unshipped, "counts_shipped": shipped})


def put_on_hold(customer) -> None:
    customer.status = CustomerStatus.ON_HOLD
    customer.save()


def reservation() -> tuple[Decimal, Decimal, Decimal, str]:
    found = SalesOrder.objects.get()
    return found.amount, found.shipped_amount, found.invoiced_amount, found.status


def test_the_default_check_points_check_orders_and_shipments_and_count_every_open_order(db):
    assert list(CheckPoint.objects.values_list("point", "active", "counts_unshipped", "counts_shipped")) == [
        ("order", True, True, True), ("shipment", True, True, True), ("invoice", False, True, True)]


def test_an_order_shipped_in_two_parts_and_invoiced_in_two(analyst, customer):
    """50,000 ordered: 20,000 then 30,000 shipped, 20,000 then 30,000 invoiced; it counts until fully invoiced."""
    checked = order(analyst, customer, "50000.00")
    ship_check(analyst, checked, D("20000.00"))
    assert reservation() == (D("50000.00"), D("20000.00"), D("0.00"), OrderStatus.OPEN)
    position = credit_position([customer.pk], timezone.localdate())
    assert (position.exposure, position.unshipped_orders, position.shipped_orders) == (
        D("50000.00"), D("30000.00"), D("20000.00"))
    ship_check(analyst, checked)
    invoice_check(analyst, checked, D("20000.00"))
    position = credit_position([customer.pk], timezone.localdate())
    assert (position.exposure, position.unshipped_orders, position.shipped_orders) == (
        D("30000.00"), D("0.00"), D("30000.00"))
    done = invoice_check(analyst, checked)
    assert (done.status, done.point, reservation()) == (
        "invoiced", "invoice", (D("50000.00"), D("50000.00"), D("50000.00"), OrderStatus.INVOICED))
    assert list(AuditEntry.objects.filter(action__in=["credit_check.ship", "credit_check.invoice"])
                .order_by("pk").values_list("action", "changes")) == [
        ("credit_check.ship", {"shipped": ["0.00", "20000.00"]}),
        ("credit_check.ship", {"shipped": ["20000.00", "50000.00"]}),
        ("credit_check.invoice", {"invoiced": ["0.00", "20000.00"], "status": [None, "reserved"]}),
        ("credit_check.invoice", {"invoiced": ["20000.00", "50000.00"], "status": [None, "invoiced"]})]


def test_nothing_ships_or_invoices_beyond_what_is_left(analyst, customer):
    checked = order(analyst, customer, "50000.00")
    ship_check(analyst, checked, D("40000.00"))
    with pytest.raises(ValidationError) as error:
        ship_check(analyst, checked, D("10000.01"))
    assert error.value.message_dict == {"amount": ["Between 0.01 and the 10,000.00 left to ship."]}
    with pytest.raises(ValidationError):
        invoice_check(analyst, checked, D("50000.01"))


def test_a_blocked_order_can_neither_ship_nor_invoice(analyst, customer):
    blocked = order(analyst, customer, "150000.00")
    for move in (ship_check, invoice_check):
        with pytest.raises(ValidationError) as error:
            move(analyst, blocked)
        assert error.value.messages == ["Only an approved or released order can be shipped or invoiced."]


def test_a_customer_put_on_hold_after_the_order_stops_its_shipment_until_released(analyst, manager, customer):
    checked = order(analyst, customer, "50000.00")
    put_on_hold(customer)
    held = ship_check(analyst, checked, D("20000.00"))
    assert (held.status, held.decision, held.point, held.pending_amount) == ("blocked", "blocked", "shipment",
                                                                            D("20000.00"))
    assert [reason["code"] for reason in held.reasons] == ["on_hold"]
    assert reservation() == (D("50000.00"), D("0.00"), D("0.00"), OrderStatus.OPEN)
    released = release_check(manager, held, "Paid in advance by wire.")
    assert (released.status, released.pending_amount, reservation()) == (
        "released", None, (D("50000.00"), D("20000.00"), D("0.00"), OrderStatus.OPEN))
    assert AuditEntry.objects.get(action="credit_check.release").changes["point"] == [None, "shipment"]


def test_a_release_covers_the_reasons_it_overrode_but_not_a_new_one(analyst, manager, customer):
    """Released over the limit, the order ships without being stopped again; put on hold, it stops."""
    released = release_check(manager, order(analyst, customer, "150000.00"), "Parent guarantee.")
    ship_check(analyst, released, D("50000.00"))
    assert reservation()[1] == D("50000.00")
    put_on_hold(customer)
    held = ship_check(analyst, released, D("50000.00"))
    assert ([r["code"] for r in held.reasons], held.status, reservation()[1]) == (["on_hold"], "blocked",
                                                                                  D("50000.00"))


def test_goods_already_shipped_are_never_stopped_at_their_invoice(analyst, customer):
    """Even with invoicing a check point that counts no open order, an invoice of shipped goods goes through."""
    configure(Point.INVOICE, unshipped=False, shipped=False)
    checked = order(analyst, customer, "50000.00")
    ship_check(analyst, checked, D("30000.00"))
    put_on_hold(customer)
    invoiced = invoice_check(analyst, checked, D("30000.00"))
    assert (invoiced.status, reservation()) == ("reserved", (D("50000.00"), D("30000.00"), D("30000.00"),
                                                             OrderStatus.OPEN))


def test_invoicing_ahead_of_shipment_is_checked_where_the_invoice_point_is_active(analyst, customer):
    configure(Point.INVOICE, unshipped=False)
    checked = order(analyst, customer, "50000.00")
    put_on_hold(customer)
    held = invoice_check(analyst, checked, D("10000.00"))
    assert (held.status, held.point, held.pending_amount, reservation()[2]) == ("blocked", "invoice",
                                                                               D("10000.00"), D("0.00"))


def test_a_bulk_order_counts_only_as_it_ships(analyst, customer):
    """Orders count from shipment: 300,000 ordered passes; 60,000 shipped fits; 50,000 more is over the 40,000 left."""
    configure(Point.ORDER, unshipped=False)
    configure(Point.SHIPMENT, unshipped=False)
    bulk = order(analyst, customer, "300000.00")
    assert (bulk.decision, bulk.exposure, bulk.available) == ("approved", D("0.00"), D("100000.00"))
    assert ship_check(analyst, bulk, D("60000.00")).decision == "approved"
    held = ship_check(analyst, bulk, D("50000.00"))
    assert ([r["code"] for r in held.reasons], held.exposure, held.available) == (
        ["over_limit"], D("60000.00"), D("40000.00"))
    assert reservation()[1] == D("60000.00")


def test_a_rejected_shipment_leaves_the_order_counted(analyst, manager, customer):
    checked = order(analyst, customer, "50000.00")
    put_on_hold(customer)
    rejected = reject_check(manager, ship_check(analyst, checked), "Hold stays until they pay.")
    assert (rejected.status, rejected.pending_amount, reservation()[3]) == ("rejected", None, OrderStatus.OPEN)
    assert credit_position([customer.pk], timezone.localdate()).exposure == D("50000.00")


def test_an_order_can_not_shrink_below_what_it_shipped(analyst, customer):
    checked = order(analyst, customer, "50000.00")
    ship_check(analyst, checked, D("30000.00"))
    with pytest.raises(ValidationError) as error:
        order(analyst, customer, "29999.99")
    assert error.value.message_dict == {"amount": ["The order has already shipped or invoiced more than that."]}
    assert order(analyst, customer, "40000.00").amount == D("40000.00")


def test_cancelling_keeps_what_was_shipped_until_it_is_invoiced(analyst, customer):
    checked = order(analyst, customer, "50000.00")
    ship_check(analyst, checked, D("20000.00"))
    with pytest.raises(ValidationError) as error:
        cancel_check(analyst, checked)
    assert error.value.messages == ["Goods of this order were shipped and not invoiced yet; invoice them first."]
    invoice_check(analyst, checked, D("20000.00"))
    cancelled = cancel_check(analyst, checked)
    assert (cancelled.status, reservation()) == ("cancelled", (D("20000.00"), D("20000.00"), D("20000.00"),
                                                               OrderStatus.INVOICED))


def test_a_release_that_shipped_does_not_lapse(analyst, manager, customer):
    last_day = timezone.localdate() + dt.timedelta(days=1)
    released = release_check(manager, order(analyst, customer, "150000.00"), "Guarantee.", last_day)
    ship_check(analyst, released, D("1000.00"))
    assert lapse_releases(last_day + dt.timedelta(days=1)) == 0
    assert CreditCheck.objects.get().status == "released"


def test_an_inactive_shipment_point_lets_shipments_through(analyst, customer):
    configure(Point.SHIPMENT, active=False)
    checked = order(analyst, customer, "50000.00")
    put_on_hold(customer)
    assert ship_check(analyst, checked).status == "reserved"
