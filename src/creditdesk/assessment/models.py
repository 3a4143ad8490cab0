"""Financial statements (财务报表) per customer and period: the balance sheet and income statement lines an
analyst enters or imports, from which the ratios and Altman Z'' are computed.

One statement per customer and period end; a correction changes it through the services, audited with the
values before and after. A line left empty is unknown, and every ratio that needs it is unknown too.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from creditdesk.currencies.models import Currency
from creditdesk.customers.models import Customer
from creditdesk.receivables.models import MoneyField

USER = settings.AUTH_USER_MODEL
MAX_PERIOD_MONTHS = 24
# Lines that are never below zero; the others (equity, earnings, profit, cash flow) may well be.
NON_NEGATIVE_LINES = ("current_assets", "cash", "receivables", "inventory", "current_liabilities",
                      "total_liabilities", "revenue", "interest_expense")
# (part, whole): a part of a total cannot be larger than the total.
PARTS = (("current_assets", "total_assets"), ("cash", "current_assets"), ("receivables", "current_assets"),
         ("inventory", "current_assets"), ("current_liabilities", "total_liabilities"), ("gross_profit", "revenue"))


class StatementSource(models.TextChoices):
    ANNUAL_REPORT = "annual_report", _("Annual report")
    TAX_FILING = "tax_filing", _("Tax filing")
    MANAGEMENT_ACCOUNTS = "management_accounts", _("Management accounts")
    AGENCY = "agency", _("Credit agency report")
    OTHER = "other", _("Other")


def not_negative(line: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{line}__isnull": True}) | Q(**{f"{line}__gte": 0}),
                                  name=f"statement_{line}_not_negative")


def within(part: str, whole: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{part}__isnull": True}) | Q(**{f"{whole}__isnull": True}) | Q(**{f"{part}__lte": F(whole)}),
        name=f"statement_{part}_within_{whole}")


class FinancialStatement(models.Model):
    """One period's figures for one customer, in the currency the statement is drawn up in."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="financial_statements",
                                 verbose_name=_("customer"))
    period_end = models.DateField(_("period end"))
    period_months = models.PositiveSmallIntegerField(
        _("months covered"), default=12, validators=[MinValueValidator(1), MaxValueValidator(MAX_PERIOD_MONTHS)],
        help_text=_("How many months the income statement covers: 12 for a full year."))
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, verbose_name=_("currency"))
    audited = models.BooleanField(_("audited"), default=False)
    source = models.CharField(_("source"), max_length=20, choices=StatementSource.choices)
    current_assets = MoneyField(_("current assets"), null=True, blank=True)
    cash = MoneyField(_("cash and equivalents"), null=True, blank=True)
    receivables = MoneyField(_("trade receivables"), null=True, blank=True)
    inventory = MoneyField(_("inventory"), null=True, blank=True)
    total_assets = MoneyField(_("total assets"))
    current_liabilities = MoneyField(_("current liabilities"), null=True, blank=True)
    total_liabilities = MoneyField(_("total liabilities"))
    equity = MoneyField(_("equity"))
    retained_earnings = MoneyField(_("retained earnings"), null=True, blank=True)
    revenue = MoneyField(_("revenue"), null=True, blank=True)
    gross_profit = MoneyField(_("gross profit"), null=True, blank=True)
    ebit = MoneyField(_("EBIT"), null=True, blank=True, help_text=_("Earnings before interest and taxes."))
    interest_expense = MoneyField(_("interest expense"), null=True, blank=True)
    net_income = MoneyField(_("net income"), null=True, blank=True)
    operating_cash_flow = MoneyField(_("operating cash flow"), null=True, blank=True)
    entered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = _("financial statement")
        verbose_name_plural = _("financial statements")
        constraints = [
            models.UniqueConstraint(fields=["customer", "period_end"], name="one_statement_per_customer_and_period"),
            models.CheckConstraint(condition=Q(total_assets__gt=0), name="statement_total_assets_positive"),
            models.CheckConstraint(condition=Q(period_months__gte=1, period_months__lte=MAX_PERIOD_MONTHS),
                                   name="statement_period_months_in_range"),
            *(not_negative(line) for line in NON_NEGATIVE_LINES),
            *(within(part, whole) for part, whole in PARTS),
        ]

    def __str__(self) -> str:
        return f"{self.customer.code} {self.period_end.isoformat()}"
