"""Scoring an assessment on a trained scorecard (`scoring.scorecard`) once it is the policy's model.

The trained card reads the same inputs as the expert card, by the same codes, so its factors must be among the
inputs an assessment gathers (`INPUT_CODES` plus the qualitative factors in force). A score is the card's base
points plus one row of each factor's table; its probability of default comes from the card's scaling, and the
rating class is the best class of our scale whose PD is at least that high, so a trained card never rates a
customer better than its own PD allows. Each factor's points are centred on the training average: above zero
is better than average, below zero worse.
"""

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext_lazy as _

from creditdesk.assessment.expert import Contribution, Rated, RatingClass, card, scale
from creditdesk.assessment.qualitative import factors
from creditdesk.assessment.scoring.scorecard import Scorecard

STATEMENT_INPUTS = ("z_score", "current_ratio", "debt_ratio", "net_margin")
BEHAVIOUR_INPUTS = ("days_beyond_terms", "days_beyond_terms_trend", "share_paid_late", "open_disputes",
                    "broken_promises")
INPUT_CODES = (*STATEMENT_INPUTS, *BEHAVIOUR_INPUTS, "external_rating")
PD_PLACES = Decimal("0.00001")
ONE = Decimal(1)


def input_codes() -> list[str]:
    """Every input an assessment gathers, qualitative factors included: what a trained card may read."""
    return [*INPUT_CODES, *(item.code for item in factors())]


def unknown_inputs(scorecard: Scorecard) -> list[str]:
    """The card's factors that no assessment can supply."""
    known = set(input_codes())
    return [factor.name for factor in scorecard.factors if factor.name not in known]


def class_for_pd(pd_value: Decimal, classes: tuple[RatingClass, ...]) -> RatingClass:
    """The best class whose PD is at least the given PD; the worst class when even its PD is lower."""
    return next((item for item in classes if item.pd >= pd_value), classes[-1])


def as_number(value: Any) -> Any:
    """Decimals as floats for the binning; answers stay text, missing stays None."""
    return float(value) if isinstance(value, Decimal) else value


def factor_labels() -> dict[str, Any]:
    """Each input's name as the expert card and the qualitative factors call it."""
    return {**{item.code: item.label for item in factors()}, **{item.code: item.label for item in card().factors},
            "days_beyond_terms_trend": _("Days beyond terms trend"), "open_disputes": _("Open disputes"),
            "broken_promises": _("Broken promises (12 months)")}


def rate_trained(inputs: Mapping[str, Any], version: str, scorecard: Scorecard) -> Rated:
    """Score the inputs on a trained card and place its PD on our scale; every factor's bin and points are kept."""
    row = pd.DataFrame([{factor.name: as_number(inputs.get(factor.name)) for factor in scorecard.factors}])
    labels = factor_labels()
    contributions = []
    for factor, table in zip(scorecard.factors, scorecard.points, strict=True):
        code = int(factor.codes(row[factor.name])[0])
        points = table[code]
        contributions.append(Contribution(factor.name, labels.get(factor.name, factor.name), inputs.get(factor.name),
                                          factor.labels()[code], points, ONE, Decimal(points)))
    score = Decimal(scorecard.base_points) + sum((c.contribution for c in contributions), Decimal(0))
    pd_value = Decimal(str(float(scorecard.scaling.probability_of_default(np.array([float(score)]))[0])))
    found = class_for_pd(pd_value.quantize(PD_PLACES, ROUND_HALF_UP), scale())
    return Rated(version, contributions, score, found.rating, pd_value.quantize(PD_PLACES, ROUND_HALF_UP),
                 found.terms_days)
