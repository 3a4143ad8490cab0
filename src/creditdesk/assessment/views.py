"""Assessment pages: the customer file's assessment tab (statement history with its ratios and Z'', the industry
percentiles, external ratings, qualitative answers, payment behaviour, the latest credit assessment with its
contributions and limit recommendation, and the earlier ones) with its forms, the page that corrects a statement,
the rating-override report and the scorecard page (the expert card, the rating scale and the card's drift).

Thin views over the assessment services and selectors; what a service refuses is shown beside the field at fault.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from creditdesk.assessment import charts
from creditdesk.assessment.behaviour import behaviour_factors
from creditdesk.assessment.drift import drift
from creditdesk.assessment.expert import card, scale
from creditdesk.assessment.forms import (
    STATEMENT_FIELDS,
    AnswersForm,
    CorrectionForm,
    DecisionForm,
    OverrideForm,
    RatingForm,
    RegisterModelForm,
    StatementForm,
    note_field,
)
from creditdesk.assessment.model_views import drift_context
from creditdesk.assessment.models import CreditAssessment, FinancialStatement, OverrideStatus
from creditdesk.assessment.qualitative import Factor, factors, factors_by_code
from creditdesk.assessment.rating import decide_override, request_override, run_assessment
from creditdesk.assessment.selectors import (
    Analysis,
    FactorAnswer,
    agencies,
    analysed_history,
    customer_assessments,
    factor_answers,
    industry_percentiles,
    override_report,
    policy_model,
    rating_history,
    scoring_models,
    visible_assessments,
)
from creditdesk.assessment.services import answer_factors, correct_statement, enter_statement, record_rating
from creditdesk.assessment.trained import factor_labels
from creditdesk.core.forms import show_errors
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest
from creditdesk.currencies.selectors import MissingExchangeRate
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import get_customer, visible_customers
from creditdesk.limits.views import refusal
from creditdesk.receivables.charts import serialise

TAB = "assessment"
VIEW = ("assessment.view_financialstatement", "assessment.view_externalrating", "assessment.view_qualitativeanswer")
ADD_STATEMENT, CHANGE_STATEMENT = "assessment.add_financialstatement", "assessment.change_financialstatement"
ADD_RATING = "assessment.add_externalrating"
ANSWER = ("assessment.add_qualitativeanswer", "assessment.change_qualitativeanswer")
VIEW_ASSESSMENTS, RUN = "assessment.view_creditassessment", "assessment.add_creditassessment"
VIEW_MODELS = "assessment.view_scoringmodel"
EXPERT_DRIFT_BASIS = gettext_lazy("the card's first 30 days of assessments")
APPROVE = "limits.approve_creditlimit"
PAGE_SIZE = 50

# Each figure the tab shows by name: its label and how it reads (a multiple, a share, days or an amount).
FIGURES: dict[str, tuple[Promise, str]] = {
    "revenue": (gettext_lazy("Revenue"), "money"),
    "net_income": (gettext_lazy("Net income"), "money"),
    "total_assets": (gettext_lazy("Total assets"), "money"),
    "equity": (gettext_lazy("Equity"), "money"),
    "current_ratio": (gettext_lazy("Current ratio"), "times"),
    "quick_ratio": (gettext_lazy("Quick ratio"), "times"),
    "cash_ratio": (gettext_lazy("Cash ratio"), "times"),
    "debt_ratio": (gettext_lazy("Debt ratio"), "percent"),
    "equity_ratio": (gettext_lazy("Equity ratio"), "percent"),
    "debt_to_equity": (gettext_lazy("Debt to equity"), "times"),
    "gross_margin": (gettext_lazy("Gross margin"), "percent"),
    "ebit_margin": (gettext_lazy("EBIT margin"), "percent"),
    "net_margin": (gettext_lazy("Net margin"), "percent"),
    "return_on_assets": (gettext_lazy("Return on assets"), "percent"),
    "return_on_equity": (gettext_lazy("Return on equity"), "percent"),
    "asset_turnover": (gettext_lazy("Asset turnover"), "times"),
    "receivables_days": (gettext_lazy("Receivables days"), "days"),
    "inventory_days": (gettext_lazy("Inventory days"), "days"),
    "interest_coverage": (gettext_lazy("Interest coverage"), "times"),
    "cash_flow_to_current_liabilities": (gettext_lazy("Operating cash flow to current liabilities"), "times"),
    "revenue_growth": (gettext_lazy("Revenue growth"), "percent"),
    "net_income_growth": (gettext_lazy("Net income growth"), "percent"),
    "z_score": (gettext_lazy("Altman Z''"), "times"),
}
LINES = ("revenue", "net_income", "total_assets", "equity")


@dataclass(frozen=True)
class Row:
    """One line of the history table: a figure across the periods, newest first."""

    name: str
    label: Promise
    kind: str
    values: list[Decimal | None]


def figure(analysis: Analysis, name: str) -> Decimal | None:
    """A statement line, a ratio or Z'' of one analysed period, by name."""
    if name in LINES:
        return getattr(analysis.statement, name)
    return analysis.altman.z if name == "z_score" else getattr(analysis.ratios, name)


def history_rows(history: list[Analysis]) -> list[Row]:
    return [Row(name, label, kind, [figure(analysis, name) for analysis in history])
            for name, (label, kind) in FIGURES.items()]


def customer_tab(request: AuthedRequest, customer: Customer) -> dict[str, Any]:
    """The context of the assessment tab: every input of an assessment, and the forms to add to them."""
    require(request.user, *VIEW)
    history, answers = analysed_history(customer), factor_answers(customer)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "history": history, "rows": history_rows(history),
        "percentiles": [(FIGURES[name][0], FIGURES[name][1], standing)
                        for name, standing in industry_percentiles(customer).items()],
        "ratings": rating_history(customer), "answers": answers,
        "statement_form": StatementForm(currency=customer.currency_id),
        "rating_form": RatingForm(customer=customer, agencies=agencies(), initial={"rated_on": today}),
        "answers_form": answers_form(answers),
    }
    if request.user.has_perm("receivables.view_invoice"):
        try:
            context["behaviour"] = behaviour_factors([customer.pk], today)
        except MissingExchangeRate as error:
            context["missing_rate"] = str(error)
    if request.user.has_perm(VIEW_ASSESSMENTS):
        context.update(assessment_context(customer, request.GET.get("page")))
    return context


def assessment_context(customer: Customer, page: str | None) -> dict[str, Any]:
    """The latest assessment with its chart and its rules' amounts, a page of the earlier ones, the override form."""
    assessments = customer_assessments(customer)
    latest = assessments.first()
    if latest is None:
        return {"latest": None, "earlier": []}
    centred = latest.model_version != card().version
    return {
        "latest": latest, "base_points": latest.base_points,
        "earlier": Paginator(assessments.exclude(pk=latest.pk), PAGE_SIZE).get_page(page),
        "contributions_chart": serialise(charts.contributions_chart(latest.contributions, centred)),
        "rules": rule_rows(latest), "override_form": OverrideForm(classes=[item.rating for item in scale()]),
    }


def rule_rows(assessment: CreditAssessment) -> list[dict[str, Any]]:
    """The limit rules as the assessment kept them, amounts as numbers and the binding one marked."""
    return [{**rule, "amount": None if rule["amount"] is None else Decimal(rule["amount"]),
             "binding": rule["code"] == assessment.binding_rule} for rule in assessment.recommendation]


def answers_form(answers: list[FactorAnswer]) -> AnswersForm:
    """The qualitative form filled in with the customer's answers and notes."""
    initial = {}
    for item in answers:
        if item.answer is not None:
            initial[item.factor.code], initial[note_field(item.factor.code)] = item.answer.answer, item.answer.note
    return AnswersForm(initial=initial, factors=factors())


@require_POST
def statement_enter(request: AuthedRequest, pk: int) -> HttpResponse:
    """The tab's statement form; what the sanity checks refuse is shown beside its field."""
    from creditdesk.customers.views import submit_on_tab  # the customers views import this module for the tab

    customer = get_customer(request.user, pk)
    require(request.user, ADD_STATEMENT)
    form = StatementForm(request.POST, currency=customer.currency_id)
    return submit_on_tab(request, customer, TAB, form, lambda data: enter_statement(request.user, customer, data),
                         _("Statement entered."), form_name="statement_form")


@require_POST
def rating_record(request: AuthedRequest, pk: int) -> HttpResponse:
    """The tab's rating form; a grade the agency's scale lacks is refused with the grades it has."""
    from creditdesk.customers.views import submit_on_tab

    customer = get_customer(request.user, pk)
    require(request.user, ADD_RATING)
    form = RatingForm(request.POST, customer=customer, agencies=agencies())
    return submit_on_tab(request, customer, TAB, form, lambda data: record_rating(request.user, customer, data),
                         _("Rating recorded."), form_name="rating_form")


@require_POST
def answers_save(request: AuthedRequest, pk: int) -> HttpResponse:
    """The tab's qualitative form: every factor in force at once."""
    from creditdesk.customers.views import submit_on_tab

    customer = get_customer(request.user, pk)
    require(request.user, *ANSWER)
    form = AnswersForm(request.POST, factors=factors())
    return submit_on_tab(request, customer, TAB, form,
                         lambda data: answer_factors(request.user, customer, form.answers(), form.notes()),
                         _("Answers saved."), form_name="answers_form")


def statement_correct(request: AuthedRequest, pk: int) -> HttpResponse:
    """Correct a statement's figures, saying why; back to the tab once saved."""
    visible = FinancialStatement.objects.filter(customer__in=visible_customers(request.user))
    statement = get_object_or_404(visible.select_related("customer"), pk=pk)
    require(request.user, CHANGE_STATEMENT)
    initial = {field: getattr(statement, field) for field in STATEMENT_FIELDS}
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            correct_statement(request.user, statement, data, reason)
            messages.success(request, _("Statement saved."))
            return redirect("customers:tab", statement.customer_id, TAB)
        except ValidationError as error:
            show_errors(form, error)
    status = 422 if request.method == "POST" else 200
    return render(request, "assessment/correct_statement.html", {"statement": statement, "form": form},
                  status=status)


# --- credit assessments ------------------------------------------------------------------------------------------

@require_POST
def assessment_run(request: AuthedRequest, pk: int) -> HttpResponse:
    """The tab's "Run assessment" button: score the customer now and show the result on the tab."""
    customer = get_customer(request.user, pk)
    require(request.user, RUN)
    try:
        assessment = run_assessment(request.user, customer)
        messages.success(request, _("Assessment run: score %(score)s, rating %(rating)s.") % {
            "score": assessment.score, "rating": assessment.rating})
    except MissingExchangeRate as error:
        messages.error(request, str(error))
    return redirect("customers:tab", customer.pk, TAB)


def visible_assessment(request: AuthedRequest, pk: int) -> CreditAssessment:
    """An assessment of a customer the user may see; any other is a 404, as if it did not exist."""
    return get_object_or_404(visible_assessments(request.user), pk=pk)


@require_POST
def override_request(request: AuthedRequest, pk: int) -> HttpResponse:
    """The tab's override form: another class and why; refusals are shown beside the fields."""
    from creditdesk.customers.views import submit_on_tab

    assessment = visible_assessment(request, pk)
    require(request.user, RUN)
    form = OverrideForm(request.POST, classes=[item.rating for item in scale()])
    return submit_on_tab(
        request, assessment.customer, TAB, form,
        lambda data: request_override(request.user, assessment, data["rating"], data["reason"]),
        _("Override requested; it now waits for approval."), form_name="override_form")


def decide(request: AuthedRequest, pk: int, approve: bool) -> HttpResponse:
    """Approve or reject a requested override; back to the report when decided there, else to the tab."""
    assessment = visible_assessment(request, pk)
    require(request.user, APPROVE)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        decided = decide_override(request.user, assessment, approve, form.cleaned_data.get("reason", ""))
        messages.success(request, _("Override approved: the rating is now %(rating)s.") % {
            "rating": decided.final_rating} if approve else _("Override rejected."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal(error))
    if request.POST.get("back") == "report":
        return redirect("assessment:overrides")
    return redirect("customers:tab", assessment.customer_id, TAB)


@require_POST
def override_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    return decide(request, pk, approve=True)


@require_POST
def override_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    return decide(request, pk, approve=False)


def overrides(request: AuthedRequest) -> HttpResponse:
    """The override report: every rating override asked for, who asked and why, who decided; waiting ones first."""
    require(request.user, VIEW_ASSESSMENTS)
    status = request.GET.get("status", "")
    status = status if status in OverrideStatus.values else ""
    page = Paginator(override_report(request.user, status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessment/overrides.html", {
        "page": page, "status": status, "statuses": OverrideStatus.choices,
        "query": f"status={status}" if status else ""})


def answer_label(question: Factor | None, code: str) -> str:
    """An answer's label as the qualitative factor names it, else its code."""
    choice = question.choice(code) if question else None
    return str(choice.label) if choice else code


def scorecard_context(request: AuthedRequest) -> dict[str, Any]:
    """The expert card (factors, bins or answers with their points, weights), the rating scale, the card's drift,
    the policy's model and the registered trained models."""
    require(request.user, VIEW_ASSESSMENTS)
    current, answers = card(), factors_by_code()
    rows = []
    for item in current.factors:
        question = answers.get(item.code)
        if item.answers:
            bins = [(answer_label(question, code), points) for code, points in item.answers.items()]
        else:
            bins = [(found.describe(), found.points) for found in item.bins]
        rows.append({"code": item.code, "label": item.label, "weight": item.weight, "missing": item.missing,
                     "bins": bins})
    models = (Paginator(scoring_models(), PAGE_SIZE).get_page(request.GET.get("page"))
              if request.user.has_perm(VIEW_MODELS) else None)
    return {"card": current, "factors": rows, "scale": scale(), "policy_model": policy_model(), "models": models,
            "register_form": RegisterModelForm(),
            **drift_context(drift(current.version), factor_labels(), EXPERT_DRIFT_BASIS)}


def scorecard(request: AuthedRequest) -> HttpResponse:
    return render(request, "assessment/scorecard.html", scorecard_context(request))
