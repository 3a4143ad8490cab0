"""Writes about credit limits: request, approve, reject, withdraw, the daily calendar, and credit holds.

Every approval is checked here, not only hidden in the screens: the requester never approves their own
limit (maker ≠ checker), the approver must hold a role the authority band names, and each approval is a
different person's. Under a band's "each" rule an approval counts for a role no earlier approval came from, and
the limit is approved once every role has approved; under "any", once that many people have. Each step leaves an
audit entry.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.assessment.ratings_in_force import current_rating
from creditdesk.audit.services import diff, record_audit, snapshot
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor
from creditdesk.customers.choices import CustomerStatus
from creditdesk.customers.models import Customer
from creditdesk.limits.authority import band_for, progress_of, role_labels
from creditdesk.limits.models import CreditLimit, LimitApproval, LimitKind, LimitStatus

LIMIT_FIELDS = ["customer", "kind", "amount", "currency", "valid_from", "valid_to", "review_on", "overdue_cap",
                "justification", "status", "approvals_required", "approver_roles", "approval_rule"]
OPEN = (LimitStatus.REQUESTED, LimitStatus.APPROVED, LimitStatus.ACTIVE)


@transaction.atomic
def request_limit(actor: Actor, customer: Customer, data: dict[str, Any]) -> CreditLimit:
    """A new limit, waiting for the approvals its amount's authority band asks for."""
    require(actor, "limits.add_creditlimit")
    limit = CreditLimit(customer=customer, requested_by=actor, **data)
    if not (limit.justification or "").strip():
        raise ValidationError({"justification": _("Say why this limit is needed.")})
    if limit.kind == LimitKind.GROUP and customer.parent_id is not None:
        raise ValidationError({"kind": _("A group limit belongs to the group's top company.")})
    if limit.kind == LimitKind.TEMPORARY and limit.valid_to is None:
        raise ValidationError({"valid_to": _("A temporary limit needs an end date.")})
    if limit.review_on is not None and limit.valid_from is not None and limit.review_on < limit.valid_from:
        raise ValidationError({"review_on": _("A limit cannot fall due for review before it starts.")})
    limit.full_clean(exclude=["approvals_required", "approver_roles", "approval_rule"])
    band = band_for(limit.amount, limit.currency_id, timezone.localdate(), current_rating(customer))
    for field, value in band.terms().items():
        setattr(limit, field, value)
    limit.save()
    record_audit(actor, "credit_limit.request", limit, diff({}, snapshot(limit, LIMIT_FIELDS)))
    return limit


def locked(limit: CreditLimit) -> CreditLimit:
    return CreditLimit.objects.select_for_update().select_related("customer").get(pk=limit.pk)


def deciding_roles(actor: Actor, limit: CreditLimit) -> set[str]:
    """The band's roles the actor holds, or why they may not decide this limit at all."""
    if actor.pk == limit.requested_by_id:
        raise PermissionDenied(_("You requested this limit; someone else must approve it."))
    if limit.approvals.filter(approver=actor).exists():
        raise PermissionDenied(_("You have already approved this limit; another person must approve it too."))
    roles = limit.approver_roles.split(",")
    held = set(actor.groups.filter(name__in=roles).values_list("name", flat=True))
    if not held:
        raise PermissionDenied(_("A limit of this amount must be approved by: %(roles)s.") % {
            "roles": role_labels(roles)})
    return held


def approving_role(actor: Actor, limit: CreditLimit) -> str:
    """The role the actor's approval counts for; under "each", never a role that has approved already."""
    held = deciding_roles(actor, limit)
    progress = progress_of(limit)
    role = progress.counts_as(held)
    if role is None:
        given = sorted(held, key=progress.roles.index)
        raise PermissionDenied(_("Approval as %(role)s is already given; this limit still needs: %(waiting)s.") % {
            "role": role_labels(given), "waiting": role_labels(progress.roles_waiting)})
    return role


@transaction.atomic
def approve_limit(actor: Actor, limit: CreditLimit, comment: str = "") -> CreditLimit:
    """One approval; with the last one needed the limit is approved, and active from its start date."""
    require(actor, "limits.approve_creditlimit")
    limit = locked(limit)
    if limit.status != LimitStatus.REQUESTED:
        raise ValidationError(_("Only a requested limit can be approved."))
    approval = LimitApproval.objects.create(limit=limit, approver=actor, role=approving_role(actor, limit),
                                            comment=comment.strip()[:300])
    record_audit(actor, "credit_limit.approve", limit, {"approvals": [None, approval.role]}, comment,
                 customer_id=limit.customer_id)
    if progress_of(limit).complete:
        move(actor, limit, LimitStatus.APPROVED, "")
        if limit.valid_from <= timezone.localdate():
            activate(actor, limit)
    return limit


def move(actor: Actor | None, limit: CreditLimit, status: str, reason: str) -> None:
    """A step in the limit's life, with its time and reason, audited."""
    before = limit.status
    limit.status = status
    now = timezone.now()
    if status in (LimitStatus.APPROVED, LimitStatus.REJECTED):
        limit.decided_at = now
    if status in (LimitStatus.EXPIRED, LimitStatus.WITHDRAWN, LimitStatus.REJECTED):
        limit.ended_at, limit.end_reason = now, reason[:300]
    limit.save(update_fields=["status", "decided_at", "ended_at", "end_reason"])
    record_audit(actor, f"credit_limit.{status}", limit, {"status": [before, status]}, reason,
                 customer_id=limit.customer_id)


def activate(actor: Actor | None, limit: CreditLimit) -> None:
    """The limit takes effect; the customer's earlier active limit of the same kind ends, kept in the history."""
    replaced = CreditLimit.objects.select_for_update().filter(
        customer_id=limit.customer_id, kind=limit.kind, status=LimitStatus.ACTIVE).exclude(pk=limit.pk)
    for old in replaced:
        move(actor, old, LimitStatus.EXPIRED, _("Replaced by limit #%(id)s.") % {"id": limit.pk})
    move(actor, limit, LimitStatus.ACTIVE, "")


@transaction.atomic
def reject_limit(actor: Actor, limit: CreditLimit, reason: str) -> CreditLimit:
    """Refuse a requested limit; anyone the band names may, even in a role that has approved; the reason stays."""
    require(actor, "limits.approve_creditlimit")
    limit = locked(limit)
    if limit.status != LimitStatus.REQUESTED:
        raise ValidationError(_("Only a requested limit can be rejected."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the limit is rejected.")})
    deciding_roles(actor, limit)
    move(actor, limit, LimitStatus.REJECTED, reason.strip())
    return limit


@transaction.atomic
def withdraw_limit(actor: Actor, limit: CreditLimit, reason: str) -> CreditLimit:
    """End a limit (or a request) early, with the reason."""
    require(actor, "limits.add_creditlimit")
    limit = locked(limit)
    if limit.status not in OPEN:
        raise ValidationError(_("This limit has already ended."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the limit is withdrawn.")})
    move(actor, limit, LimitStatus.WITHDRAWN, reason.strip())
    return limit


@transaction.atomic
def run_limit_calendar(today: dt.date | None = None) -> dict[str, int]:
    """The daily job: approved limits whose day has come become active; limits past their end expire."""
    day = today or timezone.localdate()
    started = list(CreditLimit.objects.select_for_update().filter(status=LimitStatus.APPROVED, valid_from__lte=day))
    for limit in started:
        activate(None, limit)
    ended = list(CreditLimit.objects.select_for_update().filter(status=LimitStatus.ACTIVE, valid_to__lt=day))
    for limit in ended:
        move(None, limit, LimitStatus.EXPIRED, _("Ended on %(date)s.") % {"date": limit.valid_to})
    return {"activated": len(started), "expired": len(ended)}


@transaction.atomic
def place_hold(actor: Actor, customer: Customer, reason: str) -> Customer:
    """Stop new credit for a customer until someone releases it."""
    return set_hold(actor, customer, reason, CustomerStatus.ON_HOLD, "customer.hold")


@transaction.atomic
def release_hold(actor: Actor, customer: Customer, reason: str) -> Customer:
    return set_hold(actor, customer, reason, CustomerStatus.ACTIVE, "customer.release")


def set_hold(actor: Actor, customer: Customer, reason: str, status: str, action: str) -> Customer:
    require(actor, "limits.hold_customer")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    if (status == CustomerStatus.ON_HOLD) == (customer.status == CustomerStatus.ON_HOLD):
        raise ValidationError(_("The customer is already on hold.") if status == CustomerStatus.ON_HOLD
                              else _("The customer is not on hold."))
    before, customer.status = customer.status, status
    customer.save(update_fields=["status", "updated_at"])
    record_audit(actor, action, customer, {"status": [before, status]}, reason.strip())
    return customer
