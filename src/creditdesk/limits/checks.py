"""The order credit check the ERP calls: approve (or approve and watch) and reserve, or block with the reasons.

The customer (and its group's top company) are locked while the answer is worked out and the amount
reserved, so two orders arriving together are decided one after the other: together they can never take
more than the limit leaves. The same order sent again gets the same answer; a changed amount re-checks
only the difference. A reservation is an open sales order, so it counts in exposure everywhere at once.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creditdesk.audit.services import record_audit
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor
from creditdesk.currencies.selectors import convert, functional_currency
from creditdesk.customers.choices import CustomerStatus
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import group_ancestors, group_members
from creditdesk.limits.models import CheckPoint, CheckStatus, CreditCheck, CreditLimit, Decision, LimitStatus, Point
from creditdesk.limits.points import check_point
from creditdesk.limits.selectors import HOLDING, LimitPosition, effective_limit, group_limit, limit_position
from creditdesk.receivables.figures import credit_position
from creditdesk.receivables.models import OrderStatus, SalesOrder

RESERVATION_SOURCE = "credit-check"
REASONS = {
    "on_hold": gettext_lazy("The customer is on credit hold."),
    "blocked": gettext_lazy("The customer is blocked."),
    "no_limit": gettext_lazy("The customer has no credit limit."),
    "limit_expired": gettext_lazy("The customer's credit limit has expired."),
    "over_limit": gettext_lazy("The order is more than the available credit of %(available)s."),
    "group_over_limit": gettext_lazy("The order is more than the group's available credit of %(available)s."),
    "overdue": gettext_lazy("%(amount)s is overdue, the oldest by %(days)s days."),
    "overdue_cap": gettext_lazy("%(amount)s is overdue, more than the limit's cap of %(cap)s."),
}
# sent again unchanged, these get the same answer; a cancelled or invoiced order sent again is checked afresh
ANSWERED = (*HOLDING, CheckStatus.BLOCKED, CheckStatus.REJECTED)


def reason_text(reason: dict[str, Any]) -> str:
    """A stored reason in the reader's language."""
    return str(REASONS[reason["code"]]) % reason


@dataclass
class Assessment:
    """What the check found: the limit against the exposure (functional currency), and every reason to block."""

    position: LimitPosition
    reasons: list[dict[str, Any]] = field(default_factory=list)


def assess(customer: Customer, top: Customer, extra: Decimal, on: dt.date, point: CheckPoint) -> Assessment:
    """Every reason to block `extra` more credit at a check point (all are reported, not only the first)."""
    figures = credit_position([customer.pk], on)
    limit = effective_limit(customer, on)
    home = functional_currency()
    found = Assessment(limit_position(limit, figures.exposure_counting(point.counts_unshipped, point.counts_shipped),
                                      on))
    available = found.position.available
    if customer.status in (CustomerStatus.ON_HOLD, CustomerStatus.BLOCKED):
        found.reasons.append({"code": "on_hold" if customer.status == CustomerStatus.ON_HOLD else "blocked"})
    if limit is None:
        expired = CreditLimit.objects.filter(customer=customer, status=LimitStatus.EXPIRED).exists()
        found.reasons.append({"code": "limit_expired" if expired else "no_limit"})
    elif available is not None and extra > 0 and available < extra:
        found.reasons.append({"code": "over_limit", "available": f"{available:,.2f} {home}"})
    if (figures.overdue > Decimal(settings.CREDITDESK_OVERDUE_TOLERANCE_AMOUNT)
            and (figures.oldest_overdue_days or 0) > settings.CREDITDESK_OVERDUE_TOLERANCE_DAYS):
        found.reasons.append({"code": "overdue", "amount": f"{figures.overdue:,.2f} {home}",
                              "days": figures.oldest_overdue_days})
    if limit is not None and limit.overdue_cap is not None:
        cap = convert(limit.overdue_cap, limit.currency_id, home, on)
        if figures.overdue > cap:
            found.reasons.append({"code": "overdue_cap", "amount": f"{figures.overdue:,.2f} {home}",
                                  "cap": f"{cap:,.2f} {home}"})
    found.reasons.extend(group_reasons(top, extra, on, point))
    return found


def group_reasons(top: Customer, extra: Decimal, on: dt.date, point: CheckPoint) -> list[dict[str, Any]]:
    """The group limit, held by the top company, against the exposure of every member of the tree."""
    limit = group_limit(top, on)
    if limit is None or extra <= 0:
        return []
    members = [member.pk for _depth, member in group_members(top)]
    home = functional_currency()
    exposure = credit_position(members, on).exposure_counting(point.counts_unshipped, point.counts_shipped)
    available = convert(limit.amount, limit.currency_id, home, on) - exposure
    return [{"code": "group_over_limit", "available": f"{available:,.2f} {home}"}] if extra > available else []


def lock_group(customer: Customer) -> tuple[Customer, Customer]:
    """Lock the customer and its group's top company, in id order, so checks in one group queue up."""
    top = (group_ancestors(customer) or [customer])[0]
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in={top.pk, customer.pk}).order_by("pk")}
    return locked[customer.pk], locked[top.pk]


def lock_check(check: CreditCheck) -> tuple[CreditCheck, Customer]:
    """The check (and its order) locked after its group, the order every credit write takes locks in."""
    customer, top = lock_group(check.customer)
    check = CreditCheck.objects.select_for_update(of=("self",)).select_related("order").get(pk=check.pk)
    check.customer = customer
    return check, top


def reserved(check: CreditCheck | None, on: dt.date) -> Decimal:
    """What an order already holds of the credit (functional currency): its open order, or nothing."""
    if check is None or check.order is None or check.order.status != OrderStatus.OPEN:
        return Decimal(0)
    return convert(check.order.amount, check.order.currency_id, functional_currency(), on)


@transaction.atomic
def check_order(actor: Actor, customer: Customer, reference: str, amount: Decimal, currency: str,
                simulate: bool = False) -> CreditCheck:
    """Decide an order; unless simulating, keep the answer and reserve an approved amount."""
    require(actor, "limits.add_creditcheck")
    reference = reference.strip()
    if not reference:
        raise ValidationError({"order_reference": _("Required.")})
    if amount <= 0:
        raise ValidationError({"amount": _("An amount must be greater than zero.")})
    customer, top = lock_group(customer)
    previous = (CreditCheck.objects.filter(customer=customer, order_reference=reference)
                .select_related("order").first())
    if previous is not None and previous.status in ANSWERED and (previous.amount, previous.currency_id) == (
            amount, currency):
        return previous
    if previous is not None and previous.order is not None and amount < max(
            previous.order.shipped_amount, previous.order.invoiced_amount):
        raise ValidationError({"amount": _("The order has already shipped or invoiced more than that.")})
    today = timezone.localdate()
    point = check_point(Point.ORDER)
    more = convert(amount, currency, functional_currency(), today) - reserved(previous, today)
    extra = more if point.counts_unshipped else Decimal(0)
    found = assess(customer, top, extra, today, point)
    check = previous or CreditCheck(customer=customer, order_reference=reference, requested_by=actor)
    check.amount, check.currency_id = amount, currency
    settle(check, found, extra, Point.ORDER)
    if simulate:
        return check
    if check.status == CheckStatus.RESERVED:
        reserve(check, today)
    check.save()
    record_audit(actor, f"credit_check.{check.decision}", check, {
        "amount": [str(previous.amount) if previous else None, str(amount)], "decision": [None, check.decision],
        "reasons": [None, [r["code"] for r in found.reasons]]}, customer_id=customer.pk)
    return check


def settle(check: CreditCheck, found: Assessment, extra: Decimal, point: str) -> None:
    """Write the answer onto the check: decision, reasons, the figures weighed, and where it was decided."""
    position = found.position
    check.exposure, check.limit_amount, check.available = position.exposure, position.limit_amount, position.available
    check.reasons, check.decision, check.point = found.reasons, decide(found, extra), point
    check.pending_amount = None
    check.status = CheckStatus.BLOCKED if check.decision == Decision.BLOCKED else CheckStatus.RESERVED


def decide(found: Assessment, extra: Decimal) -> str:
    """Blocked with any reason; watched when the order takes utilisation past the watch share."""
    if found.reasons:
        return Decision.BLOCKED
    share, position = Decimal(str(settings.CREDITDESK_WATCH_SHARE)), found.position
    if position.limit_amount and (position.exposure + max(extra, Decimal(0))) >= position.limit_amount * share:
        return Decision.WATCH
    return Decision.APPROVED


def reserve(check: CreditCheck, on: dt.date) -> None:
    """The order's amount counts in exposure from now on, as an open sales order; the caller saves the check."""
    order = check.order or SalesOrder(customer=check.customer, source=RESERVATION_SOURCE,
                                      number=f"{check.customer_id}:{check.order_reference}"[:40],
                                      external_id=f"{check.customer_id}:{check.order_reference}"[:64],
                                      ordered_on=on)
    order.amount, order.currency_id, order.status = check.amount, check.currency_id, OrderStatus.OPEN
    order.save()
    check.order = order
