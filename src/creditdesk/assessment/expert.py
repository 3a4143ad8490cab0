"""The expert scorecard (专家评分卡): factors, bins, points and weights from configuration → score → rating class.

Every factor reads one input (a ratio, a qualitative answer, a payment-behaviour figure or an agency rating
mapped onto our scale), finds its bin, and adds points × weight to the score, so a credit committee can follow
every point. The score (0–100 with the default card) falls in a class of the rating scale (1 best … 10 worst),
each with its probability of default and the payment terms recommended for it. The setting
CREDITDESK_EXPERT_SCORECARD replaces the default card, CREDITDESK_RATING_SCALE the default scale.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Label = str | Promise
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Bin:
    """Values from `low` (included) up to `high` (excluded); None leaves that side open."""

    low: Decimal | None
    high: Decimal | None
    points: int

    def holds(self, value: Decimal) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value < self.high)

    def describe(self) -> str:
        if self.low is None:
            return f"< {self.high}"
        return f"≥ {self.low}" if self.high is None else f"{self.low} – {self.high}"


@dataclass(frozen=True)
class Factor:
    """One line of the card: numeric bins or answer points, and the points when the input is missing."""

    code: str
    label: Label
    weight: Decimal
    missing: int
    bins: tuple[Bin, ...] = ()
    answers: Mapping[str, int] = field(default_factory=dict)

    def points_for(self, value: Any) -> tuple[int, str]:
        """The points of an input and the bin (or answer) that gave them."""
        if value is None or value == "":
            return self.missing, str(_("missing"))
        if self.answers:
            return (self.answers[value], str(value)) if value in self.answers else (self.missing, str(_("missing")))
        number = Decimal(str(value))
        found = next((item for item in self.bins if item.holds(number)), None)
        return (found.points, found.describe()) if found else (self.missing, str(_("missing")))


@dataclass(frozen=True)
class RatingClass:
    rating: int
    min_score: Decimal
    pd: Decimal
    terms_days: int


@dataclass(frozen=True)
class Scorecard:
    version: str
    factors: tuple[Factor, ...]


@dataclass(frozen=True)
class Contribution:
    code: str
    label: Label
    value: Any
    bin: str
    points: int
    weight: Decimal
    contribution: Decimal


@dataclass(frozen=True)
class Rated:
    """What an assessment keeps: every factor's contribution, the score, the class, its PD and its terms."""

    version: str
    contributions: list[Contribution]
    score: Decimal
    rating: int
    pd: Decimal
    terms_days: int


def bins(*edges_and_points: Any) -> tuple[Bin, ...]:
    """`bins(p0, e1, p1, e2, p2)`: below e1 p0 points, from e1 below e2 p1, from e2 p2."""
    points, edges = edges_and_points[0::2], [Decimal(str(edge)) for edge in edges_and_points[1::2]]
    lows: list[Decimal | None] = [None, *edges]
    highs: list[Decimal | None] = [*edges, None]
    return tuple(Bin(low, high, point) for low, high, point in zip(lows, highs, points, strict=True))


DEFAULT_CARD = Scorecard("expert-1", (
    Factor("z_score", _("Altman Z''"), Decimal("0.20"), 30, bins(0, "1.1", 40, "2.6", 80, "4", 100)),
    Factor("current_ratio", _("Current ratio"), Decimal("0.10"), 30, bins(0, "0.8", 30, "1.2", 70, "2", 100)),
    Factor("debt_ratio", _("Debt ratio"), Decimal("0.10"), 30, bins(100, "0.5", 70, "0.7", 30, "0.9", 0)),
    Factor("net_margin", _("Net margin"), Decimal("0.05"), 40, bins(0, "0", 50, "0.05", 80, "0.1", 100)),
    Factor("years_in_business", _("Years in business"), Decimal("0.05"), 30,
           answers={"over_10": 100, "5_to_10": 70, "2_to_5": 40, "under_2": 10}),
    Factor("management_quality", _("Management quality"), Decimal("0.05"), 50,
           answers={"strong": 100, "adequate": 60, "weak": 10}),
    Factor("market_position", _("Market position"), Decimal("0.05"), 50,
           answers={"leader": 100, "established": 75, "niche": 45, "weak": 10}),
    Factor("industry_risk", _("Industry risk"), Decimal("0.05"), 50,
           answers={"low": 100, "moderate": 70, "high": 35, "very_high": 0}),
    Factor("legal_events", _("Legal events"), Decimal("0.05"), 60,
           answers={"none": 100, "minor": 60, "major": 20, "insolvency": 0}),
    Factor("days_beyond_terms", _("Days beyond terms (12 months)"), Decimal("0.15"), 50,
           bins(100, "5", 75, "15", 45, "30", 15, "60", 0)),
    Factor("share_paid_late", _("Share of invoices paid late"), Decimal("0.05"), 50,
           bins(100, "0.1", 70, "0.3", 35, "0.6", 0)),
    Factor("external_rating", _("Agency rating (our scale)"), Decimal("0.10"), 50,
           bins(100, "3", 75, "5", 50, "7", 25, "9", 0)),
))

DEFAULT_SCALE = tuple(RatingClass(rating, Decimal(score), Decimal(pd), terms) for rating, score, pd, terms in [
    (1, "85", "0.0003", 90), (2, "75", "0.001", 90), (3, "65", "0.0025", 90), (4, "57", "0.005", 60),
    (5, "50", "0.01", 60), (6, "43", "0.02", 30), (7, "36", "0.04", 30), (8, "28", "0.08", 15),
    (9, "20", "0.15", 0), (10, "0", "0.30", 0)])


def scale() -> tuple[RatingClass, ...]:
    """The configured rating scale, best class first; it must cover every score from 0."""
    classes = tuple(sorted(getattr(settings, "CREDITDESK_RATING_SCALE", DEFAULT_SCALE), key=lambda c: c.rating))
    if not classes or classes[-1].min_score > 0 or any(
            worse.min_score >= better.min_score for better, worse in pairwise(classes)):
        raise ImproperlyConfigured("CREDITDESK_RATING_SCALE: each class needs a lower minimum score than the "
                                   "class before it, and the worst class must start at 0.")
    return classes


def card() -> Scorecard:
    return getattr(settings, "CREDITDESK_EXPERT_SCORECARD", DEFAULT_CARD)


def rating_for(score: Decimal, classes: Sequence[RatingClass]) -> RatingClass:
    """The best class whose minimum the score reaches."""
    return next(item for item in classes if score >= item.min_score)


def rate(inputs: Mapping[str, Any], scorecard: Scorecard | None = None) -> Rated:
    """Score the inputs on the card and place the score on the scale."""
    used = scorecard or card()
    contributions = []
    for item in used.factors:
        value = inputs.get(item.code)
        points, described = item.points_for(value)
        contributions.append(Contribution(item.code, item.label, value, described, points, item.weight,
                                          (points * item.weight).quantize(TENTH, ROUND_HALF_UP)))
    score = sum((c.contribution for c in contributions), Decimal(0))
    found = rating_for(score, scale())
    return Rated(used.version, contributions, score, found.rating, found.pd, found.terms_days)
