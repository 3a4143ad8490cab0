"""Reading credit limits: the limit in force, the history, what waits for a user's approval, what needs review."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When

from creditdesk.core.types import Viewer
from creditdesk.currencies.selectors import convert, functional_currency
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import visible_customers
from creditdesk.limits.models import (
    ApprovalRule,
    CheckStatus,
    CreditCheck,
    CreditLimit,
    Decision,
    LimitApproval,
    LimitKind,
    LimitStatus,
)

REVIEW_WINDOW_DAYS = 30
HOLDING = (CheckStatus.RESERVED, CheckStatus.RELEASED)


def in_force(on: dt.date) -> Q:
    return Q(status=LimitStatus.ACTIVE, valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def effective_limit(customer: Customer, on: dt.date) -> CreditLimit | None:
    """The customer's own limit on a day: a temporary limit in force wins over the standard one; None: no credit."""
    limits = CreditLimit.objects.filter(in_force(on), customer=customer,
                                        kind__in=[LimitKind.TEMPORARY, LimitKind.STANDARD])
    found = min(limits, key=lambda limit: (limit.kind != LimitKind.TEMPORARY, -limit.pk), default=None)
    return found or in_grace(customer, on)


def in_grace(customer: Customer, on: dt.date) -> CreditLimit | None:
    """The policy may let an expired standard limit stand for some days after its end, while it is reviewed."""
    days = settings.CREDITDESK_EXPIRED_LIMIT_GRACE_DAYS
    if not days:
        return None
    return (CreditLimit.objects.filter(customer=customer, kind=LimitKind.STANDARD,
                                       status__in=[LimitStatus.ACTIVE, LimitStatus.EXPIRED],
                                       valid_to__lt=on, valid_to__gte=on - dt.timedelta(days=days))
            .order_by("-valid_to", "-pk").first())


@dataclass(frozen=True)
class LimitPosition:
    """A limit against the exposure, both in the functional currency: the brief's Available and Utilisation."""

    limit: CreditLimit | None
    limit_amount: Decimal | None
    exposure: Decimal

    @property
    def available(self) -> Decimal | None:
        return None if self.limit_amount is None else self.limit_amount - self.exposure

    @property
    def utilisation(self) -> Decimal | None:
        """Exposure / credit limit in percent, to a tenth; None without a limit to divide by."""
        if not self.limit_amount:
            return None
        return (self.exposure / self.limit_amount * 100).quantize(Decimal("0.1"))


def limit_position(limit: CreditLimit | None, exposure: Decimal, on: dt.date) -> LimitPosition:
    """The limit converted to the functional currency at the day's rate, beside the exposure."""
    amount = None if limit is None else convert(limit.amount, limit.currency_id, functional_currency(), on)
    return LimitPosition(limit, amount, exposure)


def group_limit(top: Customer, on: dt.date) -> CreditLimit | None:
    """The limit on a whole group, held by its top company."""
    return CreditLimit.objects.filter(in_force(on), customer=top, kind=LimitKind.GROUP).order_by("-pk").first()


def limit_history(customer: Customer) -> QuerySet[CreditLimit]:
    """Every limit ever requested for the customer, newest first, with who asked and who approved."""
    return (CreditLimit.objects.filter(customer=customer).select_related("requested_by", "currency")
            .prefetch_related("approvals__approver"))


def approvals_inbox(user: Viewer) -> QuerySet[CreditLimit]:
    """Requests the user may approve: a role the band names (under "each", one no approval has come from yet),
    not their own, not yet approved by them."""
    if not user.is_authenticated or not user.has_perm("limits.approve_creditlimit"):
        return CreditLimit.objects.none()
    roles = list(user.groups.values_list("name", flat=True))  # type: ignore[union-attr]
    named = Q()
    for role in roles:
        covered = Exists(LimitApproval.objects.filter(limit=OuterRef("pk"), role=role))
        waiting = Q(approval_rule=ApprovalRule.ANY) | Q(~covered)
        named |= Q(approver_roles__regex=rf"(^|,){re.escape(role)}(,|$)") & waiting
    if not roles:
        return CreditLimit.objects.none()
    return (CreditLimit.objects.filter(named, status=LimitStatus.REQUESTED, customer__in=visible_customers(user))
            .exclude(requested_by=user).exclude(approvals__approver=user)
            .select_related("customer", "currency", "requested_by").order_by("requested_at", "pk"))


def review_queue(user: Viewer, today: dt.date) -> QuerySet[CreditLimit]:
    """Limits in force whose review falls within the next 30 days (or is overdue), soonest first."""
    return (CreditLimit.objects.filter(in_force(today), customer__in=visible_customers(user),
                                       review_on__lte=today + dt.timedelta(days=REVIEW_WINDOW_DAYS))
            .select_related("customer", "currency").order_by("review_on", "pk"))


def visible_checks(user: Viewer) -> QuerySet[CreditCheck]:
    """Credit checks of the customers the user may see, newest first."""
    return (CreditCheck.objects.filter(customer__in=visible_customers(user))
            .select_related("customer", "currency", "override_by", "order").order_by("-created_at", "-pk"))


def watch_list(user: Viewer) -> QuerySet[CreditCheck]:
    """Open orders approved close to the limit that no analyst has noted yet; the user's own customers first."""
    return (visible_checks(user).filter(decision=Decision.WATCH, status__in=HOLDING, noted_at__isnull=True)
            .select_related("customer__analyst")
            .order_by(Case(When(customer__analyst_id=user.pk, then=0), default=1), "-created_at", "-pk"))
