"""Stratified k-fold cross-validation of the scorecard and the challenger on the same folds.

Figures are the mean over the folds of each fold's AUC, Gini and KS on its held-out part (the usual
convention; Gini is therefore also 2·mean AUC − 1). Each model is trained on the other folds only, and
the scorecard's choice of trainer is made inside that training part, never on the held-out fold.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from creditdesk.assessment.scoring.challenger import fit_challenger
from creditdesk.assessment.scoring.data import Dataset
from creditdesk.assessment.scoring.metrics import Quality, quality
from creditdesk.assessment.scoring.scorecard import Scorecard, train_scorecard

SCORECARD = "scorecard"
CHALLENGER = "challenger"
MIN_PER_CLASS_AND_FOLD = 2


@dataclass(frozen=True)
class CrossValidation:
    """Mean quality per model over the folds, with the per-fold figures kept for the report."""

    rows: int
    positives: int
    folds: int
    per_fold: dict[str, list[Quality]]

    def mean(self, model: str) -> Quality:
        """Mean AUC, Gini and KS of one model over the folds."""
        figures = self.per_fold[model]
        return Quality(
            auc=float(np.mean([fold.auc for fold in figures])),
            gini=float(np.mean([fold.gini for fold in figures])),
            ks=float(np.mean([fold.ks for fold in figures])),
        )

    def report(self) -> dict[str, Any]:
        """The figures in the shape `scoring cv --json` prints, rounded to four decimals."""
        return {
            "rows": self.rows,
            "positives": self.positives,
            "folds": self.folds,
            "models": {model: self.mean(model).rounded() for model in self.per_fold},
        }


def cross_validate(
    X: pd.DataFrame, y: np.ndarray, folds: int = 10, seed: int = 0, models: tuple[str, ...] = (SCORECARD, CHALLENGER),
) -> CrossValidation:
    """Train and test each model on every fold split of StratifiedKFold(shuffle=True, random_state=seed)."""
    check_folds(y, folds)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    per_fold: dict[str, list[Quality]] = {model: [] for model in models}
    for train, test in splitter.split(X, y):
        X_train, X_test = X.iloc[train], X.iloc[test]
        for model in models:
            risk = _fit_and_predict(model, X_train, y[train], X_test, seed)
            per_fold[model].append(quality(y[test], risk))
    return CrossValidation(rows=len(y), positives=int(y.sum()), folds=folds, per_fold=per_fold)


def train_validated(data: Dataset, source: str, folds: int, seed: int) -> tuple[Scorecard, CrossValidation]:
    """The scorecard trained on every row, carrying the cross-validation report of the same rows: what is saved."""
    card = train_scorecard(data.X, data.y, seed=seed)
    validation = cross_validate(data.X, data.y, folds=folds, seed=seed)
    card.validation = {
        "method": "stratified k-fold cross-validation, mean of fold figures", "seed": seed,
        "data": {"file": source, "target": data.target, "bad": data.bad, "good": data.good},
        **validation.report(),
    }
    return card, validation


def check_folds(y: np.ndarray, folds: int) -> None:
    """Refuse fold counts the data cannot fill with both classes (and an inner hold-out) in every fold."""
    if folds < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, got {folds}")
    smallest = int(min(y.sum(), len(y) - y.sum()))
    if smallest < folds * MIN_PER_CLASS_AND_FOLD:
        raise ValueError(
            f"too few rows of the rarer class ({smallest}) for {folds} folds; "
            f"need at least {folds * MIN_PER_CLASS_AND_FOLD}"
        )


def _fit_and_predict(model: str, X_train: pd.DataFrame, y_train: np.ndarray, X_test: pd.DataFrame,
                     seed: int) -> np.ndarray:
    """PD of the test rows from one model trained on the training rows."""
    if model == SCORECARD:
        return train_scorecard(X_train, y_train, seed=seed).predict_proba(X_test)
    return fit_challenger(X_train, y_train, seed=seed).predict_proba(X_test)
