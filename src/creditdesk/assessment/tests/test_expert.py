"""The expert scorecard on hand-worked factors: each factor's points × weight, the score, the class and its terms."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.assessment.expert import DEFAULT_CARD, DEFAULT_SCALE, RatingClass, rate

D = Decimal

SOUND_COMPANY = {
    "z_score": D("3.0772"),        # 2.6 – 4: 80 points × 0.20 = 16.0
    "current_ratio": D("1.5"),     # 1.2 – 2: 70 × 0.10 = 7.0
    "debt_ratio": D("0.6"),        # 0.5 – 0.7: 70 × 0.10 = 7.0
    "net_margin": D("0.04"),       # 0 – 0.05: 50 × 0.05 = 2.5
    "years_in_business": "over_10",          # 100 × 0.05 = 5.0
    "management_quality": "adequate",        # 60 × 0.05 = 3.0
    "market_position": "established",        # 75 × 0.05 = 3.75 → 3.8
    "industry_risk": "moderate",             # 70 × 0.05 = 3.5
    "legal_events": "none",                  # 100 × 0.05 = 5.0
    "days_beyond_terms": D("8"),   # 5 – 15: 75 × 0.15 = 11.25 → 11.3
    "share_paid_late": D("0.2"),   # 0.1 – 0.3: 70 × 0.05 = 3.5
    "external_rating": None,       # missing: 50 × 0.10 = 5.0
}


def test_a_sound_company_scores_72_6_and_is_rated_3_with_90_days():
    """16.0 + 7.0 + 7.0 + 2.5 + 5.0 + 3.0 + 3.8 + 3.5 + 5.0 + 11.3 + 3.5 + 5.0 = 72.6; 65 ≤ 72.6 < 75: class 3."""
    rated = rate(SOUND_COMPANY)
    assert [(c.code, c.points, c.contribution) for c in rated.contributions] == [
        ("z_score", 80, D("16.0")), ("current_ratio", 70, D("7.0")), ("debt_ratio", 70, D("7.0")),
        ("net_margin", 50, D("2.5")), ("years_in_business", 100, D("5.0")), ("management_quality", 60, D("3.0")),
        ("market_position", 75, D("3.8")), ("industry_risk", 70, D("3.5")), ("legal_events", 100, D("5.0")),
        ("days_beyond_terms", 75, D("11.3")), ("share_paid_late", 70, D("3.5")), ("external_rating", 50, D("5.0"))]
    assert (rated.version, rated.score, rated.rating, rated.pd, rated.terms_days) == (
        "expert-1", D("72.6"), 3, D("0.0025"), 90)
    assert rated.contributions[0].bin == "2.6 – 4"


def test_bin_edges_belong_to_the_bin_above():
    assert rate({"z_score": D("2.6")}).contributions[0].points == 80
    assert rate({"z_score": D("2.5999")}).contributions[0].points == 40
    assert rate({"z_score": D("-3")}).contributions[0].bin == "< 1.1"


def test_a_company_with_nothing_known_gets_each_factors_missing_points():
    """30×.2 + 30×.1 + 30×.1 + 40×.05 + 30×.05 + 50×.05×3 + 60×.05 + 50×.15 + 50×.05 + 50×.1 = 41.0: class 7."""
    rated = rate({"years_in_business": "unknown-answer"})
    assert (rated.score, rated.rating, rated.terms_days) == (D("41.0"), 7, 30)
    assert {c.bin for c in rated.contributions} == {"missing"}


def test_the_default_weights_add_up_to_one_so_scores_run_from_0_to_100():
    assert sum(f.weight for f in DEFAULT_CARD.factors) == 1
    best = {f.code: (next(iter(f.answers)) if f.answers else None) for f in DEFAULT_CARD.factors}
    best |= {"z_score": 5, "current_ratio": 3, "debt_ratio": 0, "net_margin": 1, "days_beyond_terms": 0,
             "share_paid_late": 0, "external_rating": 1}
    assert (rate(best).score, rate(best).rating) == (D("100.0"), 1)


@given(st.decimals(min_value=-50, max_value=50, places=2), st.decimals(min_value=0, max_value=200, places=1))
def test_a_better_z_score_never_makes_the_rating_worse(z, days):
    worse, better = rate({"z_score": z, "days_beyond_terms": days}), rate({"z_score": z + 1, "days_beyond_terms": days})
    assert better.score >= worse.score and better.rating <= worse.rating


def test_a_scale_with_a_gap_below_its_worst_class_is_refused(settings):
    settings.CREDITDESK_RATING_SCALE = (*DEFAULT_SCALE[:-1], RatingClass(10, D("5"), D("0.3"), 0))
    with pytest.raises(ImproperlyConfigured):
        rate({})
