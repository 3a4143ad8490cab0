"""Scorecard quality as the brief defines it: AUC, Gini = 2·AUC − 1, KS; population stability index for drift.

Every function takes a risk score where higher means more likely bad (a PD, not scorecard points).
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import rankdata

PSI_BINS = 10
PSI_FLOOR = 1e-4


@dataclass(frozen=True)
class Quality:
    """The three discrimination figures of one model on one sample."""

    auc: float
    gini: float
    ks: float

    def rounded(self, digits: int = 4) -> dict[str, float]:
        """The figures as a plain dict, rounded for reports."""
        return {"auc": round(self.auc, digits), "gini": round(self.gini, digits), "ks": round(self.ks, digits)}


def quality(y: ArrayLike, risk: ArrayLike) -> Quality:
    """AUC, Gini and KS of a risk score against 0/1 outcomes (1 = bad)."""
    area = auc(y, risk)
    return Quality(auc=area, gini=gini_from_auc(area), ks=ks(y, risk))


def auc(y: ArrayLike, risk: ArrayLike) -> float:
    """Probability that a random bad outranks a random good (ties count half), via the Mann-Whitney U."""
    outcome, score = _checked(y, risk)
    ranks = rankdata(score)
    bads = int(outcome.sum())
    goods = len(outcome) - bads
    rank_sum = float(ranks[outcome == 1].sum())
    return (rank_sum - bads * (bads + 1) / 2) / (bads * goods)


def gini_from_auc(area: float) -> float:
    """Gini (accuracy ratio) = 2·AUC − 1, the brief's definition."""
    return 2 * area - 1


def gini(y: ArrayLike, risk: ArrayLike) -> float:
    """Gini = 2·AUC − 1 of a risk score."""
    return gini_from_auc(auc(y, risk))


def ks(y: ArrayLike, risk: ArrayLike) -> float:
    """Kolmogorov-Smirnov: the largest gap between the cumulative score distributions of bads and goods."""
    outcome, score = _checked(y, risk)
    thresholds = np.unique(score)
    bad_cdf = np.searchsorted(np.sort(score[outcome == 1]), thresholds, side="right") / outcome.sum()
    good_cdf = np.searchsorted(np.sort(score[outcome == 0]), thresholds, side="right") / (outcome == 0).sum()
    return float(np.max(np.abs(bad_cdf - good_cdf)))


def psi(expected: ArrayLike, actual: ArrayLike, bins: int = PSI_BINS) -> float:
    """Population stability index Σ (a − e)·ln(a / e) over the deciles of the expected (development) sample.

    Empty bins count as a share of 1e-4 so that the logarithm stays finite; every term is ≥ 0.
    """
    base = np.asarray(expected, dtype=float)
    current = np.asarray(actual, dtype=float)
    if base.size == 0 or current.size == 0:
        raise ValueError("PSI needs two non-empty samples")
    inner_edges = np.unique(np.quantile(base, np.linspace(0, 1, bins + 1)[1:-1]))
    expected_share = _shares(base, inner_edges)
    actual_share = _shares(current, inner_edges)
    return float(np.sum((actual_share - expected_share) * np.log(actual_share / expected_share)))


def _shares(sample: np.ndarray, inner_edges: np.ndarray) -> np.ndarray:
    """Share of a sample in each bin cut at the inner edges (right-closed), floored to keep logs finite."""
    counts = np.bincount(np.searchsorted(inner_edges, sample, side="left"), minlength=len(inner_edges) + 1)
    return np.maximum(counts / sample.size, PSI_FLOOR)


def _checked(y: ArrayLike, risk: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Outcomes and scores as arrays of equal length holding both classes, or a readable error."""
    outcome = np.asarray(y, dtype=np.int64)
    score = np.asarray(risk, dtype=float)
    if outcome.shape != score.shape:
        raise ValueError(f"outcomes and scores differ in length: {outcome.size} vs {score.size}")
    if not np.isin(outcome, (0, 1)).all():
        raise ValueError("outcomes must be 0 (good) or 1 (bad)")
    if np.unique(outcome).size < 2:
        raise ValueError("AUC and KS need both good and bad outcomes")
    return outcome, score
