"""The inputs of a credit assessment kept in the credit file.

Financial statements (财务报表) per customer and period: the balance sheet and income statement lines an
analyst enters or imports, from which the ratios and Altman Z'' are computed. One statement per customer and
period end; a correction changes it through the services, audited with the values before and after. A line left
empty is unknown, and every ratio that needs it is unknown too.

External ratings (外部评级) from agencies, each mapped onto our rating classes (1 best … 10 worst) through the
agency's scale, and the answers to the qualitative factors the configuration defines (`qualitative`).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from creditdesk.assessment.qualitative import factors_by_code, not_allowed, unknown_factor
from creditdesk.currencies.models import Currency
from creditdesk.customers.models import Customer, Document
from creditdesk.receivables.models import MoneyField

USER = settings.AUTH_USER_MODEL
MAX_PERIOD_MONTHS = 24
BEST_CLASS, WORST_CLASS = 1, 10
CODE_LENGTH = 40
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


class AgencyScale(models.Model):
    """One grade of an agency's scale and the class of ours it stands for: the policy's mapping, kept in the admin
    site; a rating is recorded only in a grade its agency's scale knows."""

    agency = models.CharField(_("agency"), max_length=CODE_LENGTH)
    grade = models.CharField(_("agency grade"), max_length=10)
    rating_class = models.PositiveSmallIntegerField(
        _("our rating class"), validators=[MinValueValidator(BEST_CLASS), MaxValueValidator(WORST_CLASS)],
        help_text=_("1 best … 10 worst."))

    class Meta:
        ordering = ["agency", "rating_class", "grade"]
        verbose_name = _("agency scale grade")
        verbose_name_plural = _("agency scales")
        constraints = [
            models.UniqueConstraint(Lower("agency"), Lower("grade"), name="one_mapping_per_agency_grade",
                                    violation_error_message=_("This agency already has this grade.")),
            models.CheckConstraint(condition=Q(rating_class__gte=BEST_CLASS, rating_class__lte=WORST_CLASS),
                                   name="agency_scale_class_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.grade} → {self.rating_class}"


class Outlook(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    STABLE = "stable", _("Stable")
    NEGATIVE = "negative", _("Negative")
    DEVELOPING = "developing", _("Developing")


class RatingSource(models.TextChoices):
    ENTERED = "entered", _("Entered by hand")
    IMPORTED = "imported", _("Imported from a file")
    PROVIDER = "provider", _("Fetched from an online agency")


class ExternalRating(models.Model):
    """An agency's grade for a customer on a day, with the class of ours it mapped to when it was recorded, so a
    later change of the mapping does not rewrite what was known then."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="external_ratings",
                                 verbose_name=_("customer"))
    agency = models.CharField(_("agency"), max_length=CODE_LENGTH)
    grade = models.CharField(_("grade"), max_length=10)
    rating_class = models.PositiveSmallIntegerField(_("our rating class"), editable=False)
    rated_on = models.DateField(_("rated on"))
    outlook = models.CharField(_("outlook"), max_length=10, choices=Outlook.choices, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=RatingSource.choices, default=RatingSource.ENTERED)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("agency report"),
                                 help_text=_("The agency's report among the customer's documents."))
    entered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["-rated_on", "agency", "-id"]
        verbose_name = _("external rating")
        verbose_name_plural = _("external ratings")
        constraints = [
            models.UniqueConstraint(fields=["customer", "agency", "rated_on"], name="one_rating_per_agency_and_day"),
            models.CheckConstraint(condition=Q(rating_class__gte=BEST_CLASS, rating_class__lte=WORST_CLASS),
                                   name="external_rating_class_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.customer.code} {self.agency} {self.grade} {self.rated_on.isoformat()}"


class QualitativeAnswer(models.Model):
    """The current answer to one qualitative factor for one customer; earlier answers live in the audit trail."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="qualitative_answers",
                                 verbose_name=_("customer"))
    factor = models.CharField(_("factor"), max_length=CODE_LENGTH)
    answer = models.CharField(_("answer"), max_length=CODE_LENGTH)
    note = models.CharField(_("note"), max_length=300, blank=True)
    answered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), auto_now=True)

    class Meta:
        ordering = ["customer", "factor"]
        verbose_name = _("qualitative answer")
        verbose_name_plural = _("qualitative answers")
        constraints = [models.UniqueConstraint(fields=["customer", "factor"], name="one_answer_per_factor")]

    def __str__(self) -> str:
        return f"{self.factor}: {self.answer}"

    def clean(self) -> None:
        """Only a factor the configuration defines, answered with one of its allowed answers."""
        found = factors_by_code().get(self.factor)
        if found is None:
            raise ValidationError({"factor": unknown_factor(self.factor)})
        if found.choice(self.answer) is None:
            raise ValidationError({"answer": not_allowed(found, self.answer)})


class OverrideStatus(models.TextChoices):
    NONE = "", _("None")
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CreditAssessment(models.Model):
    """One run of the scorecard for a customer: what it read, each factor's points, the class and its PD, the
    limit recommended for it; never changed afterwards except by an approved rating override."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="assessments",
                                 verbose_name=_("customer"))
    model_version = models.CharField(_("model version"), max_length=40)
    inputs = models.JSONField(_("inputs"), default=dict)
    contributions = models.JSONField(_("points per factor"), default=list)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=1)
    rating = models.PositiveSmallIntegerField(_("rating"))
    pd = models.DecimalField(_("probability of default"), max_digits=7, decimal_places=5)
    terms_days = models.PositiveSmallIntegerField(_("recommended payment terms (days)"))
    recommended_limit = MoneyField(_("recommended limit"), null=True, blank=True)
    recommendation = models.JSONField(_("limit rules"), default=list)
    binding_rule = models.CharField(_("binding rule"), max_length=40, blank=True)
    run_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("run by"))
    run_at = models.DateTimeField(_("run at"), auto_now_add=True)
    override_rating = models.PositiveSmallIntegerField(_("overriding rating"), null=True, blank=True)
    override_reason = models.CharField(_("reason for the override"), max_length=300, blank=True)
    override_status = models.CharField(_("override"), max_length=10, choices=OverrideStatus.choices, blank=True,
                                       default=OverrideStatus.NONE)
    override_requested_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT,
                                              related_name="+", verbose_name=_("override asked by"))
    override_decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                            verbose_name=_("override decided by"))
    override_decided_at = models.DateTimeField(_("override decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-run_at", "-id"]
        verbose_name = _("credit assessment")
        verbose_name_plural = _("credit assessments")
        indexes = [models.Index(fields=["customer", "-run_at"]), models.Index(fields=["override_status"])]

    def __str__(self) -> str:
        return f"{self.customer.code} {self.rating} ({self.run_at:%Y-%m-%d})"

    @property
    def base_points(self) -> Decimal:
        """The score beyond its factors' contributions: a trained card's base points, 0 on the expert card."""
        return self.score - sum((Decimal(c["contribution"]) for c in self.contributions), Decimal(0))

    @property
    def final_rating(self) -> int:
        """The class in force: the approved override, else the card's."""
        if self.override_status == OverrideStatus.APPROVED and self.override_rating:
            return self.override_rating
        return self.rating


class ModelStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REQUESTED = "requested", _("Activation requested")
    ACTIVE = "active", _("Policy's model")
    REJECTED = "rejected", _("Activation rejected")
    RETIRING = "retiring", _("Policy's model, retirement requested")
    RETIRED = "retired", _("Retired")


class ScoringModel(models.Model):
    """A scorecard trained from data (`creditdesk scoring train`), kept with its binning table, coefficients, points
    and validation report; it scores assessments only once an approved change makes it the policy's model."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    method = models.CharField(_("method"), max_length=40)
    definition = models.JSONField(_("definition"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ModelStatus.choices, default=ModelStatus.DRAFT)
    registered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("registered by"))
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    requested_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("activation asked by"))
    requested_at = models.DateTimeField(_("activation asked at"), null=True, blank=True)
    request_reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason for the decision"), max_length=300, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("scoring model")
        verbose_name_plural = _("scoring models")
        permissions = [("activate_scoringmodel", _("Can approve a scoring model as the policy's model"))]
        constraints = [models.UniqueConstraint(fields=["status"], condition=Q(status__in=["active", "retiring"]),
                                               name="one_policy_scoring_model")]

    def __str__(self) -> str:
        return self.code
