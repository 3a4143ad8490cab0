"""An approved order moves on: shipped (checked again where shipment is a check point), invoiced, or cancelled.

Each move that raises the exposure a check point counts is checked there, under the same locks as a new
order, so no state change slips past the limit. A move that is blocked waits on the check (`pending_amount`)
for a credit manager to release or reject it. Goods shipped under an approved check are never stopped at
their invoice.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.audit.services import record_audit
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor
from creditdesk.currencies.selectors import convert, functional_currency
from creditdesk.customers.models import Customer
from creditdesk.limits.checks import HOLDING, assess, lock_check, settle
from creditdesk.limits.models import CheckPoint, CheckStatus, CreditCheck, Decision, Point
from creditdesk.limits.points import check_point
from creditdesk.receivables.models import OrderStatus, SalesOrder

ON = Decimal(1)
OFF = Decimal(0)


def open_order(check: CreditCheck) -> SalesOrder:
    """The reservation a move applies to; only an approved or released order has one."""
    if check.status not in HOLDING or check.order is None:
        raise ValidationError(_("Only an approved or released order can be shipped or invoiced."))
    return check.order


def within(amount: Decimal | None, left: Decimal, refusal: str) -> Decimal:
    """The amount asked for, or all that is left; never nothing and never more than is left."""
    amount = left if amount is None else amount
    if amount <= 0 or amount > left:
        raise ValidationError({"amount": refusal % {"left": f"{left:,.2f}"}})
    return amount


def counted(point: CheckPoint, unshipped: bool) -> Decimal:
    """Whether the point counts an open order's unshipped (or shipped, not invoiced) part."""
    return ON if (point.counts_unshipped if unshipped else point.counts_shipped) else OFF


def check_move(actor: Actor, check: CreditCheck, top: Customer, point: CheckPoint, amount: Decimal,
               extra: Decimal) -> bool:
    """Check a move at an active point; a blocked move waits on the check. True when the move may go ahead.

    A release still in force covers the reasons it overrode; only a new reason stops the move.
    """
    if not point.active:
        return True
    today = timezone.localdate()
    released = check.status == CheckStatus.RELEASED and (check.override_expires_on or today) >= today
    overridden = {reason["code"] for reason in check.reasons} if released else set()
    extra = convert(extra, check.currency_id, functional_currency(), today)
    found = assess(check.customer, top, extra, today, point)
    found.reasons = [reason for reason in found.reasons if reason["code"] not in overridden]
    if released and not found.reasons:
        return True
    settle(check, found, extra, point.point)
    if check.decision != Decision.BLOCKED:
        return True
    check.pending_amount = amount
    check.save()
    record_audit(actor, "credit_check.blocked", check, {
        "point": [None, point.point], "amount": [None, str(amount)],
        "reasons": [None, [r["code"] for r in found.reasons]]}, customer_id=check.customer_id)
    return False


@transaction.atomic
def ship_check(actor: Actor, check: CreditCheck, amount: Decimal | None = None) -> CreditCheck:
    """Goods leave: what ships moves from the order's unshipped part to its shipped part, checked at shipment."""
    require(actor, "limits.add_creditcheck")
    check, top = lock_check(check)
    order = open_order(check)
    amount = within(amount, order.amount - order.shipped_amount,
                    _("Between 0.01 and the %(left)s left to ship."))
    point = check_point(Point.SHIPMENT)
    if check_move(actor, check, top, point, amount, amount * (counted(point, False) - counted(point, True))):
        apply_shipment(actor, check, amount)
    return check


def apply_shipment(actor: Actor | None, check: CreditCheck, amount: Decimal) -> None:
    """Record the shipment on the reservation, audited."""
    order = check.order
    assert order is not None
    before, order.shipped_amount = order.shipped_amount, order.shipped_amount + amount
    order.save(update_fields=["shipped_amount"])
    check.point, check.pending_amount = Point.SHIPMENT, None
    check.save()
    record_audit(actor, "credit_check.ship", check, {"shipped": [str(before), str(order.shipped_amount)]},
                 customer_id=check.customer_id)


@transaction.atomic
def invoice_check(actor: Actor, check: CreditCheck, amount: Decimal | None = None) -> CreditCheck:
    """The order is invoiced (in part or in full): the invoice counts from now on instead of the reservation.

    What was shipped is never checked again; invoicing ahead of shipment is checked where the invoice point
    is active and does not already count the unshipped order.
    """
    require(actor, "limits.add_creditcheck")
    check, top = lock_check(check)
    order = open_order(check)
    amount = within(amount, order.amount - order.invoiced_amount,
                    _("Between 0.01 and the %(left)s left to invoice."))
    ahead = max(amount - max(order.shipped_amount - order.invoiced_amount, Decimal(0)), Decimal(0))
    point = check_point(Point.INVOICE)
    if not ahead or check_move(actor, check, top, point, amount, ahead * (ON - counted(point, True))):
        apply_invoice(actor, check, amount)
    return check


def apply_invoice(actor: Actor | None, check: CreditCheck, amount: Decimal) -> None:
    """Record the invoiced amount; a fully invoiced order stops counting and its check is closed."""
    order = check.order
    assert order is not None
    before, order.invoiced_amount = order.invoiced_amount, order.invoiced_amount + amount
    if order.invoiced_amount == order.amount:
        order.status, check.status = OrderStatus.INVOICED, CheckStatus.INVOICED
    order.save(update_fields=["invoiced_amount", "status"])
    check.point, check.pending_amount = Point.INVOICE, None
    check.save()
    record_audit(actor, "credit_check.invoice", check, {"invoiced": [str(before), str(order.invoiced_amount)],
                                                        "status": [None, check.status]},
                 customer_id=check.customer_id)


@transaction.atomic
def cancel_check(actor: Actor, check: CreditCheck) -> CreditCheck:
    """The ERP cancelled the order: what was neither shipped nor invoiced stops counting.

    Goods shipped and not yet invoiced still count, so such an order must be invoiced first.
    """
    require(actor, "limits.add_creditcheck")
    check, _top = lock_check(check)
    if check.status in (CheckStatus.CANCELLED, CheckStatus.INVOICED):
        raise ValidationError(_("This order is already closed."))
    order = check.order
    if order is not None and order.shipped_amount > order.invoiced_amount:
        raise ValidationError(_("Goods of this order were shipped and not invoiced yet; invoice them first."))
    before, check.status, check.pending_amount = check.status, CheckStatus.CANCELLED, None
    check.save()
    if order is not None and order.status == OrderStatus.OPEN:
        order.status = OrderStatus.INVOICED if order.invoiced_amount else OrderStatus.CANCELLED
        order.amount = order.invoiced_amount or order.amount
        order.save(update_fields=["status", "amount"])
    record_audit(actor, "credit_check.cancelled", check, {"status": [before, check.status]},
                 customer_id=check.customer_id)
    return check
