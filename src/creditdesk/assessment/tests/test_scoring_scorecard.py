"""The points scorecard: every point traceable to a table row, PD from the documented scaling, saved and reloaded."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from creditdesk.assessment.scoring.additive import BOOSTED, WOE_LOGISTIC, fit_boosted, fit_woe_logistic
from creditdesk.assessment.scoring.challenger import fit_challenger
from creditdesk.assessment.scoring.factors import Factor
from creditdesk.assessment.scoring.metrics import auc
from creditdesk.assessment.scoring.scorecard import Scaling, Scorecard, train_scorecard


def synthetic(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Firms whose risk rises with leverage, falls with margin, is higher when margin is unknown and in mining."""
    rng = np.random.default_rng(seed)
    leverage = rng.lognormal(0.0, 0.5, n)
    margin = rng.normal(0.1, 0.1, n)
    unknown = rng.random(n) < 0.15
    sector = rng.choice(["retail", "mining", "services"], n)
    log_odds = -2.0 + 1.5 * (leverage - 1) - 8 * np.where(unknown, 0.0, margin - 0.1) + 1.2 * unknown
    log_odds += np.where(sector == "mining", 1.0, 0.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-log_odds))).astype(np.int64)
    X = pd.DataFrame({"leverage": leverage, "margin": np.where(unknown, np.nan, margin), "sector": sector})
    return X, y


@pytest.fixture(scope="module")
def sample():
    return synthetic(1200, seed=1)


@pytest.fixture(scope="module")
def card(sample):
    return train_scorecard(*sample, seed=0)


def test_scorecard_ranks_fresh_firms(card):
    X, y = synthetic(1500, seed=2)
    assert auc(y, card.predict_proba(X)) > 0.75
    assert card.details["selection"]["chosen"] in {BOOSTED, WOE_LOGISTIC}
    assert card.method == card.details["selection"]["chosen"]


def test_every_point_comes_from_a_table_row(card, sample):
    X, _ = sample
    table = {(row.factor, row.bin): row.points for row in card.points_table()}
    scores = card.score(X)
    for position in range(25):
        row = X.iloc[position]
        contributions = card.contributions(row.to_dict())
        assert card.base_points + sum(contributions.values()) == scores[position]
        for factor in card.factors:
            label = factor.labels()[factor.codes(X[factor.name].iloc[[position]])[0]]
            assert table[(factor.name, label)] == contributions[factor.name]


def test_pd_follows_the_documented_scaling(card, sample):
    X, _ = sample
    scaling = Scaling()
    assert scaling.probability_of_default(np.array([600.0]))[0] == pytest.approx(1 / 51)
    assert scaling.probability_of_default(np.array([620.0]))[0] == pytest.approx(1 / 101)
    assert scaling.probability_of_default(np.array([scaling.offset]))[0] == pytest.approx(0.5)
    assert np.allclose(card.predict_proba(X), scaling.probability_of_default(card.score(X)))
    assert abs(card.predict_proba(X).mean() - sample[1].mean()) < 0.03


def test_missing_values_have_their_own_bin(card):
    margin = next(factor for factor in card.factors if factor.name == "margin")
    points = dict(zip(margin.labels(), card.points[card.factors.index(margin)], strict=True))
    assert points["missing"] < 0
    assert card.contributions({"leverage": 1.0, "margin": None, "sector": "retail"})["margin"] == points["missing"]


def test_unseen_categories_and_extreme_values(card):
    leverage = card.points[[factor.name for factor in card.factors].index("leverage")]
    extreme = card.contributions({"leverage": 1e12, "margin": 0.1, "sector": "aerospace"})
    assert extreme["leverage"] == leverage[-1] == min(leverage[1:])
    assert extreme["sector"] == 0


def test_saved_and_loaded_scorecard_scores_the_same(card, sample):
    X, _ = sample
    saved = json.loads(json.dumps(card.to_dict()))
    loaded = Scorecard.from_dict(saved)
    assert np.array_equal(loaded.score(X), card.score(X))
    assert np.array_equal(loaded.predict_proba(X), card.predict_proba(X))
    assert loaded.to_dict() == saved
    assert saved["scaling"] == {"base_score": 600.0, "base_odds": 50.0, "pdo": 20.0}


def test_training_is_deterministic(card, sample):
    assert train_scorecard(*sample, seed=0).to_dict() == card.to_dict()


@pytest.mark.parametrize("trainer", [fit_woe_logistic, fit_boosted])
def test_each_trainer_gives_a_working_scorecard(trainer, sample):
    X, y = sample
    fresh_X, fresh_y = synthetic(1500, seed=3)
    scorecard = Scorecard.from_fit(trainer(X, y), X)
    assert auc(fresh_y, scorecard.predict_proba(fresh_X)) > 0.75
    assert {factor.name for factor in scorecard.factors} <= set(X.columns)


def test_woe_trainer_keeps_its_coefficients_and_woe(sample):
    fit = fit_woe_logistic(*sample)
    assert fit.method == WOE_LOGISTIC
    assert fit.details["coefficients"]["leverage"] > 0
    sector = next(factor for factor in fit.factors if factor.name == "sector")
    woe = fit.details["woe"]["sector"]
    assert woe["bins"] == sector.labels()
    assert len(woe["woe"]) == sector.n_bins
    assert woe["woe"][woe["bins"].index("mining")] < 0 < woe["woe"][woe["bins"].index("retail")]


def test_challenger_handles_categories_and_missing(sample):
    X, y = sample
    fresh_X, fresh_y = synthetic(1500, seed=4)
    fresh_X.loc[0, "sector"] = "aerospace"
    assert auc(fresh_y, fit_challenger(X, y).predict_proba(fresh_X)) > 0.75


def test_factor_bins_labels_and_merging():
    numeric = Factor("leverage", "numeric", edges=(1.0, 2.0, 3.0))
    codes = numeric.codes(pd.Series([0.5, 1.0, 2.5, 3.0, math.nan, "n/a"]))
    assert codes.tolist() == [1, 2, 3, 4, 0, 0]
    assert numeric.labels() == ["missing", "< 1", "1 – < 2", "2 – < 3", "≥ 3"]
    merged, points = numeric.merged([-5, 10, 10, 4, 4])
    assert (merged.edges, points) == ((2.0,), [-5, 10, 4])
    sector = Factor("sector", "categorical", groups=(("mining",), ("retail",), ("services",)))
    assert sector.codes(pd.Series(["retail", None, "aerospace", ""])).tolist() == [2, 0, 4, 0]
    merged, points = sector.merged([3, -7, 2, 2, 0])
    assert (merged.groups, points) == ((("mining",), ("retail", "services")), [3, -7, 2, 0])
    assert merged.labels() == ["missing", "mining", "retail, services", "other"]


def test_readable_errors(card, sample):
    X, y = sample
    with pytest.raises(ValueError, match="lacks the scorecard's factors: leverage"):
        card.score(X.drop(columns=["leverage"]))
    with pytest.raises(ValueError, match="not a saved CreditDesk scorecard"):
        Scorecard.from_dict({"format": "something else"})
    broken = card.to_dict()
    broken["factors"][0]["points"].append(1)
    with pytest.raises(ValueError, match="points for"):
        Scorecard.from_dict(broken)
    few = y.copy()
    few[np.flatnonzero(few)[5:]] = 0
    with pytest.raises(ValueError, match="at least 10 bad and 10 good rows; found 5 bad"):
        train_scorecard(X, few)


def test_the_training_rows_are_kept_as_the_development_profile(card, sample):
    """1,200 rows over the score deciles and each factor's bins: what drift is measured against."""
    X, _ = sample
    profile = card.development
    assert profile["rows"] == 1200
    assert (sum(profile["score_counts"]), len(profile["score_counts"])) == (1200, len(profile["score_edges"]) + 1)
    assert profile["score_counts"] == [120, 120, 129, 126, 125, 105, 120, 115, 126, 114]  # ties keep some apart
    assert {name: sum(counts) for name, counts in profile["factor_counts"].items()} == {
        "leverage": 1200, "margin": 1200, "sector": 1200}
    assert profile["factor_counts"]["margin"][0] == int(X["margin"].isna().sum()) == 195


def test_inputs_nobody_has_a_value_for_train_both_models(sample):
    """A factor nobody answered and a figure nobody has (an empty column of a file) carry no points."""
    X, y = sample
    blank = X.assign(legal_events=pd.Series([None] * len(X), dtype=object), broken_promises=np.nan)
    card = train_scorecard(blank, y, seed=0)
    assert {"legal_events", "broken_promises"}.isdisjoint(factor.name for factor in card.factors)
    challenger = fit_challenger(blank, y)
    assert (challenger.columns, challenger.predict_proba(blank.head(3)).shape) == (
        ["leverage", "margin", "sector"], (3,))
