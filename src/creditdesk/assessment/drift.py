"""Drift of the scorecard: the population stability index (brief: scorecard quality) of the portfolio's current
scores against the model's development sample, overall and factor by factor.

A trained card's development sample is its training rows, kept in the model file as their spread over the score
deciles and over each factor's bins (`Scorecard.development_profile`). The expert card has no training rows, so
its development sample is its first assessments: every assessment run in the DEVELOPMENT_DAYS after the first
run of that version. The current population is each customer's latest assessment on that version. Overall PSI
compares the scores on the deciles of the development sample; a factor's PSI compares how often each of its bins
(on the expert card, each points value) occurs.
"""

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db.models import Max, Min

from creditdesk.assessment.models import CreditAssessment
from creditdesk.assessment.scoring.metrics import psi
from creditdesk.assessment.scoring.scorecard import Scorecard

DEVELOPMENT_DAYS = 30
FLOOR = 1e-4
STABLE, SHIFTING = Decimal("0.10"), Decimal("0.25")
PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Drift:
    """The PSI of the scores and of each factor, with the sizes of both populations."""

    version: str
    development: int
    current: int
    overall: Decimal | None
    factors: dict[str, Decimal]


def counts_psi(expected: Sequence[int], actual: Sequence[int]) -> Decimal:
    """PSI of two populations counted over the same bins, empty shares floored so the log stays finite."""
    total = Decimal(0)
    for before, after in zip(expected, actual, strict=True):
        e = max(before / sum(expected), FLOOR)
        a = max(after / sum(actual), FLOOR)
        total += Decimal(str((a - e) * math.log(a / e)))
    return total.quantize(PLACES)


def category_psi(expected: list[int], actual: list[int]) -> Decimal:
    """PSI over categories (a factor's points values)."""
    before, after = Counter(expected), Counter(actual)
    values = sorted(before.keys() | after.keys())
    return counts_psi([before[value] for value in values], [after[value] for value in values])


def latest_runs(version: str) -> list[CreditAssessment]:
    """Each customer's latest assessment on the version: the current population."""
    latest = CreditAssessment.objects.filter(model_version=version).values("customer_id").annotate(last=Max("id"))
    return list(CreditAssessment.objects.filter(pk__in=latest.values("last")))


def populations(version: str) -> tuple[list[CreditAssessment], list[CreditAssessment]]:
    """The version's development sample and each customer's latest assessment on it."""
    runs = CreditAssessment.objects.filter(model_version=version)
    first = runs.aggregate(first=Min("run_at"))["first"]
    if first is None:
        return [], []
    return list(runs.filter(run_at__lt=first + dt.timedelta(days=DEVELOPMENT_DAYS))), latest_runs(version)


def points_of(assessments: list[CreditAssessment], code: str) -> list[int]:
    return [c["points"] for a in assessments for c in a.contributions if c["code"] == code]


def drift(version: str) -> Drift:
    """The card's stability now; None overall while either population is empty."""
    development, current = populations(version)
    if not development or not current:
        return Drift(version, len(development), len(current), None, {})
    overall = Decimal(str(psi([float(a.score) for a in development], [float(a.score) for a in current])))
    codes = [c["code"] for c in development[0].contributions]
    return Drift(version, len(development), len(current), overall.quantize(PLACES),
                 {code: category_psi(points_of(development, code), points_of(current, code)) for code in codes})


def trained_drift(version: str, scorecard: Scorecard) -> Drift:
    """A trained card's stability against its training rows: scores over the training deciles, each factor over
    its bins; None overall while no customer has been scored on it or the model file kept no profile."""
    profile, current = scorecard.development, latest_runs(version)
    if not profile or not current:
        return Drift(version, int(profile.get("rows", 0)), len(current), None, {})
    edges = np.asarray(profile["score_edges"], dtype=float)
    scores = np.asarray([float(a.score) for a in current])
    overall = counts_psi(profile["score_counts"],
                         np.bincount(np.searchsorted(edges, scores, side="left"), minlength=len(edges) + 1).tolist())
    factors = {}
    for factor in scorecard.factors:
        codes = {label: code for code, label in enumerate(factor.labels())}
        seen = Counter(codes[c["bin"]] for a in current for c in a.contributions if c["code"] == factor.name)
        factors[factor.name] = counts_psi(profile["factor_counts"][factor.name],
                                          [seen[code] for code in range(factor.n_bins)])
    return Drift(version, int(profile["rows"]), len(current), overall, factors)


def verdict(value: Decimal | None) -> str:
    """The usual reading of a PSI: below 0.10 stable, up to 0.25 shifting, above that shifted."""
    if value is None:
        return ""
    return "stable" if value < STABLE else "shifting" if value <= SHIFTING else "shifted"
