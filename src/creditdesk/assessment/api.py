"""The inputs of a credit assessment over the API (`/api/assessment`): financial statements with their ratios and
Altman Z'' (list, enter, correct), external ratings (list, record) with the agencies' scales, and the qualitative
factors in force with a customer's answers (read, replace), and credit assessments (run, list, read) with their
rating overrides (request, approve, reject), and the trained scoring models (`model_api`). The same services
and checks as the web pages.
"""

import datetime as dt
from dataclasses import asdict
from decimal import Decimal
from typing import Annotated, Any

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from creditdesk.assessment.model_api import router as model_router
from creditdesk.assessment.models import (
    MAX_PERIOD_MONTHS,
    CreditAssessment,
    ExternalRating,
    FinancialStatement,
    QualitativeAnswer,
)
from creditdesk.assessment.qualitative import factors, factors_by_code
from creditdesk.assessment.rating import decide_override, request_override, run_assessment
from creditdesk.assessment.selectors import (
    Analysis,
    FactorAnswer,
    analysed_history,
    customer_assessments,
    factor_answers,
    rating_history,
    statement_history,
    visible_assessments,
)
from creditdesk.assessment.services import (
    LINES,
    agency_scales,
    answer_factors,
    correct_statement,
    enter_statement,
    record_rating,
)
from creditdesk.core.api import Body, Day, Id, Money, MoneyIn, Page, PageParams, column_text, omissible, paginate, text
from creditdesk.core.bounds import SHORT_TEXT, SMALLINT_MAX
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import get_customer, visible_customers

router = Router(tags=["credit assessment"])
router.add_router("/models", model_router)
VIEW_STATEMENTS = "assessment.view_financialstatement"
VIEW_RATINGS = "assessment.view_externalrating"
VIEW_ANSWERS = "assessment.view_qualitativeanswer"
VIEW_ASSESSMENTS = "assessment.view_creditassessment"
MAX_FACTORS = 100  # far more qualitative factors than any policy asks
Line = MoneyIn | None  # to the cent as sent, so messages and audit entries show 1000000.00


def amount(default: Any = None) -> Any:
    """A statement line: to the cent; losses and negative equity are negative."""
    return Field(default)


class StatementIn(Body):
    period_end: Day
    period_months: int = Field(12, ge=1, le=MAX_PERIOD_MONTHS, description="months the income statement covers")
    currency: str = text(3, default="", description="ISO code; the customer's invoicing currency when left out")
    audited: bool = False
    source: str = column_text(FinancialStatement, "source", min_length=1,
                              description="annual_report, tax_filing, management_accounts, agency or other")
    current_assets: Line = amount()
    cash: Line = amount()
    receivables: Line = amount()
    inventory: Line = amount()
    total_assets: MoneyIn = amount(...)
    current_liabilities: Line = amount()
    total_liabilities: MoneyIn = amount(...)
    equity: MoneyIn = amount(...)
    retained_earnings: Line = amount()
    revenue: Line = amount()
    gross_profit: Line = amount()
    ebit: Line = amount()
    interest_expense: Line = amount()
    net_income: Line = amount()
    operating_cash_flow: Line = amount()


class CorrectionIn(Body):
    """Only the fields sent change; a change needs the reason."""

    reason: str = text(SHORT_TEXT, default="")
    period_end: Day = omissible()
    period_months: int = omissible(ge=1, le=MAX_PERIOD_MONTHS)
    currency: str = text(3, default=None)
    audited: bool = omissible()
    source: str = column_text(FinancialStatement, "source", default=None)
    current_assets: Line = amount()
    cash: Line = amount()
    receivables: Line = amount()
    inventory: Line = amount()
    total_assets: MoneyIn = amount()
    current_liabilities: Line = amount()
    total_liabilities: MoneyIn = amount()
    equity: MoneyIn = amount()
    retained_earnings: Line = amount()
    revenue: Line = amount()
    gross_profit: Line = amount()
    ebit: Line = amount()
    interest_expense: Line = amount()
    net_income: Line = amount()
    operating_cash_flow: Line = amount()


class AltmanOut(Schema):
    x1: Decimal | None
    x2: Decimal | None
    x3: Decimal | None
    x4: Decimal | None
    z: Decimal | None
    emerging_market_score: Decimal | None
    zone: str | None


class StatementOut(Schema):
    id: int
    customer_id: int
    period_end: dt.date
    period_months: int
    currency: str
    audited: bool
    source: str
    lines: dict[str, Money | None] = Field(description="the statement's lines by name; null when unknown")
    ratios: dict[str, Decimal | None] = Field(description="fractions (0.25 = 25 %), days in days; null when unknown")
    altman: AltmanOut
    entered_by: str
    entered_at: dt.datetime


class RatingIn(Body):
    agency: str = column_text(ExternalRating, "agency", min_length=1,
                              description="as GET /api/assessment/agencies names it; any case")
    grade: str = column_text(ExternalRating, "grade", min_length=1,
                             description="one of the agency's grades; any case")
    rated_on: Day
    outlook: str = column_text(ExternalRating, "outlook", default="",
                               description="positive, stable, negative, developing or empty")
    document_id: Id | None = Field(None, description="the agency's report among the customer's documents")


class RatingOut(Schema):
    id: int
    customer_id: int
    agency: str
    grade: str
    rating_class: int = Field(description="our class for the grade: 1 best … 10 worst")
    rated_on: dt.date
    outlook: str
    source: str
    document_id: int | None
    entered_by: str
    entered_at: dt.datetime


class GradeOut(Schema):
    grade: str
    rating_class: int


class AgencyOut(Schema):
    agency: str
    grades: list[GradeOut] = Field(description="best first")


class ChoiceOut(Schema):
    code: str
    label: str


class FactorOut(Schema):
    code: str
    label: str
    answers: list[ChoiceOut] = Field(description="the allowed answers, best first")


class AnswerOut(Schema):
    factor: str
    answer: str | None
    label: str | None
    note: str
    answered_by: str | None
    answered_at: dt.datetime | None


FactorCode = Annotated[str, column_text(QualitativeAnswer, "factor", min_length=1)]


class AnswersIn(Body):
    answers: dict[FactorCode, Annotated[str, column_text(QualitativeAnswer, "answer")]] = Field(
        max_length=MAX_FACTORS, description="factor code → answer code; a factor left out or empty is cleared")
    notes: dict[FactorCode, Annotated[str, column_text(QualitativeAnswer, "note")]] = Field(
        {}, max_length=MAX_FACTORS, description="factor code → note")


def statement_out(analysis: Analysis) -> dict[str, Any]:
    s = analysis.statement
    return {"id": s.pk, "customer_id": s.customer_id, "period_end": s.period_end, "period_months": s.period_months,
            "currency": s.currency_id, "audited": s.audited, "source": s.source,
            "lines": {line: getattr(s, line) for line in LINES}, "ratios": asdict(analysis.ratios),
            "altman": asdict(analysis.altman), "entered_by": s.entered_by.get_username(), "entered_at": s.entered_at}


def analysed(statement: FinancialStatement) -> dict[str, Any]:
    """A statement as the history analyses it: growth against the previous period of its length."""
    history = analysed_history(statement.customer)
    return statement_out(next(a for a in history if a.statement.pk == statement.pk))


def rating_out(rating: ExternalRating) -> dict[str, Any]:
    return {"id": rating.pk, "customer_id": rating.customer_id, "agency": rating.agency, "grade": rating.grade,
            "rating_class": rating.rating_class, "rated_on": rating.rated_on, "outlook": rating.outlook,
            "source": rating.source, "document_id": rating.document_id,
            "entered_by": rating.entered_by.get_username(), "entered_at": rating.entered_at}


def answer_out(item: FactorAnswer) -> dict[str, Any]:
    answer, choice = item.answer, item.choice
    return {"factor": item.factor.code, "answer": answer.answer if answer else None,
            "label": str(choice.label) if choice else None, "note": answer.note if answer else "",
            "answered_by": answer.answered_by.get_username() if answer else None,
            "answered_at": answer.answered_at if answer else None}


def readable_customer(request: AuthedRequest, customer_id: int, permission: str) -> Customer:
    """A customer the caller may see (any other is a 404), once the caller may read this part of its file."""
    customer = get_customer(request.user, customer_id)
    require(request.user, permission)
    return customer


def statement_data(customer: Customer, values: dict[str, Any]) -> dict[str, Any]:
    """The API's `currency` code as the model's currency id; the customer's currency when empty."""
    if "currency" in values:
        values["currency_id"] = (values.pop("currency") or "").upper() or customer.currency_id
    return values


@router.get("/customers/{customer_id}/statements", response=Page[StatementOut])
def list_statements(request: AuthedRequest, customer_id: Id, page: Query[PageParams]) -> dict[str, Any]:
    """The customer's statements, newest period first, each with its ratios and Z''."""
    customer = readable_customer(request, customer_id, VIEW_STATEMENTS)
    result = paginate(statement_history(customer), page)
    by_id = {analysis.statement.pk: analysis for analysis in analysed_history(customer)}
    result["items"] = [statement_out(by_id[statement.pk]) for statement in result["items"]]
    return result


@router.post("/customers/{customer_id}/statements", response={201: StatementOut})
def create_statement(request: AuthedRequest, customer_id: Id, payload: StatementIn) -> Status[dict[str, Any]]:
    """Enter a period's statement; refused with the field at fault when the balance sheet does not balance, a part
    exceeds its total or the period has not ended."""
    customer = get_customer(request.user, customer_id)
    statement = enter_statement(request.user, customer, statement_data(customer, payload.dict()))
    return Status(201, analysed(statement))


@router.patch("/statements/{statement_id}", response=StatementOut)
def correct(request: AuthedRequest, statement_id: Id, payload: CorrectionIn) -> dict[str, Any]:
    """Correct a statement: the fields sent, with the reason; only real changes are written and audited."""
    visible = FinancialStatement.objects.filter(customer__in=visible_customers(request.user))
    statement = get_object_or_404(visible.select_related("customer"), pk=statement_id)
    values = payload.dict(exclude_unset=True)
    reason = values.pop("reason", "")
    statement = correct_statement(request.user, statement, statement_data(statement.customer, values), reason)
    return analysed(statement)


@router.get("/agencies", response=list[AgencyOut])
def list_agencies(request: AuthedRequest) -> list[dict[str, Any]]:
    """Each agency's scale and our class for every grade: the grades a rating may be recorded in."""
    require(request.user, "assessment.view_agencyscale")
    return [{"agency": next(iter(grades.values())).agency,
             "grades": [{"grade": s.grade, "rating_class": s.rating_class} for s in grades.values()]}
            for _key, grades in sorted(agency_scales().items())]


@router.get("/customers/{customer_id}/ratings", response=Page[RatingOut])
def list_ratings(request: AuthedRequest, customer_id: Id, page: Query[PageParams]) -> dict[str, Any]:
    """The customer's external ratings, latest first."""
    result = paginate(rating_history(readable_customer(request, customer_id, VIEW_RATINGS)), page)
    result["items"] = [rating_out(rating) for rating in result["items"]]
    return result


@router.post("/customers/{customer_id}/ratings", response={201: RatingOut})
def create_rating(request: AuthedRequest, customer_id: Id, payload: RatingIn) -> Status[dict[str, Any]]:
    """Record an agency's rating; a grade its scale lacks is refused with the grades it has."""
    customer = get_customer(request.user, customer_id)
    data = payload.dict(exclude={"document_id"})
    if payload.document_id is not None:
        data["document"] = get_object_or_404(customer.documents.filter(deleted_at__isnull=True),
                                             pk=payload.document_id)
    return Status(201, rating_out(record_rating(request.user, customer, data)))


@router.get("/qualitative-factors", response=list[FactorOut])
def list_factors(request: AuthedRequest) -> list[dict[str, Any]]:
    """The qualitative factors in force, with their allowed answers, in the caller's language."""
    require(request.user, VIEW_ANSWERS)
    return [{"code": item.code, "label": str(item.label),
             "answers": [{"code": a.code, "label": str(a.label)} for a in item.answers]} for item in factors()]


@router.get("/customers/{customer_id}/qualitative", response=list[AnswerOut])
def get_answers(request: AuthedRequest, customer_id: Id) -> list[dict[str, Any]]:
    """Every factor in force with the customer's answer, null where unanswered."""
    return [answer_out(item) for item in factor_answers(readable_customer(request, customer_id, VIEW_ANSWERS))]


@router.put("/customers/{customer_id}/qualitative", response=list[AnswerOut])
def put_answers(request: AuthedRequest, customer_id: Id, payload: AnswersIn) -> list[dict[str, Any]]:
    """Replace the customer's answers: the body is the whole set, so a factor left out is cleared."""
    customer = get_customer(request.user, customer_id)
    answers = {**dict.fromkeys(factors_by_code(), ""), **payload.answers}
    answer_factors(request.user, customer, answers, {**dict.fromkeys(factors_by_code(), ""), **payload.notes})
    return [answer_out(item) for item in factor_answers(customer)]


# --- credit assessments ------------------------------------------------------------------------------------------

class ContributionOut(Schema):
    code: str
    label: str
    value: Any = Field(description="the input as the card read it: a number as text, an answer code, or null")
    bin: str
    points: int
    weight: Decimal
    contribution: Decimal = Field(description="points × weight")


class RuleOut(Schema):
    code: str
    label: str
    amount: Money | None = Field(description="null when the rule does not apply")
    applies: bool
    reason: str


class OverrideOut(Schema):
    rating: int | None
    reason: str
    status: str = Field(description="requested, approved or rejected; empty when none was asked for")
    requested_by: str | None
    decided_by: str | None
    decided_at: dt.datetime | None


class AssessmentOut(Schema):
    id: int
    customer_id: int
    model_version: str
    inputs: dict[str, Any]
    contributions: list[ContributionOut]
    score: Decimal
    rating: int = Field(description="the card's class: 1 best … 10 worst")
    final_rating: int = Field(description="the class in force: the approved override, else the card's")
    pd: Decimal = Field(description="probability of default of the card's class, a fraction")
    terms_days: int
    recommended_limit: Money | None = Field(description="in the customer's currency; the lowest applicable rule")
    binding_rule: str
    recommendation: list[RuleOut]
    override: OverrideOut
    run_by: str
    run_at: dt.datetime


class OverrideIn(Body):
    rating: int = Field(ge=1, le=SMALLINT_MAX, description="the class asked for, one of the policy's scale")
    reason: str = column_text(CreditAssessment, "override_reason", default="")


class DecisionIn(Body):
    reason: str = text(SHORT_TEXT, default="")


def username(user: Any) -> str | None:
    return user.get_username() if user else None


def assessment_out(assessment: CreditAssessment) -> dict[str, Any]:
    return {
        "id": assessment.pk, "customer_id": assessment.customer_id, "model_version": assessment.model_version,
        "inputs": assessment.inputs, "contributions": assessment.contributions, "score": assessment.score,
        "rating": assessment.rating, "final_rating": assessment.final_rating, "pd": assessment.pd,
        "terms_days": assessment.terms_days, "recommended_limit": assessment.recommended_limit,
        "binding_rule": assessment.binding_rule, "recommendation": assessment.recommendation,
        "override": {"rating": assessment.override_rating, "reason": assessment.override_reason,
                     "status": assessment.override_status,
                     "requested_by": username(assessment.override_requested_by),
                     "decided_by": username(assessment.override_decided_by),
                     "decided_at": assessment.override_decided_at},
        "run_by": assessment.run_by.get_username(), "run_at": assessment.run_at,
    }


def visible_assessment(request: AuthedRequest, assessment_id: int) -> CreditAssessment:
    """An assessment of a customer the caller may see (any other is a 404), once the caller may read assessments."""
    assessment = get_object_or_404(visible_assessments(request.user), pk=assessment_id)
    require(request.user, VIEW_ASSESSMENTS)
    return assessment


@router.post("/customers/{customer_id}/assessments", response={201: AssessmentOut})
def create_assessment(request: AuthedRequest, customer_id: Id) -> Status[dict[str, Any]]:
    """Score the customer now on the card in force, from its credit file and ledger, with the limit recommended."""
    customer = get_customer(request.user, customer_id)
    assessment = run_assessment(request.user, customer)
    return Status(201, assessment_out(customer_assessments(customer).get(pk=assessment.pk)))  # as stored


@router.get("/customers/{customer_id}/assessments", response=Page[AssessmentOut])
def list_assessments(request: AuthedRequest, customer_id: Id, page: Query[PageParams]) -> dict[str, Any]:
    """The customer's assessments, latest first."""
    result = paginate(customer_assessments(readable_customer(request, customer_id, VIEW_ASSESSMENTS)), page)
    result["items"] = [assessment_out(item) for item in result["items"]]
    return result


@router.get("/assessments/{assessment_id}", response=AssessmentOut)
def get_assessment(request: AuthedRequest, assessment_id: Id) -> dict[str, Any]:
    return assessment_out(visible_assessment(request, assessment_id))


@router.post("/assessments/{assessment_id}/override", response=AssessmentOut)
def override(request: AuthedRequest, assessment_id: Id, payload: OverrideIn) -> dict[str, Any]:
    """Ask for another class than the card gave, with the reason; it waits for someone else's approval."""
    assessment = visible_assessment(request, assessment_id)
    return assessment_out(request_override(request.user, assessment, payload.rating, payload.reason))


@router.post("/assessments/{assessment_id}/override/approve", response=AssessmentOut)
def approve_override(request: AuthedRequest, assessment_id: Id, payload: DecisionIn | None = None) -> dict[str, Any]:
    """Approve a requested override; not its maker, and only with the authority to approve limits."""
    assessment = visible_assessment(request, assessment_id)
    return assessment_out(decide_override(request.user, assessment, True, payload.reason if payload else ""))


@router.post("/assessments/{assessment_id}/override/reject", response=AssessmentOut)
def reject_override(request: AuthedRequest, assessment_id: Id, payload: DecisionIn) -> dict[str, Any]:
    """Reject a requested override, saying why; the card's class stays in force."""
    assessment = visible_assessment(request, assessment_id)
    return assessment_out(decide_override(request.user, assessment, False, payload.reason))
