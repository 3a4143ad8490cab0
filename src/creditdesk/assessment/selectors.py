"""Reading the assessment inputs: a customer's statement history with its ratios, where the latest figures stand
among the customer's industry peers across the portfolio, the external ratings and the qualitative answers."""

from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db.models import Case, OuterRef, QuerySet, Subquery, Value, When

from creditdesk.assessment.financials import AltmanZ, Ratios, altman_z, percentile_rank, ratios
from creditdesk.assessment.models import (
    AgencyScale,
    CreditAssessment,
    ExternalRating,
    FinancialStatement,
    ModelStatus,
    OverrideStatus,
    QualitativeAnswer,
    ScoringModel,
)
from creditdesk.assessment.qualitative import Choice, Factor, factors
from creditdesk.core.types import Viewer
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import visible_customers

# The ratios a credit committee compares with the industry; growth needs two periods, so it is left out.
PEER_RATIOS = ("current_ratio", "quick_ratio", "cash_ratio", "debt_ratio", "equity_ratio", "gross_margin",
               "ebit_margin", "net_margin", "return_on_assets", "asset_turnover", "receivables_days",
               "interest_coverage", "z_score")


@dataclass(frozen=True)
class Analysis:
    """One statement with its ratios (growth against the previous period of the same length) and Z''."""

    statement: FinancialStatement
    ratios: Ratios
    altman: AltmanZ


@dataclass(frozen=True)
class Standing:
    """A ratio of the customer, its percentile among the peers that have it, and how many peers that is."""

    value: Decimal | None
    percentile: Decimal | None
    peers: int


def statement_history(customer: Customer) -> QuerySet[FinancialStatement]:
    """Every statement of the customer, newest period first."""
    return (FinancialStatement.objects.filter(customer=customer).select_related("currency", "entered_by")
            .order_by("-period_end"))


def analysed_history(customer: Customer) -> list[Analysis]:
    """The history over the years, each period's ratios beside it, in one query."""
    statements = list(statement_history(customer))
    return [Analysis(s, ratios(s, previous_of(s, statements[i + 1:])), altman_z(s)) for i, s in enumerate(statements)]


def previous_of(statement: FinancialStatement, older: list[FinancialStatement]) -> FinancialStatement | None:
    """The latest earlier statement covering as many months: a year against the year before."""
    return next((s for s in older if s.period_months == statement.period_months), None)


def key_figures(statement: FinancialStatement) -> dict[str, Decimal | None]:
    """The peer ratios of one statement by name, Z'' among them."""
    figures = {**asdict(ratios(statement)), "z_score": altman_z(statement).z}
    return {name: figures[name] for name in PEER_RATIOS}


def latest_statements() -> QuerySet[FinancialStatement]:
    """Each customer's most recent statement, chosen in the database."""
    newest = (FinancialStatement.objects.filter(customer=OuterRef("customer")).order_by("-period_end")
              .values("period_end")[:1])
    return FinancialStatement.objects.filter(period_end=Subquery(newest))


def industry_percentiles(customer: Customer) -> dict[str, Standing]:
    """Each key ratio of the customer's latest statement against the latest statements of every customer in the
    same industry (the customer included), in two queries; empty without a statement or an industry."""
    own = statement_history(customer).first()
    if own is None or not customer.industry:
        return {}
    peers = [key_figures(s) for s in latest_statements().filter(customer__industry=customer.industry)]
    mine = key_figures(own)
    standings = {}
    for name in PEER_RATIOS:
        values = [value for figures in peers if (value := figures[name]) is not None]
        standings[name] = Standing(mine[name], percentile_rank(mine[name], values), len(values))
    return standings


def rating_history(customer: Customer) -> QuerySet[ExternalRating]:
    """Every external rating of the customer, latest first."""
    return (ExternalRating.objects.filter(customer=customer).select_related("entered_by", "document")
            .order_by("-rated_on", "agency", "-id"))


def agencies() -> list[str]:
    """The agencies whose scales are kept, so a rating can be recorded in their grades."""
    return list(AgencyScale.objects.order_by("agency").values_list("agency", flat=True).distinct())


@dataclass(frozen=True)
class FactorAnswer:
    """A factor in force with the customer's answer to it, if any."""

    factor: Factor
    answer: QualitativeAnswer | None

    @property
    def choice(self) -> Choice | None:
        return self.factor.choice(self.answer.answer) if self.answer else None


def factor_answers(customer: Customer) -> list[FactorAnswer]:
    """Each factor in force, in the configuration's order, with the customer's answer; one query. Answers to factors
    the configuration no longer has are left out."""
    answers = {a.factor: a for a in QualitativeAnswer.objects.filter(customer=customer).select_related("answered_by")}
    return [FactorAnswer(item, answers.get(item.code)) for item in factors()]


def customer_assessments(customer: Customer) -> QuerySet[CreditAssessment]:
    """Every assessment of the customer, latest first, with the people named on it."""
    return (CreditAssessment.objects.filter(customer=customer)
            .select_related("run_by", "override_requested_by", "override_decided_by").order_by("-run_at", "-id"))


def visible_assessments(user: Viewer) -> QuerySet[CreditAssessment]:
    """The assessments of the customers the user may see, latest first."""
    return (CreditAssessment.objects.filter(customer__in=visible_customers(user))
            .select_related("customer", "run_by", "override_requested_by", "override_decided_by")
            .order_by("-run_at", "-id"))


def override_report(user: Viewer, status: str = "") -> QuerySet[CreditAssessment]:
    """The rating overrides asked for (waiting, approved or rejected) on the customers the user may see, the
    waiting ones first, then the latest."""
    found = visible_assessments(user).exclude(override_status="")
    found = found.filter(override_status=status) if status else found
    waiting = Case(When(override_status=OverrideStatus.REQUESTED, then=Value(0)), default=Value(1))
    return found.order_by(waiting, "-run_at", "-id")


def policy_model() -> ScoringModel | None:
    """The trained model an approved change made the policy's; None while the expert card scores."""
    return ScoringModel.objects.filter(status__in=(ModelStatus.ACTIVE, ModelStatus.RETIRING)).first()


def scoring_models(status: str = "") -> QuerySet[ScoringModel]:
    """The registered models, waiting and in-force ones first, then the latest, with the people named on them."""
    found = ScoringModel.objects.select_related("registered_by", "requested_by", "decided_by")
    found = found.filter(status=status) if status else found
    first = Case(When(status__in=(ModelStatus.REQUESTED, ModelStatus.RETIRING), then=Value(0)),
                 When(status=ModelStatus.ACTIVE, then=Value(1)), default=Value(2))
    return found.order_by(first, "-registered_at", "-id")
