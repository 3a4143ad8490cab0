"""Demo credit files: two annual statements, qualitative answers, agency ratings and a scorecard run per customer.

The figures follow the customer's payment profile (`receivables.demo.profile_of`): a prompt payer has a liquid,
modestly geared, profitable balance sheet; a deteriorating one slid from thin margins into losses; a defaulting
one is short of liquidity, over-geared and losing money. Every statement balances exactly (assets = liabilities +
equity) and keeps its parts within their totals, so it passes the checks an analyst's entry would. The figures
are drawn from a `random.Random` seeded with the portfolio seed and the customer's code, so a seed always gives
the same credit files. Statements, answers and ratings are written with `bulk_create` and one audit entry for the
load, as the ledger history is. Once the limits are in place (the recommendation weighs the portfolio's limits) the
demo analyst scores, through `run_assessment`, the customers the queues put first: a run reads the whole credit
file and the ledger, too slow to repeat for every customer of a large demo.

Then the analyst trains a scorecard on the portfolio itself: the development sample (`assessment.sample`) observed
twelve months before the demo's today, so its outcome window has just closed, trained and cross-validated as
`scoring train` does, registered as `portfolio-<year>` and put up for activation; it waits for the credit manager's
approval, so the demo shows the model change flow. A sample with too few bad or good customers to cross-validate
(`SAMPLE_MIN_CLASS`) trains no model.
"""

import datetime as dt
import math
import random
from dataclasses import asdict, dataclass
from decimal import Decimal

import numpy as np
import pandas as pd
from django.contrib.auth.models import User
from django.db.models import Q

from creditdesk.assessment.model_changes import register_model, request_activation
from creditdesk.assessment.models import (
    AgencyScale,
    ExternalRating,
    FinancialStatement,
    Outlook,
    QualitativeAnswer,
    ScoringModel,
    StatementSource,
)
from creditdesk.assessment.qualitative import factors
from creditdesk.assessment.rating import run_assessment
from creditdesk.assessment.sample import BAD, CUSTOMER, GOOD, TARGET, development_sample
from creditdesk.assessment.scoring.data import Dataset
from creditdesk.assessment.scoring.scorecard import MIN_CLASS_ROWS
from creditdesk.assessment.scoring.validation import SCORECARD, train_validated
from creditdesk.audit.services import record_audit
from creditdesk.customers.demo import AMOUNT_SCALES, BATCH_SIZE
from creditdesk.customers.models import Customer
from creditdesk.limits.demo import monthly_sales
from creditdesk.limits.models import LimitKind, LimitStatus
from creditdesk.limits.selectors import REVIEW_WINDOW_DAYS
from creditdesk.receivables.demo import MONTHLY_NET_CNY, Profile, profile_of
from creditdesk.receivables.figures import months_back

STATEMENT_SHARE = 0.85
ANSWER_SHARE = 0.75
RATING_SHARE = {"large": 0.35, "medium": 0.12, "small": 0.03, "micro": 0.0}
SAMPLE_MONTHS, SAMPLE_DAYS_PAST_DUE, SAMPLE_FOLDS = 12, 90, 5
SAMPLE_CUSTOMERS = 2000  # each row reads a whole credit file (~13 ms): a large demo samples its first customers
# A card needs MIN_CLASS_ROWS of each class, and each cross-validation fold trains on 4/5 of the sample: 13.
SAMPLE_MIN_CLASS = math.ceil(MIN_CLASS_ROWS * SAMPLE_FOLDS / (SAMPLE_FOLDS - 1))


@dataclass(frozen=True, slots=True)
class Shape:
    """A balance sheet and result as ranges: current ratio, liabilities / assets, net margin, operating cash."""

    current_ratio: tuple[float, float]
    debt_ratio: tuple[float, float]
    net_margin: tuple[float, float]
    cash_margin: tuple[float, float]


SHAPES = {
    Profile.PROMPT: Shape((1.5, 2.6), (0.30, 0.55), (0.04, 0.10), (0.03, 0.08)),
    Profile.SLOW: Shape((1.05, 1.5), (0.55, 0.72), (0.01, 0.04), (-0.01, 0.03)),
    Profile.SEASONAL: Shape((1.2, 1.9), (0.45, 0.65), (0.02, 0.07), (0.00, 0.05)),
    Profile.DISPUTING: Shape((1.2, 1.8), (0.45, 0.65), (0.02, 0.06), (0.01, 0.05)),
    Profile.DETERIORATING: Shape((0.75, 1.05), (0.72, 0.88), (-0.07, -0.01), (-0.05, 0.00)),
    Profile.DEFAULTING: Shape((0.40, 0.80), (0.90, 1.15), (-0.18, -0.06), (-0.12, -0.03)),
}
# The year before: a customer now in trouble was only slipping then.
PRIOR = {Profile.DETERIORATING: Profile.SLOW, Profile.DEFAULTING: Profile.DETERIORATING}
# Agency classes (1 best … 10 worst) a profile's rating is drawn from.
RATING_CLASSES = {Profile.PROMPT: (2, 5), Profile.SLOW: (4, 7), Profile.SEASONAL: (3, 6), Profile.DISPUTING: (3, 6),
                  Profile.DETERIORATING: (6, 8), Profile.DEFAULTING: (9, 10)}
# How far down a factor's answers (best first) a profile tends to sit, 0 best … 1 worst.
ANSWER_LEAN = {Profile.PROMPT: 0.1, Profile.SLOW: 0.4, Profile.SEASONAL: 0.3, Profile.DISPUTING: 0.35,
               Profile.DETERIORATING: 0.6, Profile.DEFAULTING: 0.85}


@dataclass(frozen=True, slots=True)
class CreditFilesResult:
    """What the credit files load wrote, for the command to report."""

    statements: int
    answers: int
    ratings: int


def year_ends(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last two closed financial years (calendar years, as Chinese companies report), older first."""
    return dt.date(today.year - 2, 12, 31), dt.date(today.year - 1, 12, 31)


def draw_statement(rng: random.Random, profile: Profile, revenue: int) -> dict[str, Decimal]:
    """One year's lines in whole units of the currency, balanced exactly and with every part within its total."""
    shape = SHAPES[profile]
    total_assets = max(1, round(revenue / rng.uniform(1.2, 2.2)))
    total_liabilities = round(total_assets * rng.uniform(*shape.debt_ratio))
    current_assets = round(total_assets * rng.uniform(0.45, 0.70))
    current_liabilities = min(round(current_assets / rng.uniform(*shape.current_ratio)), total_liabilities)
    net_income = round(revenue * rng.uniform(*shape.net_margin))
    interest = round(total_liabilities * rng.uniform(0.02, 0.05))
    equity = total_assets - total_liabilities
    lines = {
        "current_assets": current_assets, "cash": round(current_assets * rng.uniform(0.08, 0.20)),
        "receivables": round(current_assets * rng.uniform(0.30, 0.40)),
        "inventory": round(current_assets * rng.uniform(0.20, 0.30)), "total_assets": total_assets,
        "current_liabilities": current_liabilities, "total_liabilities": total_liabilities, "equity": equity,
        "retained_earnings": equity - round(total_assets * rng.uniform(0.05, 0.15)), "revenue": revenue,
        "gross_profit": round(revenue * rng.uniform(0.15, 0.35)),
        "ebit": net_income + interest + max(0, round(net_income / 3)), "interest_expense": interest,
        "net_income": net_income, "operating_cash_flow": round(revenue * rng.uniform(*shape.cash_margin)),
    }
    return {line: Decimal(value) for line, value in lines.items()}


def yearly_revenue(customer: Customer, sales: Decimal | None, rng: random.Random) -> int:
    """The customer's turnover: what it buys from us is a share of it; a prospect's is judged from its size."""
    bought = float(sales) * 12 if sales else MONTHLY_NET_CNY[customer.size] * 12 * AMOUNT_SCALES.get(
        customer.currency_id, 1.0)
    return max(1000, round(bought * rng.uniform(4, 12) / 1000) * 1000)


def draw_statements(customer: Customer, profile: Profile, sales: Decimal | None, rng: random.Random,
                    today: dt.date, analyst: User) -> list[FinancialStatement]:
    """The two closed years, the older one in the profile's earlier shape and on a smaller or larger turnover."""
    older, latest = year_ends(today)
    revenue = yearly_revenue(customer, sales, rng)
    growth = rng.uniform(0.85, 1.0) if profile in PRIOR else rng.uniform(0.9, 1.2)
    audited = customer.size in ("medium", "large")
    source = StatementSource.ANNUAL_REPORT if audited else StatementSource.TAX_FILING
    years = ((older, PRIOR.get(profile, profile), max(1000, round(revenue / growth))), (latest, profile, revenue))
    return [FinancialStatement(customer=customer, period_end=period_end, period_months=12,
                               currency_id=customer.currency_id, audited=audited, source=source, entered_by=analyst,
                               **draw_statement(rng, shape, turnover))
            for period_end, shape, turnover in years]


def draw_answers(customer: Customer, profile: Profile, rng: random.Random, analyst: User) -> list[QualitativeAnswer]:
    """One answer per factor in force, leaning towards the worse answers the worse the customer pays."""
    lean = ANSWER_LEAN[profile]
    answers = []
    for factor in factors():
        position = min(max(lean + rng.gauss(0, 0.2), 0.0), 0.999)
        answer = factor.answers[int(position * len(factor.answers))]
        answers.append(QualitativeAnswer(customer=customer, factor=factor.code, answer=answer.code,
                                         answered_by=analyst))
    return answers


def draw_rating(customer: Customer, profile: Profile, rng: random.Random, today: dt.date, analyst: User,
                grades: dict[str, dict[int, list[str]]]) -> ExternalRating:
    """An agency's grade in the profile's classes, from the agency scales the migration seeded."""
    agency = rng.choice(sorted(grades))
    rating_class = rng.randint(*RATING_CLASSES[profile])
    choices = grades[agency][rating_class]
    outlook = Outlook.NEGATIVE if profile in PRIOR else rng.choice((Outlook.STABLE, Outlook.STABLE, Outlook.POSITIVE))
    return ExternalRating(customer=customer, agency=agency, grade=rng.choice(choices), rating_class=rating_class,
                          rated_on=today - dt.timedelta(days=rng.randint(30, 400)), outlook=outlook,
                          entered_by=analyst)


def scale_grades() -> dict[str, dict[int, list[str]]]:
    """Every agency's grades by our class, as the migration seeded them (or the policy changed them)."""
    grades: dict[str, dict[int, list[str]]] = {}
    for agency, grade, rating_class in AgencyScale.objects.order_by("agency", "rating_class", "grade").values_list(
            "agency", "grade", "rating_class"):
        grades.setdefault(agency, {}).setdefault(rating_class, []).append(grade)
    return grades


def load_demo_credit_files(seed: int, today: dt.date) -> CreditFilesResult:
    """Statements for most customers who are not closed, answers for many, ratings mostly for larger companies."""
    analyst = User.objects.get(username="analyst")
    sales = monthly_sales()
    grades = scale_grades()
    statements: list[FinancialStatement] = []
    answers: list[QualitativeAnswer] = []
    ratings: list[ExternalRating] = []
    for customer in Customer.objects.exclude(status="closed").order_by("code"):
        rng = random.Random(f"{seed}:{customer.code}:credit-file")
        if rng.random() >= STATEMENT_SHARE:
            continue
        profile = profile_of(customer, seed)
        statements.extend(draw_statements(customer, profile, sales.get(customer.pk), rng, today, analyst))
        if rng.random() < ANSWER_SHARE:
            answers.extend(draw_answers(customer, profile, rng, analyst))
        if rng.random() < RATING_SHARE[customer.size]:
            ratings.append(draw_rating(customer, profile, rng, today, analyst, grades))
    FinancialStatement.objects.bulk_create(statements, batch_size=BATCH_SIZE)
    QualitativeAnswer.objects.bulk_create(answers, batch_size=BATCH_SIZE)
    ExternalRating.objects.bulk_create(ratings, batch_size=BATCH_SIZE)
    result = CreditFilesResult(len(statements), len(answers), len(ratings))
    record_audit(None, "demo_credit_files.load", User.objects.get(username="admin"),
                 {name: [None, count] for name, count in asdict(result).items()})
    return result


def run_demo_assessments(today: dt.date) -> int:
    """The analyst scores the customers the queues put first: limits due for review within the review window,
    requests waiting for approval, and customers with an agency rating; each needs statements to score. Then the
    analyst trains a card on the portfolio and asks for its activation (`load_demo_portfolio_model`)."""
    analyst = User.objects.get(username="analyst")
    due = Q(credit_limits__status=LimitStatus.ACTIVE, credit_limits__kind=LimitKind.STANDARD,
            credit_limits__review_on__lte=today + dt.timedelta(days=REVIEW_WINDOW_DAYS))
    queued = (Customer.objects.filter(financial_statements__isnull=False)
              .filter(due | Q(credit_limits__status=LimitStatus.REQUESTED) | Q(external_ratings__isnull=False))
              .distinct().order_by("code"))
    assessed = 0
    for customer in queued:
        run_assessment(analyst, customer)
        assessed += 1
    load_demo_portfolio_model(today)
    return assessed


def sample_dataset(frame: pd.DataFrame) -> Dataset:
    """The sample as `scoring.data.load_dataset` reads a training file: inputs, and the target coded 1 = bad."""
    X = frame.drop(columns=[CUSTOMER, TARGET]).reset_index(drop=True)
    return Dataset(X=X, y=(frame[TARGET] == BAD).to_numpy(dtype=np.int64), target=TARGET, bad=BAD, good=GOOD)


def load_demo_portfolio_model(today: dt.date) -> ScoringModel | None:
    """The analyst trains a card on the portfolio (its first `SAMPLE_CUSTOMERS`) observed a year ago and asks for
    its activation; the manager decides. None when the sample has fewer than `SAMPLE_MIN_CLASS` bad or good
    customers."""
    observed_on = months_back(today, SAMPLE_MONTHS)
    first = list(Customer.objects.order_by("code").values_list("pk", flat=True)[:SAMPLE_CUSTOMERS])
    data = sample_dataset(development_sample(observed_on, SAMPLE_MONTHS, SAMPLE_DAYS_PAST_DUE, first))
    if min(data.positives, data.rows - data.positives) < SAMPLE_MIN_CLASS:
        return None
    card, validation = train_validated(data, f"development sample observed on {observed_on}", SAMPLE_FOLDS, 0)
    analyst = User.objects.get(username="analyst")
    auc = validation.mean(SCORECARD).auc
    note = (f"Trained on our {data.rows} customers as known on {observed_on}, {data.positives} of them more than "
            f"{SAMPLE_DAYS_PAST_DUE} days past due within {SAMPLE_MONTHS} months; CV AUC {auc:.4f}.")
    model = register_model(analyst, f"portfolio-{observed_on.year}", card.to_dict(), note)
    return request_activation(analyst, model, "A card trained on our own customers' payment record, to replace "
                                              "the expert card once the credit manager approves.")
