"""AUC, Gini, KS and PSI: hand-worked values and the properties every score sample must satisfy."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from creditdesk.assessment.scoring.metrics import auc, gini, ks, psi, quality

scores = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@st.composite
def labelled_scores(draw: st.DrawFn) -> tuple[list[int], list[float]]:
    """Outcomes holding both classes, with one score each."""
    outcomes = draw(st.lists(st.sampled_from([0, 1]), min_size=2, max_size=60).filter(lambda y: 0 < sum(y) < len(y)))
    return outcomes, draw(st.lists(scores, min_size=len(outcomes), max_size=len(outcomes)))


def test_hand_worked_auc_gini_ks():
    # pairs (bad, good): 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes → 3 of 4
    y, risk = [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]
    assert auc(y, risk) == 0.75
    assert gini(y, risk) == 0.5
    # cumulative shares at 0.1: goods 1/2, bads 0 → gap 0.5 (also at 0.4: goods 1, bads 1/2)
    assert ks(y, risk) == 0.5
    assert quality(y, risk).rounded() == {"auc": 0.75, "gini": 0.5, "ks": 0.5}


def test_ties_count_half():
    assert auc([0, 1], [0.5, 0.5]) == 0.5
    assert auc([0, 0, 1], [0.2, 0.5, 0.5]) == 0.75


def test_hand_worked_psi():
    # deciles of 0..9 cut into two bins at the median 4.5: expected shares 1/2, 1/2; actual 3/4, 1/4
    # PSI = (3/4 − 1/2)·ln(3/2) + (1/4 − 1/2)·ln(1/2) = ln(3) / 4
    assert psi(range(10), [0, 0, 0, 9], bins=2) == pytest.approx(math.log(3) / 4)


def test_psi_of_a_shifted_sample_shows_drift():
    rng = np.random.default_rng(0)
    development = rng.normal(size=5000)
    assert psi(development, rng.normal(size=5000)) < 0.02
    assert psi(development, rng.normal(loc=1.0, size=5000)) > 0.25


def test_readable_errors():
    with pytest.raises(ValueError, match="both good and bad"):
        auc([1, 1], [0.2, 0.3])
    with pytest.raises(ValueError, match="differ in length"):
        ks([0, 1], [0.2])
    with pytest.raises(ValueError, match="0 \\(good\\) or 1 \\(bad\\)"):
        auc([0, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="non-empty"):
        psi([], [1.0])


@given(labelled_scores())
def test_auc_matches_scikit_learn(sample):
    y, risk = sample
    assert auc(y, risk) == pytest.approx(roc_auc_score(y, risk))


@given(st.integers(min_value=1, max_value=30), st.integers(min_value=1, max_value=30))
def test_perfect_ranking_has_auc_and_ks_one(goods, bads):
    y = [0] * goods + [1] * bads
    risk = list(range(goods + bads))
    assert auc(y, risk) == 1.0
    assert gini(y, risk) == 1.0
    assert ks(y, risk) == 1.0


@given(labelled_scores())
def test_ranges_and_mirror(sample):
    y, risk = sample
    figures = quality(y, risk)
    assert -1.0 <= figures.gini <= 1.0
    assert 0.0 <= figures.ks <= 1.0
    assert auc(y, [-value for value in risk]) == pytest.approx(1 - figures.auc)


@given(st.lists(scores, min_size=1, max_size=80))
def test_psi_of_identical_samples_is_zero(sample):
    assert psi(sample, sample) == 0.0


@given(st.lists(scores, min_size=1, max_size=80), st.lists(scores, min_size=1, max_size=80))
def test_psi_is_never_negative(expected, actual):
    assert psi(expected, actual) >= 0.0
