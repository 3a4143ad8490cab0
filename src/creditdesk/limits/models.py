"""Credit limits (信用额度): a history per customer or group, each limit requested, approved and then active.

A change is a new limit; an old one is never edited, only moved on in its life (expired, withdrawn).
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from creditdesk.core.bounds import DayRange
from creditdesk.core.fields import LongTextField
from creditdesk.currencies.models import Currency
from creditdesk.customers.models import Customer
from creditdesk.receivables.models import MoneyField

USER = settings.AUTH_USER_MODEL
# a limit starts within a year from today, and ends or falls due for review within ten years
STARTS = DayRange(earliest=dt.date(2000, 1, 1), future_days=366)
PLANNED = DayRange(earliest=dt.date(2000, 1, 1), future_days=10 * 366)


class LimitKind(models.TextChoices):
    STANDARD = "standard", _("Standard")
    TEMPORARY = "temporary", _("Temporary")
    GROUP = "group", _("Group")


class LimitStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")


class ApprovalRule(models.TextChoices):
    ANY = "any", _("Approvals from any of the roles")
    EACH = "each", _("One approval from each role")


class CreditLimit(models.Model):
    """One limit as requested; its approvals, activation and end are recorded on it, its terms never change."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_limits",
                                 verbose_name=_("customer"))
    kind = models.CharField(_("kind"), max_length=10, choices=LimitKind.choices, default=LimitKind.STANDARD)
    amount = MoneyField(_("amount"))
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, verbose_name=_("currency"))
    valid_from = models.DateField(_("valid from"), validators=[STARTS])
    valid_to = models.DateField(_("valid to"), null=True, blank=True, validators=[PLANNED])
    review_on = models.DateField(_("review date"), null=True, blank=True, validators=[PLANNED])
    overdue_cap = MoneyField(_("cap on the overdue amount"), null=True, blank=True,
                             help_text=_("A sub-limit beside the total: orders stop once this much is overdue."))
    justification = LongTextField(_("justification"))
    status = models.CharField(_("status"), max_length=10, choices=LimitStatus.choices, default=LimitStatus.REQUESTED)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    approvals_required = models.PositiveSmallIntegerField(_("approvals required"), default=1)
    approver_roles = models.CharField(_("roles that may approve"), max_length=200)
    approval_rule = models.CharField(_("approval rule"), max_length=4, choices=ApprovalRule.choices,
                                     default=ApprovalRule.ANY)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("credit limit")
        verbose_name_plural = _("credit limits")
        permissions = [("approve_creditlimit", _("Can approve credit limits")),
                       ("hold_customer", _("Can put a customer on credit hold and release it"))]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="limit_amount_not_negative"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="limit_ends_after_it_starts"),
            models.CheckConstraint(condition=~Q(kind="temporary") | Q(valid_to__isnull=False),
                                   name="temporary_limit_has_an_end"),
        ]
        indexes = [models.Index(fields=["customer", "status"]), models.Index(fields=["status", "review_on"])]

    def __str__(self) -> str:
        return f"{self.customer.code} {self.amount} {self.currency_id} ({self.get_kind_display()})"


class LimitApproval(models.Model):
    """One approver's yes to a requested limit, with the role it was given in."""

    limit = models.ForeignKey(CreditLimit, on_delete=models.PROTECT, related_name="approvals",
                              verbose_name=_("credit limit"))
    approver = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("approver"))
    role = models.CharField(_("role"), max_length=40)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)

    class Meta:
        ordering = ["approved_at", "id"]
        verbose_name = _("limit approval")
        verbose_name_plural = _("limit approvals")
        constraints = [models.UniqueConstraint(fields=["limit", "approver"], name="one_approval_per_person")]

    def __str__(self) -> str:
        return f"{self.limit_id} ✓ {self.approver_id}"


class AuthorityBand(models.Model):
    """Who may approve a limit up to an amount (functional currency); above `up_to`, the next band applies."""

    up_to = MoneyField(_("up to (functional currency)"), null=True, blank=True)
    from_rating = models.PositiveSmallIntegerField(
        _("for ratings from"), null=True, blank=True,
        help_text=_("Only for customers rated this class or worse (1 best … 10 worst); empty: every customer."))
    roles = models.CharField(_("roles"), max_length=200, help_text=_("Comma-separated role names."))
    approvals_required = models.PositiveSmallIntegerField(_("approvals required"), default=1)
    rule = models.CharField(_("approval rule"), max_length=4, choices=ApprovalRule.choices, default=ApprovalRule.ANY,
                            help_text=_("Any: that many different people, each holding one of the roles. "
                                        "Each: one approval from every role named, so as many as there are roles."))

    class Meta:
        ordering = [models.F("from_rating").asc(nulls_first=True), models.F("up_to").asc(nulls_last=True)]
        constraints = [models.UniqueConstraint(fields=["from_rating", "up_to"], name="one_band_per_rating_and_amount")]
        verbose_name = _("approval authority band")
        verbose_name_plural = _("approval authority bands")

    def __str__(self) -> str:
        rated = f" (rating ≥ {self.from_rating})" if self.from_rating else ""
        return f"≤ {self.up_to or '∞'}{rated}: {self.roles} ×{self.approvals_required} ({self.rule})"

    def role_names(self) -> list[str]:
        """The roles as the administrator typed them, without the spaces or empty names around the commas."""
        return [role.strip() for role in self.roles.split(",") if role.strip()]

    def terms(self) -> dict[str, Any]:
        """What a limit requested under this band keeps, whatever later becomes of the band."""
        return {"approvals_required": self.approvals_required, "approver_roles": self.roles,
                "approval_rule": self.rule}

    def clean(self) -> None:
        """The admin refuses a band nobody could ever complete, so no request waits under it for ever."""
        roles = self.role_names()
        self.roles = ",".join(roles)
        errors = self.role_errors(roles) or self.count_errors(roles) or self.staff_errors(roles)
        if errors:
            raise ValidationError(errors)

    def role_errors(self, roles: list[str]) -> dict[str, str]:
        """Each role named once, and each one a role whose holders may approve credit limits."""
        if not roles:
            return {"roles": gettext("Name at least one role.")}
        if len(set(roles)) < len(roles):
            return {"roles": gettext("Name each role once.")}
        approving = set(Group.objects.filter(name__in=roles, permissions__codename="approve_creditlimit",
                                             permissions__content_type__app_label="limits")
                        .values_list("name", flat=True))
        if strangers := [role for role in roles if role not in approving]:
            return {"roles": gettext("Not a role that may approve credit limits: %(roles)s.") % {
                "roles": ", ".join(strangers)}}
        return {}

    def count_errors(self, roles: list[str]) -> dict[str, str]:
        """One approval from each role is as many approvals as roles; any other rule needs at least one."""
        if self.rule == ApprovalRule.EACH and self.approvals_required != len(roles):
            return {"approvals_required": ngettext(
                "One approval from each role: %(count)s approval for the %(count)s role named.",
                "One approval from each role: %(count)s approvals for the %(count)s roles named.",
                len(roles)) % {"count": len(roles)}}
        if self.approvals_required < 1:
            return {"approvals_required": gettext("At least one approval.")}
        return {}

    def staff_errors(self, roles: list[str]) -> dict[str, str]:
        """Never more approvals than people who could give them; under "each", someone in every role."""
        people = get_user_model().objects.filter(is_active=True, groups__name__in=roles).distinct().count()
        if self.approvals_required > people:
            return {"approvals_required": ngettext(
                "Only %(count)s active person holds these roles.",
                "Only %(count)s active people hold these roles.", people) % {"count": people}}
        held = set(Group.objects.filter(name__in=roles, user__is_active=True).values_list("name", flat=True))
        if self.rule == ApprovalRule.EACH and (vacant := [role for role in roles if role not in held]):
            return {"roles": gettext("Nobody active holds the role: %(roles)s.") % {"roles": ", ".join(vacant)}}
        return {}


class Point(models.TextChoices):
    ORDER = "order", _("Order")
    SHIPMENT = "shipment", _("Shipment")
    INVOICE = "invoice", _("Invoice")


class CheckPoint(models.Model):
    """Where in an order's life credit is checked, and which open-order parts count in exposure there.

    Open invoices (less unallocated credit notes and cash) always count. Counting unshipped orders only from
    shipment, for example, lets a bulk order delivered over months take credit as each delivery leaves.
    """

    point = models.CharField(_("check point"), max_length=10, choices=Point.choices, unique=True)
    active = models.BooleanField(_("checks credit here"), default=True)
    counts_unshipped = models.BooleanField(_("counts orders not yet shipped"), default=True)
    counts_shipped = models.BooleanField(_("counts goods shipped, not yet invoiced"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("check point")
        verbose_name_plural = _("check points")
        constraints = [models.CheckConstraint(condition=~Q(point="order") | Q(active=True),
                                              name="orders_are_always_checked")]

    def __str__(self) -> str:
        return self.get_point_display()


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    WATCH = "watch", _("Approved, watch")
    BLOCKED = "blocked", _("Blocked")


class CheckStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    BLOCKED = "blocked", _("Blocked")
    RELEASED = "released", _("Released by override")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    INVOICED = "invoiced", _("Invoiced")


class CreditCheck(models.Model):
    """The ERP's question about one order and the answer; an approved order's amount is reserved as exposure."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_checks",
                                 verbose_name=_("customer"))
    order_reference = models.CharField(_("order reference"), max_length=60)
    amount = MoneyField(_("amount"))
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, verbose_name=_("currency"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    status = models.CharField(_("status"), max_length=10, choices=CheckStatus.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    limit_amount = MoneyField(_("limit"), null=True)
    exposure = MoneyField(_("exposure"))
    available = MoneyField(_("available"), null=True)
    order = models.OneToOneField("receivables.SalesOrder", null=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("reserved order"))
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by"))
    created_at = models.DateTimeField(_("checked at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    override_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("released or rejected by"))
    override_reason = models.CharField(_("reason"), max_length=300, blank=True)
    override_expires_on = models.DateField(_("release valid until"), null=True, blank=True,
                                           validators=[DayRange(future_days=366)])
    point = models.CharField(_("check point"), max_length=10, choices=Point.choices, default=Point.ORDER)
    pending_amount = MoneyField(_("amount waiting"), null=True, blank=True,
                                help_text=_("The shipment or invoice held back by a blocked check."))
    noted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("watch noted by"))
    noted_at = models.DateTimeField(_("watch noted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("credit check")
        verbose_name_plural = _("credit checks")
        permissions = [("release_creditcheck", _("Can release or reject blocked orders"))]
        constraints = [models.UniqueConstraint(fields=["customer", "order_reference"], name="one_check_per_order")]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.order_reference}: {self.decision}"
