"""The additive points scorecard: base points plus one table per factor, so a committee can follow every point.

Points follow the usual scaling: a score of 600 means odds of 50 goods to 1 bad, and every 20 points
double the odds (PDO 20). So score = offset − factor·ln(odds of bad), factor = PDO / ln 2,
offset = 600 − factor·ln(50), and the PD of a score is 1 / (1 + exp((score − offset) / factor)).
Higher scores are safer. Each factor's points are centred on its training average, so 0 points means
"average on this factor"; bins never seen in training also score 0.

Training tries both additive trainers (boosted single-factor trees and WoE + logistic regression) on an
inner stratified split of the training data only, keeps the one whose scorecard has the higher AUC on
the inner hold-out, and refits it on all the training data.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from creditdesk.assessment.scoring.additive import BOOSTED, AdditiveFit, fit_boosted, fit_woe_logistic
from creditdesk.assessment.scoring.factors import Factor
from creditdesk.assessment.scoring.metrics import PSI_BINS, auc

FORMAT = "creditdesk-scorecard"
FORMAT_VERSION = 1
INNER_HOLDOUT = 0.2
MIN_CLASS_ROWS = 10


@dataclass(frozen=True)
class Scaling:
    """How log-odds become points: `base_score` at odds `base_odds`:1 (good:bad), `pdo` points double the odds."""

    base_score: float = 600.0
    base_odds: float = 50.0
    pdo: float = 20.0

    @property
    def factor(self) -> float:
        """Points per unit of log-odds."""
        return self.pdo / math.log(2)

    @property
    def offset(self) -> float:
        """The score at even odds of bad (log-odds 0)."""
        return self.base_score - self.factor * math.log(self.base_odds)

    def probability_of_default(self, score: np.ndarray) -> np.ndarray:
        """Probability of default of a total score."""
        return 1.0 / (1.0 + np.exp((np.asarray(score, dtype=float) - self.offset) / self.factor))


@dataclass(frozen=True)
class PointsRow:
    """One line of the points table."""

    factor: str
    bin: str
    points: int


@dataclass
class Scorecard:
    """Base points plus, for each factor, the points of the bin its value falls into."""

    method: str
    base_points: int
    factors: list[Factor]
    points: list[list[int]]
    scaling: Scaling = Scaling()
    details: dict[str, Any] = field(default_factory=dict)
    validation: dict[str, Any] = field(default_factory=dict)
    development: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_fit(cls, fit: AdditiveFit, X: pd.DataFrame, scaling: Scaling = Scaling()) -> "Scorecard":
        """Turn a trainer's log-odds tables into whole points, centred per factor; idle factors are left out."""
        base = scaling.offset - scaling.factor * fit.intercept
        factors: list[Factor] = []
        points: list[list[int]] = []
        for factor, shape in zip(fit.factors, fit.shapes, strict=True):
            counts = np.bincount(factor.codes(X[factor.name]), minlength=factor.n_bins)
            mean = float(np.average(shape, weights=counts)) if counts.sum() else 0.0
            raw = np.where(counts > 0, -scaling.factor * (shape - mean), 0.0)
            base -= scaling.factor * mean
            rounded = [int(value) for value in np.rint(raw)]
            if any(rounded):
                merged, merged_points = factor.merged(rounded)
                factors.append(merged)
                points.append(merged_points)
        return cls(fit.method, round(base), factors, points, scaling, dict(fit.details))

    def points_table(self) -> list[PointsRow]:
        """Every factor's bins with their points; a score is `base_points` plus one row per factor."""
        return [
            PointsRow(factor.name, label, value)
            for factor, table in zip(self.factors, self.points, strict=True)
            for label, value in zip(factor.labels(), table, strict=True)
        ]

    def factor_points(self, X: pd.DataFrame) -> pd.DataFrame:
        """Points per factor (columns) for every row, read from the tables."""
        missing = [factor.name for factor in self.factors if factor.name not in X.columns]
        if missing:
            raise ValueError(f"data lacks the scorecard's factors: {', '.join(missing)}")
        return pd.DataFrame(
            {factor.name: np.asarray(table)[factor.codes(X[factor.name])]
             for factor, table in zip(self.factors, self.points, strict=True)},
            index=X.index,
        )

    def score(self, X: pd.DataFrame) -> np.ndarray:
        """Total points of every row (higher is safer)."""
        return self.base_points + self.factor_points(X).sum(axis=1).to_numpy(dtype=np.int64)

    def contributions(self, row: Mapping[str, Any]) -> dict[str, int]:
        """Points per factor for one applicant, for the assessment page and the committee."""
        frame = pd.DataFrame([{factor.name: row.get(factor.name) for factor in self.factors}])
        return {name: int(value) for name, value in self.factor_points(frame).iloc[0].items()}

    def development_profile(self, X: pd.DataFrame) -> dict[str, Any]:
        """How the training rows spread over the score deciles and each factor's bins: drift is measured on it."""
        scores = self.score(X).astype(float)
        edges = np.unique(np.quantile(scores, np.linspace(0, 1, PSI_BINS + 1)[1:-1]))
        return {
            "rows": len(X), "score_edges": edges.tolist(),
            "score_counts": np.bincount(np.searchsorted(edges, scores, side="left"), minlength=len(edges) + 1).tolist(),
            "factor_counts": {factor.name: np.bincount(factor.codes(X[factor.name]), minlength=factor.n_bins).tolist()
                              for factor in self.factors},
        }

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probability of default (bad) of every row, from its total score."""
        return self.scaling.probability_of_default(self.score(X))

    def to_dict(self) -> dict[str, Any]:
        """Everything needed to score again, and to explain the model, as plain JSON types."""
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "method": self.method,
            "scaling": {"base_score": self.scaling.base_score, "base_odds": self.scaling.base_odds,
                        "pdo": self.scaling.pdo},
            "base_points": self.base_points,
            "factors": [
                {**factor.to_dict(), "bins": factor.labels(), "points": list(table)}
                for factor, table in zip(self.factors, self.points, strict=True)
            ],
            "details": self.details,
            "validation": self.validation,
            "development": self.development,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Scorecard":
        """Rebuild a scorecard saved by `to_dict`, refusing anything else."""
        if data.get("format") != FORMAT or data.get("version") != FORMAT_VERSION:
            raise ValueError("not a saved CreditDesk scorecard (format or version does not match)")
        factors = [Factor.from_dict(entry) for entry in data["factors"]]
        points = [[int(value) for value in entry["points"]] for entry in data["factors"]]
        for factor, table in zip(factors, points, strict=True):
            if len(table) != factor.n_bins:
                raise ValueError(f"factor {factor.name!r} has {len(table)} points for {factor.n_bins} bins")
        return cls(
            method=str(data["method"]),
            base_points=int(data["base_points"]),
            factors=factors,
            points=points,
            scaling=Scaling(**data["scaling"]),
            details=dict(data.get("details", {})),
            validation=dict(data.get("validation", {})),
            development=dict(data.get("development", {})),
        )


def train_scorecard(X: pd.DataFrame, y: np.ndarray, seed: int = 0, scaling: Scaling = Scaling()) -> Scorecard:
    """Fit both trainers on an inner split of (X, y), keep the better on the inner hold-out, refit it on all."""
    _check_classes(y)
    inner_X, hold_X, inner_y, hold_y = train_test_split(
        X, y, test_size=INNER_HOLDOUT, stratify=y, random_state=seed,
    )
    boosted = fit_boosted(inner_X, inner_y, validation=(hold_X, hold_y))
    woe = fit_woe_logistic(inner_X, inner_y)
    holdout_auc = {
        fit.method: auc(hold_y, Scorecard.from_fit(fit, inner_X, scaling).predict_proba(hold_X))
        for fit in (boosted, woe)
    }
    chosen = max(holdout_auc, key=lambda method: holdout_auc[method])
    final = fit_boosted(X, y, rounds=boosted.details["rounds"]) if chosen == BOOSTED else fit_woe_logistic(X, y)
    card = Scorecard.from_fit(final, X, scaling)
    card.development = card.development_profile(X)
    card.details["selection"] = {"holdout_auc": {m: round(v, 4) for m, v in holdout_auc.items()}, "chosen": chosen}
    return card


def _check_classes(y: np.ndarray) -> None:
    """Refuse to train when either class is too small to split off a hold-out that still holds both."""
    bads = int(np.sum(y))
    goods = len(y) - bads
    if min(bads, goods) < MIN_CLASS_ROWS:
        raise ValueError(
            f"training needs at least {MIN_CLASS_ROWS} bad and {MIN_CLASS_ROWS} good rows; "
            f"found {bads} bad, {goods} good"
        )
