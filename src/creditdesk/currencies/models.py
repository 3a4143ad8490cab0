"""Currencies and the daily exchange rates that convert them into the functional currency."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.core.bounds import DayRange


class Currency(models.Model):
    """An ISO 4217 currency the company invoices or reports in."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    minor_units = models.PositiveSmallIntegerField(_("decimal places"), default=2)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")

    def __str__(self) -> str:
        return self.code


class ExchangeRate(models.Model):
    """Units of the functional currency for one unit of `currency` on `rate_date`."""

    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, verbose_name=_("currency"))
    rate_date = models.DateField(_("date"), validators=[DayRange(future_days=366)])
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=10)
    source = models.CharField(_("source"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-rate_date", "currency"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "rate_date"], name="one_rate_per_currency_and_day"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency_id} {self.rate_date}: {self.rate}"
