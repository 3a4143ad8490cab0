"""Trainers that produce an additive model — log-odds of bad = intercept + Σ one table per factor.

Two ways to learn the tables, both ending in the same `AdditiveFit` that the scorecard turns into points:
- `fit_boosted`: cyclic gradient boosting of single-factor trees (the explainable-boosting idea): every
  round visits each factor in turn and fits a small Newton-step tree on that factor's bins alone, with a
  small learning rate, so each factor's table is the sum of many shallow trees;
- `fit_woe_logistic`: optimal binning with weight of evidence (optbinning) and a logistic regression on
  the WoE values, the classic scorecard.
Missing values have their own bin; extreme values fall into the outer quantile bins; rare defaults are
kept in check by minimum bin and leaf sizes and by L2 regularisation.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from optbinning import OptimalBinning
from sklearn.linear_model import LogisticRegression

from creditdesk.assessment.scoring.factors import MISSING_CODE, Factor, category_text, is_numeric

BOOSTED = "boosted_trees"
WOE_LOGISTIC = "woe_logistic"
StepHook = Callable[[int, np.ndarray], None]


@dataclass
class AdditiveFit:
    """Log-odds of bad as an intercept plus one value per bin of each factor."""

    method: str
    intercept: float
    factors: list[Factor]
    shapes: list[np.ndarray]
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BoostingSettings:
    """Knobs of the boosted trainer; the defaults validated well on the Polish and German data."""

    learning_rate: float = 0.1
    max_rounds: int = 1000
    patience: int = 25
    max_bins: int = 32
    min_leaf: int = 20
    min_category: int = 10
    l2: float = 1.0


@dataclass(frozen=True)
class WoeSettings:
    """Knobs of the WoE + logistic regression trainer."""

    max_prebins: int = 10
    min_bin_share: float = 0.05
    regularisation: float = 1.0


def fit_boosted(
    X: pd.DataFrame,
    y: np.ndarray,
    validation: tuple[pd.DataFrame, np.ndarray] | None = None,
    rounds: int | None = None,
    settings: BoostingSettings = BoostingSettings(),
) -> AdditiveFit:
    """Boost single-factor trees; stop when the validation log-loss stalls, or after exactly `rounds`."""
    factors = [_quantile_factor(name, X[name], settings) for name in X.columns]
    codes = [factor.codes(X[factor.name]) for factor in factors]
    intercept = _base_log_odds(y)
    booster = _Booster(factors, codes, y, intercept, settings)
    if validation is None:
        booster.run(rounds or settings.max_rounds)
        shapes, used = booster.shapes, rounds or settings.max_rounds
    else:
        valid_codes = [factor.codes(validation[0][factor.name]) for factor in factors]
        shapes, used = booster.run_with_stopping(valid_codes, validation[1])
    details = {"learning_rate": settings.learning_rate, "rounds": used, "max_bins": settings.max_bins,
               "min_leaf": settings.min_leaf, "l2": settings.l2}
    return AdditiveFit(BOOSTED, intercept, factors, shapes, details)


class _Booster:
    """The cyclic boosting loop over pre-binned factors; the running log-odds are kept between steps."""

    def __init__(self, factors: list[Factor], codes: list[np.ndarray], y: np.ndarray, intercept: float,
                 settings: BoostingSettings) -> None:
        """Start from the base rate with every table at zero."""
        self.factors, self.codes, self.y, self.settings = factors, codes, y.astype(float), settings
        self.intercept = intercept
        self.counts = [np.bincount(code, minlength=factor.n_bins) for factor, code in zip(factors, codes, strict=True)]
        self.log_odds = np.full(len(y), intercept)
        self.shapes = [np.zeros(factor.n_bins) for factor in factors]

    def run(self, rounds: int) -> None:
        """Boost `rounds` full cycles over the factors."""
        for _ in range(rounds):
            self.cycle()

    def cycle(self, on_step: StepHook | None = None) -> None:
        """One round: a small tree on each factor in turn, each fitted to the residuals the last one left."""
        for index, codes in enumerate(self.codes):
            step = self.settings.learning_rate * self._tree(index)
            self.shapes[index] += step
            self.log_odds += step[codes]
            if on_step is not None:
                on_step(index, step)

    def run_with_stopping(self, valid_codes: list[np.ndarray], valid_y: np.ndarray) -> tuple[list[np.ndarray], int]:
        """Boost until the validation log-loss has not improved for `patience` rounds; keep the best tables."""
        valid_log_odds = np.full(len(valid_y), self.intercept)

        def follow(index: int, step: np.ndarray) -> None:
            valid_log_odds[:] += step[valid_codes[index]]

        best_loss, best_round, best = np.inf, 0, [shape.copy() for shape in self.shapes]
        for round_number in range(1, self.settings.max_rounds + 1):
            self.cycle(follow)
            loss = _log_loss(valid_y, valid_log_odds)
            if loss < best_loss - 1e-9:
                best_loss, best_round, best = loss, round_number, [shape.copy() for shape in self.shapes]
            elif round_number - best_round >= self.settings.patience:
                break
        return best, max(best_round, 1)

    def _tree(self, index: int) -> np.ndarray:
        """Newton values per bin of one small tree on this factor's bins, fitted to the current gradient."""
        factor, codes, counts = self.factors[index], self.codes[index], self.counts[index]
        probability = _sigmoid(self.log_odds)
        gradient = np.bincount(codes, self.y - probability, factor.n_bins)
        hessian = np.bincount(codes, probability * (1 - probability), factor.n_bins)
        values = np.zeros(factor.n_bins)
        l2, min_leaf = self.settings.l2, self.settings.min_leaf
        if factor.kind == "categorical":
            enough = counts >= min_leaf
            values[enough] = gradient[enough] / (hessian[enough] + l2)
            return values
        if counts[MISSING_CODE] >= min_leaf:
            values[MISSING_CODE] = gradient[MISSING_CODE] / (hessian[MISSING_CODE] + l2)
        values[1:] = _stump(gradient[1:], hessian[1:], counts[1:], l2, min_leaf)
        return values


def _stump(gradient: np.ndarray, hessian: np.ndarray, counts: np.ndarray, l2: float, min_leaf: int) -> np.ndarray:
    """Values of the best single split of ordered bins (two leaves), or zeros when no split is allowed.

    A plain loop: on a few dozen bins it beats numpy's per-call overhead, and it runs 64 times a round.
    """
    g, h, n = gradient.tolist(), hessian.tolist(), counts.tolist()
    total_g, total_h, total_n = sum(g), sum(h) + 2 * l2, sum(n)
    best_gain, split, left_g, left_h = -1.0, 0, 0.0, 0.0
    running_g, running_h, running_n = 0.0, l2, 0
    for position in range(len(g) - 1):
        running_g += g[position]
        running_h += h[position]
        running_n += n[position]
        if running_n < min_leaf or total_n - running_n < min_leaf:
            continue
        right_g = total_g - running_g
        gain = running_g * running_g / running_h + right_g * right_g / (total_h - running_h)
        if gain > best_gain:
            best_gain, split, left_g, left_h = gain, position + 1, running_g, running_h
    if split == 0:
        return np.zeros(len(g))
    leaves = [left_g / left_h, (total_g - left_g) / (total_h - left_h)]
    return np.repeat(leaves, [split, len(g) - split])


def _quantile_factor(name: str, column: pd.Series, settings: BoostingSettings) -> Factor:
    """Bins for boosting: quantiles of a numeric column, or its categories seen at least `min_category` times."""
    if is_numeric(column):
        values = pd.to_numeric(column, errors="coerce").dropna().to_numpy(dtype=float)
        if values.size == 0:
            return Factor(name, "numeric")
        cuts = np.quantile(values, np.linspace(0, 1, settings.max_bins + 1)[1:-1], method="lower")
        edges = np.unique(cuts)
        return Factor(name, "numeric", edges=tuple(float(edge) for edge in edges[edges > values.min()]))
    counts = pd.Series([category_text(value) for value in column]).value_counts()
    kept = sorted(str(category) for category, count in counts.items() if count >= settings.min_category and category)
    return Factor(name, "categorical", groups=tuple((category,) for category in kept))


def fit_woe_logistic(X: pd.DataFrame, y: np.ndarray, settings: WoeSettings = WoeSettings()) -> AdditiveFit:
    """Optimal WoE binning per factor (optbinning), then a logistic regression on the WoE of each bin."""
    factors = [_optimal_factor(name, X[name], y, settings) for name in X.columns]
    codes = [factor.codes(X[factor.name]) for factor in factors]
    evidence = [_bad_evidence(factor, code, y) for factor, code in zip(factors, codes, strict=True)]
    design = np.column_stack([table[code] for table, code in zip(evidence, codes, strict=True)])
    model = LogisticRegression(C=settings.regularisation, max_iter=2000).fit(design, y)
    coefficients = model.coef_[0]
    shapes = [coefficient * table for coefficient, table in zip(coefficients, evidence, strict=True)]
    details = {
        "regularisation": settings.regularisation,
        "coefficients": {factor.name: float(value) for factor, value in zip(factors, coefficients, strict=True)},
        "woe": {factor.name: {"bins": factor.labels(), "woe": [-float(value) for value in table]}
                for factor, table in zip(factors, evidence, strict=True)},
    }
    return AdditiveFit(WOE_LOGISTIC, float(model.intercept_[0]), factors, shapes, details)


def _optimal_factor(name: str, column: pd.Series, y: np.ndarray, settings: WoeSettings) -> Factor:
    """Bins chosen by optbinning's optimal binning (monotone where the data allows) for one factor."""
    numeric = is_numeric(column)
    values = pd.to_numeric(column, errors="coerce") if numeric else pd.Series([category_text(v) for v in column])
    if values.dropna().nunique() < 2:
        return Factor(name, "numeric") if numeric else Factor(name, "categorical", groups=_singletons(values))
    binning = OptimalBinning(
        name=name, dtype="numerical" if numeric else "categorical", monotonic_trend="auto_heuristic",
        max_n_prebins=settings.max_prebins, min_bin_size=settings.min_bin_share,
    )
    binning.fit(values.to_numpy(dtype=float if numeric else object), y)
    if numeric:
        return Factor(name, "numeric", edges=tuple(float(edge) for edge in binning.splits))
    groups = tuple(tuple(sorted(str(category) for category in group)) for group in binning.splits)
    return Factor(name, "categorical", groups=groups)


def _singletons(values: pd.Series) -> tuple[tuple[str, ...], ...]:
    """Every category seen as its own group."""
    return tuple((str(category),) for category in sorted(values.dropna().unique()))


def _bad_evidence(factor: Factor, codes: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Log of (bad share / good share) per bin, i.e. −WoE, with half-count smoothing; empty bins are 0."""
    bads = np.bincount(codes, y, factor.n_bins)
    goods = np.bincount(codes, 1 - y, factor.n_bins)
    evidence = np.log(((bads + 0.5) / (bads.sum() + 0.5)) / ((goods + 0.5) / (goods.sum() + 0.5)))
    evidence[(bads + goods) == 0] = 0.0
    return evidence


def _base_log_odds(y: np.ndarray) -> float:
    """Log-odds of the bad rate, the starting point of boosting."""
    rate = float(np.clip(np.mean(y), 1e-6, 1 - 1e-6))
    return float(np.log(rate / (1 - rate)))


def _sigmoid(log_odds: np.ndarray) -> np.ndarray:
    """Probability from log-odds (plain numpy; faster than scipy's expit on arrays this size)."""
    return 1.0 / (1.0 + np.exp(-log_odds))


def _log_loss(y: np.ndarray, log_odds: np.ndarray) -> float:
    """Mean binary cross-entropy written on log-odds, stable for extreme values."""
    return float(np.mean(np.logaddexp(0, log_odds) - y * log_odds))
