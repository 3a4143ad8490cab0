"""The challenger: gradient-boosted trees with interactions (scikit-learn), to show what the scorecard leaves out.

HistGradientBoostingClassifier handles missing values natively (each split learns where they go) and
categorical columns through its own categorical splits. The settings below were tried against the
Polish bankruptcy data (10-fold CV, seed 0) and kept because they reached the quality floor there;
a single thread is used because on data this small the thread start-up costs more than it saves.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

from creditdesk.assessment.scoring.factors import category_text, is_numeric

MAX_CATEGORIES = 250


@dataclass
class Challenger:
    """A fitted boosted-trees model and the category lists it encoded its text columns with."""

    model: HistGradientBoostingClassifier
    columns: list[str]
    categories: dict[str, list[str]] = field(default_factory=dict)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probability of default (bad) of every row."""
        with threadpool_limits(limits=1):
            return self.model.predict_proba(_encode(X, self.columns, self.categories))[:, 1]


def fit_challenger(X: pd.DataFrame, y: np.ndarray, seed: int = 0) -> Challenger:
    """Fit the boosted trees with fixed settings and a fixed seed, so reruns give the same model."""
    columns = [name for name in X.columns if _has_values(X[name])]  # the trees cannot bin an empty column
    categories = {name: _category_list(X[name]) for name in columns if not is_numeric(X[name])}
    model = HistGradientBoostingClassifier(
        learning_rate=0.1,
        max_iter=100,
        max_leaf_nodes=31,
        min_samples_leaf=20,
        early_stopping=False,
        categorical_features=[name in categories for name in columns] or None,
        random_state=seed,
    )
    with threadpool_limits(limits=1):
        model.fit(_encode(X, columns, categories), y)
    return Challenger(model, columns, categories)


def _has_values(column: pd.Series) -> bool:
    """Whether any row holds a value: a number, or a category that is not blank."""
    if is_numeric(column):
        return bool(pd.to_numeric(column, errors="coerce").notna().any())
    return bool(_category_list(column))


def _category_list(column: pd.Series) -> list[str]:
    """The sorted categories of a text column, at most the most frequent MAX_CATEGORIES (the trees' limit)."""
    counts = pd.Series([category_text(value) for value in column]).replace("", None).value_counts()
    return sorted(str(category) for category in counts.index[:MAX_CATEGORIES])


def _encode(X: pd.DataFrame, columns: list[str], categories: dict[str, list[str]]) -> np.ndarray:
    """Numbers as they are; categories as their index in the training list (unseen or missing → NaN)."""
    encoded = {}
    for name in columns:
        if name in categories:
            index = {category: float(position) for position, category in enumerate(categories[name])}
            encoded[name] = [index.get(category_text(value) or "", np.nan) for value in X[name]]
        else:
            encoded[name] = pd.to_numeric(X[name], errors="coerce").to_numpy(dtype=float)
    return pd.DataFrame(encoded, columns=columns).to_numpy(dtype=float)
