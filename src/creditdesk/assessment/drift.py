"""Drift of the scorecard: the population stability index (brief: scorecard quality) of the portfolio's current
scores against the scores the card gave when it was new, overall and factor by factor.

The development sample of a card version is its first assessments: every assessment run in the
DEVELOPMENT_DAYS after the first run of that version. The current population is each customer's latest
assessment on that version. Overall PSI compares the scores on the deciles of the development sample; a
factor's PSI compares how often each of its points values (its bins) occurs.
"""

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Min

from creditdesk.assessment.models import CreditAssessment
from creditdesk.assessment.scoring.metrics import psi

DEVELOPMENT_DAYS = 30
FLOOR = 1e-4
STABLE, SHIFTING = Decimal("0.10"), Decimal("0.25")


@dataclass(frozen=True)
class Drift:
    """The PSI of the scores and of each factor, with the sizes of both populations."""

    version: str
    development: int
    current: int
    overall: Decimal | None
    factors: dict[str, Decimal]


def category_psi(expected: list[int], actual: list[int]) -> Decimal:
    """PSI over categories (a factor's points values), empty shares floored so the log stays finite."""
    before, after = Counter(expected), Counter(actual)
    total = Decimal(0)
    for value in before.keys() | after.keys():
        e = max(before[value] / len(expected), FLOOR)
        a = max(after[value] / len(actual), FLOOR)
        total += Decimal(str((a - e) * math.log(a / e)))
    return total.quantize(Decimal("0.0001"))


def populations(version: str) -> tuple[list[CreditAssessment], list[CreditAssessment]]:
    """The version's development sample and each customer's latest assessment on it."""
    runs = CreditAssessment.objects.filter(model_version=version)
    first = runs.aggregate(first=Min("run_at"))["first"]
    if first is None:
        return [], []
    development = list(runs.filter(run_at__lt=first + dt.timedelta(days=DEVELOPMENT_DAYS)))
    latest = runs.values("customer_id").annotate(last=Max("id")).values("last")
    return development, list(CreditAssessment.objects.filter(pk__in=latest))


def points_of(assessments: list[CreditAssessment], code: str) -> list[int]:
    return [c["points"] for a in assessments for c in a.contributions if c["code"] == code]


def drift(version: str) -> Drift:
    """The card's stability now; None overall while either population is empty."""
    development, current = populations(version)
    if not development or not current:
        return Drift(version, len(development), len(current), None, {})
    overall = Decimal(str(psi([float(a.score) for a in development], [float(a.score) for a in current])))
    codes = [c["code"] for c in development[0].contributions]
    return Drift(version, len(development), len(current), overall.quantize(Decimal("0.0001")),
                 {code: category_psi(points_of(development, code), points_of(current, code)) for code in codes})


def verdict(value: Decimal | None) -> str:
    """The usual reading of a PSI: below 0.10 stable, up to 0.25 shifting, above that shifted."""
    if value is None:
        return ""
    return "stable" if value < STABLE else "shifting" if value <= SHIFTING else "shifted"
