"""Drift of the scorecard: the PSI of today's scores and factor points against the card's first month."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from creditdesk.assessment.drift import category_psi, drift, trained_drift, verdict
from creditdesk.assessment.models import CreditAssessment
from creditdesk.assessment.scoring.scorecard import Scorecard
from creditdesk.assessment.tests.test_scoring_models import trained_card
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal


def assessed(customer, score: str, points: int, days_ago: int, runner) -> CreditAssessment:
    made = CreditAssessment.objects.create(
        customer=customer, model_version="expert-1", score=D(score), rating=5, pd=D("0.01"), terms_days=60,
        contributions=[{"code": "z_score", "points": points}], run_by=runner)
    CreditAssessment.objects.filter(pk=made.pk).update(run_at=timezone.now() - dt.timedelta(days=days_ago))
    return made


def test_category_psi_by_hand():
    """Half 80 and half 40 before, a quarter 80 and three quarters 40 now:
    (0.25 − 0.5)·ln(0.25/0.5) + (0.75 − 0.5)·ln(0.75/0.5) = 0.1733 + 0.1014 = 0.2747."""
    assert category_psi([80, 40], [80, 40, 40, 40]) == D("0.2747")
    assert category_psi([80, 40], [40, 80]) == D("0.0000")


def test_the_same_population_has_not_drifted_and_a_worse_one_has(db):
    runner = UserFactory()
    customers = [CustomerFactory() for _ in range(10)]
    for n, customer in enumerate(customers):
        assessed(customer, str(40 + n * 5), 80 if n % 2 else 40, 100, runner)
    unchanged = drift("expert-1")
    assert (unchanged.development, unchanged.current, unchanged.overall, unchanged.factors) == (
        10, 10, D("0.0000"), {"z_score": D("0.0000")})
    for customer in customers:
        assessed(customer, "30", 40, 1, runner)
    moved = drift("expert-1")
    assert (moved.development, moved.current, verdict(moved.overall)) == (10, 10, "shifted")
    # all at 40 now, half before: (1 − 0.5)·ln(1/0.5) + (0.0001 − 0.5)·ln(0.0001/0.5) = 0.3466 + 4.2577
    assert moved.factors["z_score"] == D("4.6043")


def test_no_assessments_no_drift(db):
    assert drift("expert-1").overall is None and verdict(None) == ""


def test_a_trained_card_drifts_against_its_training_rows(analyst):
    """Training rows: half the scores up to 595, half above; current ratio half in 1 – < 2, half ≥ 2; management half
    strong, half adequate or weak. Now three of four score 592 with a current ratio in 1 – < 2 and all four are
    adequate: scores and current ratio (0.75 − 0.5)·ln(1.5) + (0.25 − 0.5)·ln(0.5) = 0.2747; management
    (0.0001 − 0.5)·ln(0.0001 / 0.5) + (1 − 0.5)·ln(2) = 4.2577 + 0.3466 = 4.6043."""
    card = Scorecard.from_dict(trained_card(development={
        "rows": 4, "score_edges": [595.0], "score_counts": [2, 2],
        "factor_counts": {"current_ratio": [0, 0, 2, 2], "management_quality": [0, 2, 2, 0]}}))
    for score, ratio_bin in [("592", "1 – < 2"), ("592", "1 – < 2"), ("592", "1 – < 2"), ("615", "≥ 2")]:
        CreditAssessment.objects.create(
            customer=CustomerFactory(), model_version="trained-1", score=D(score), rating=7, pd=D("0.02571"),
            terms_days=30, run_by=analyst, contributions=[
                {"code": "current_ratio", "bin": ratio_bin, "points": 0},
                {"code": "management_quality", "bin": "adequate, weak", "points": -8}])

    found = trained_drift("trained-1", card)

    assert (found.development, found.current, found.overall) == (4, 4, D("0.2747"))
    assert found.factors == {"current_ratio": D("0.2747"), "management_quality": D("4.6043")}
    assert verdict(found.factors["management_quality"]) == "shifted"


def test_a_model_file_without_training_profile_shows_no_drift(analyst):
    found = trained_drift("trained-1", Scorecard.from_dict(trained_card()))
    assert (found.development, found.current, found.overall, found.factors) == (0, 0, None, {})
