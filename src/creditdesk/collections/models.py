"""Promises to pay (承诺付款): the amount and day a customer commits to, kept or broken.

A collector records the promise; the nightly job judges it once its day has passed, from the payments received.
A promise is never edited after that: its judgement is part of the customer's payment behaviour.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from creditdesk.core.bounds import DayRange
from creditdesk.core.fields import LongTextField
from creditdesk.currencies.models import Currency
from creditdesk.customers.models import Customer
from creditdesk.receivables.models import MoneyField

USER = settings.AUTH_USER_MODEL


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")


class PromiseToPay(models.Model):
    """What a customer said it would pay, in which currency and by which day; judged after that day."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="promises_to_pay",
                                 verbose_name=_("customer"))
    amount = MoneyField(_("amount"))
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, verbose_name=_("currency"))
    promised_for = models.DateField(_("promised for"), validators=[DayRange(future_days=366)])
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    note = LongTextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PromiseStatus.choices, default=PromiseStatus.OPEN)
    judged_on = models.DateField(_("judged on"), null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive")]
        indexes = [models.Index(fields=["customer", "status", "promised_for"]),
                   models.Index(fields=["status", "promised_for"])]

    def __str__(self) -> str:
        return f"{self.customer.code} {self.amount} {self.currency_id} → {self.promised_for}"
