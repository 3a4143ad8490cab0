"""What a credit manager does with the credit check's answers: release a blocked order (an override, with a reason
and a last day), reject it, and the analyst's note that a watched order was seen.

A release is reported and audited as an override: the reasons it overrode stay on the check. A release of an
order not shipped by its last day lapses in the daily job.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.audit.services import record_audit
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor
from creditdesk.limits.checks import HOLDING, lock_check, reserve
from creditdesk.limits.fulfilment import apply_invoice, apply_shipment
from creditdesk.limits.models import CheckStatus, CreditCheck, Decision, Point
from creditdesk.receivables.models import OrderStatus


def blocked(actor: Actor, check: CreditCheck, reason: str, refusal: str) -> tuple[CreditCheck, str]:
    """The locked check, refused unless it is blocked and the decision says why."""
    require(actor, "limits.release_creditcheck")
    check, _top = lock_check(check)
    if check.status != CheckStatus.BLOCKED:
        raise ValidationError(_("Only a blocked order can be released or rejected."))
    if not reason.strip():
        raise ValidationError({"reason": refusal})
    return check, reason.strip()[:300]


@transaction.atomic
def release_check(actor: Actor, check: CreditCheck, reason: str, valid_until: dt.date | None = None) -> CreditCheck:
    """A credit manager lets a blocked order (or its shipment or invoice) through: an override, audited."""
    check, reason = blocked(actor, check, reason, _("Say why the order is released."))
    check.status, check.override_by, check.override_reason = CheckStatus.RELEASED, actor, reason
    check.override_expires_on = valid_until
    pending, check.pending_amount = check.pending_amount, None
    if check.point == Point.ORDER or not pending:
        reserve(check, timezone.localdate())
    check.save()
    record_audit(actor, "credit_check.release", check, {
        "status": [CheckStatus.BLOCKED, CheckStatus.RELEASED], "reasons": [[r["code"] for r in check.reasons], None],
        "point": [None, check.point], "valid_until": [None, valid_until]}, reason, customer_id=check.customer_id)
    if pending and check.point == Point.SHIPMENT:
        apply_shipment(actor, check, pending)
    elif pending and check.point == Point.INVOICE:
        apply_invoice(actor, check, pending)
    return check


@transaction.atomic
def reject_check(actor: Actor, check: CreditCheck, reason: str) -> CreditCheck:
    """A blocked order (or its shipment or invoice) stays refused; what was reserved before still counts."""
    check, reason = blocked(actor, check, reason, _("Say why the order is rejected."))
    check.status, check.override_by, check.override_reason = CheckStatus.REJECTED, actor, reason
    check.pending_amount = None
    check.save()
    record_audit(actor, "credit_check.reject", check, {"status": [CheckStatus.BLOCKED, CheckStatus.REJECTED],
                                                       "point": [None, check.point]},
                 reason, customer_id=check.customer_id)
    return check


@transaction.atomic
def lapse_releases(today: dt.date | None = None) -> int:
    """The daily job: a release of an order not shipped or invoiced by its last day lapses; the order is blocked
    again and its reservation ended."""
    day = today or timezone.localdate()
    lapsed = list(CreditCheck.objects.select_for_update(of=("self",)).select_related("order").filter(
        status=CheckStatus.RELEASED, override_expires_on__lt=day, order__shipped_amount=0, order__invoiced_amount=0))
    for check in lapsed:
        check.status = CheckStatus.BLOCKED
        check.save(update_fields=["status", "updated_at"])
        if check.order is not None:
            check.order.status = OrderStatus.CANCELLED
            check.order.save(update_fields=["status"])
        record_audit(None, "credit_check.lapse", check, {"status": [CheckStatus.RELEASED, CheckStatus.BLOCKED]},
                     _("The release ended on %(date)s.") % {"date": check.override_expires_on},
                     customer_id=check.customer_id)
    return len(lapsed)


@transaction.atomic
def note_watch(actor: Actor, check: CreditCheck) -> CreditCheck:
    """The analyst has seen an order approved close to the limit; it leaves their watch list."""
    require(actor, "limits.add_creditlimit")
    check = CreditCheck.objects.select_for_update().get(pk=check.pk)
    if check.decision != Decision.WATCH or check.status not in HOLDING:
        raise ValidationError(_("Only an open order approved to watch can be noted."))
    if check.noted_at is not None:
        raise ValidationError(_("This order was already noted."))
    check.noted_by, check.noted_at = actor, timezone.now()
    check.save(update_fields=["noted_by", "noted_at", "updated_at"])
    record_audit(actor, "credit_check.note", check, {"noted": [None, True]}, customer_id=check.customer_id)
    return check
