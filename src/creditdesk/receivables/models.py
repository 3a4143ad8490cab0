"""The receivables ledger (应收账款): invoices, credit notes, payments, their allocations, open orders."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from creditdesk.core.bounds import MONEY_DIGITS, MONEY_PLACES, DayRange
from creditdesk.core.fields import LongTextField
from creditdesk.currencies.models import Currency
from creditdesk.customers.models import Customer

LEDGER_DAY = DayRange(future_days=366)  # a ledger document is dated at most a year ahead
DUE_DAY = DayRange()


class MoneyField(models.DecimalField):
    """An amount of money, to the cent; its currency is kept beside it, never assumed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", MONEY_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_PLACES)
        super().__init__(*args, **kwargs)


class LedgerItem(models.Model):
    """What every ledger document shares: whose it is, where it came from, its currency."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, verbose_name=_("customer"))
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, verbose_name=_("currency"))
    source = models.CharField(_("source system"), max_length=40, default="manual")
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    INVOICED = "invoiced", _("Invoiced")
    CANCELLED = "cancelled", _("Cancelled")


class Invoice(LedgerItem):
    """A sales invoice: what the customer owes, and by when."""

    number = models.CharField(_("invoice number"), max_length=40)
    invoice_date = models.DateField(_("invoice date"), validators=[LEDGER_DAY])
    due_date = models.DateField(_("due date"), validators=[DUE_DAY])
    net_amount = MoneyField(_("net amount"))
    tax_amount = MoneyField(_("tax amount"), default=0)
    gross_amount = MoneyField(_("gross amount"))
    order_reference = models.CharField(_("order reference"), max_length=60, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN)
    disputed = models.BooleanField(_("disputed"), default=False)

    class Meta:
        ordering = ["due_date", "number"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["source", "number"], name="invoice_number_per_source"),
            models.UniqueConstraint(fields=["source", "external_id"], condition=~Q(external_id=""),
                                    name="invoice_external_id_per_source"),
            # rounded, because SQLite adds decimals as floats and 1.10 + 2.20 is not 3.30 there
            models.CheckConstraint(
                condition=Q(gross_amount=Round(models.F("net_amount") + models.F("tax_amount"), 2)),
                name="invoice_gross_is_net_plus_tax"),
            models.CheckConstraint(condition=Q(gross_amount__gt=0), name="invoice_gross_positive"),
            models.CheckConstraint(condition=Q(due_date__gte=models.F("invoice_date")), name="invoice_due_after_date"),
        ]
        indexes = [models.Index(fields=["customer", "due_date"]), models.Index(fields=["invoice_date"])]

    def __str__(self) -> str:
        return self.number


class CreditNote(LedgerItem):
    """Money we give back: against one invoice or on account."""

    number = models.CharField(_("credit note number"), max_length=40)
    issued_on = models.DateField(_("date"), validators=[LEDGER_DAY])
    amount = MoneyField(_("amount"))
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="credit_notes", verbose_name=_("invoice"))

    class Meta:
        ordering = ["issued_on", "number"]
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        constraints = [
            models.UniqueConstraint(fields=["source", "number"], name="credit_note_number_per_source"),
            models.UniqueConstraint(fields=["source", "external_id"], condition=~Q(external_id=""),
                                    name="credit_note_external_id_per_source"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_note_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class Payment(LedgerItem):
    """Cash received from a customer, before or after it is matched to invoices."""

    received_on = models.DateField(_("received on"), validators=[LEDGER_DAY])
    amount = MoneyField(_("amount"))
    method = models.CharField(_("method"), max_length=30, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=80, blank=True)
    remittance_text = LongTextField(_("remittance text"), blank=True)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(fields=["source", "external_id"], condition=~Q(external_id=""),
                                    name="payment_external_id_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount} {self.currency_id}"


class Allocation(models.Model):
    """Part of a payment or credit note set against an invoice; reversed, never deleted."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations",
                                verbose_name=_("invoice"))
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="allocations", verbose_name=_("payment"))
    credit_note = models.ForeignKey(CreditNote, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="allocations", verbose_name=_("credit note"))
    amount = MoneyField(_("amount"))
    allocated_on = models.DateField(_("allocated on"), validators=[LEDGER_DAY])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("allocated by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversal_reason = models.CharField(_("reason for reversal"), max_length=200, blank=True)

    class Meta:
        ordering = ["allocated_on", "id"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.CheckConstraint(
                condition=Q(payment__isnull=False, credit_note__isnull=True)
                | Q(payment__isnull=True, credit_note__isnull=False),
                name="allocation_from_payment_or_credit_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} → {self.invoice}"


class SalesOrder(LedgerItem):
    """An order accepted but not yet invoiced: what is not invoiced counts towards exposure, shipped or not."""

    number = models.CharField(_("order number"), max_length=40)
    ordered_on = models.DateField(_("order date"), validators=[LEDGER_DAY])
    amount = MoneyField(_("amount"))
    shipped_amount = MoneyField(_("shipped"), default=0)
    invoiced_amount = MoneyField(_("invoiced"), default=0)
    expected_invoice_date = models.DateField(_("expected invoice date"), null=True, blank=True,
                                             validators=[DUE_DAY])
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN)

    class Meta:
        ordering = ["ordered_on", "number"]
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        constraints = [
            models.UniqueConstraint(fields=["source", "number"], name="order_number_per_source"),
            models.UniqueConstraint(fields=["source", "external_id"], condition=~Q(external_id=""),
                                    name="order_external_id_per_source"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="order_amount_positive"),
            models.CheckConstraint(condition=Q(shipped_amount__gte=0, shipped_amount__lte=F("amount"),
                                               invoiced_amount__gte=0, invoiced_amount__lte=F("amount")),
                                   name="order_shipped_and_invoiced_within_amount"),
        ]
        indexes = [models.Index(fields=["customer", "status"])]

    def __str__(self) -> str:
        return self.number
