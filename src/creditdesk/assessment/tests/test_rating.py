"""Running an assessment: the inputs gathered from the credit file, each factor's points, the class, the limit
recommended for it, and the rating override that needs someone else's approval.

Unless a test says otherwise: a customer with the hand-worked statement (Z'' 3.0772, current ratio 1.6, debt
ratio 0.6, net margin 0.035), five qualitative answers, no ledger and no agency rating.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from creditdesk.assessment.models import CreditAssessment
from creditdesk.assessment.rating import decide_override, request_override, run_assessment
from creditdesk.assessment.tests.factories import ANSWERS
from creditdesk.audit.models import AuditEntry
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal


def test_an_assessment_keeps_its_inputs_points_class_and_recommendation(analyst, customer):
    """16.0 + 7.0 + 7.0 + 2.5 + 5.0 + 3.0 + 3.8 + 3.5 + 5.0 + 7.5 + 2.5 + 5.0 = 67.8 → class 3 (65 – 75), 90 days.

    Class 3: net worth 400,000 × 16 % = 64,000; working capital (400,000 − 250,000) × 25 % = 37,500 binds.
    """
    assessment = run_assessment(analyst, customer)
    assert (assessment.model_version, assessment.score, assessment.rating, assessment.pd, assessment.terms_days) == (
        "expert-1", D("67.8"), 3, D("0.00250"), 90)
    assert assessment.inputs == {
        "z_score": "3.0772", "current_ratio": "1.6000", "debt_ratio": "0.6000", "net_margin": "0.0350",
        **ANSWERS, "days_beyond_terms": None, "days_beyond_terms_trend": None, "share_paid_late": None,
        "open_disputes": 0, "broken_promises": 0, "external_rating": None}
    assert [(c["code"], c["points"], c["contribution"]) for c in assessment.contributions][:4] == [
        ("z_score", 80, "16.0"), ("current_ratio", 70, "7.0"), ("debt_ratio", 70, "7.0"), ("net_margin", 50, "2.5")]
    assert (assessment.recommended_limit, assessment.binding_rule) == (D("37500.00"), "working_capital")
    assert {rule["code"]: (rule["amount"], rule["applies"]) for rule in assessment.recommendation} == {
        "net_worth": ("64000.00", True), "working_capital": ("37500.00", True), "sales": (None, False),
        "rating_cap": ("10000000.00", True), "own_equity": (None, False), "portfolio": (None, False),
        "insurer_cover": (None, False)}
    entry = AuditEntry.objects.get(action="assessment.run")
    assert (entry.actor, entry.changes) == (analyst, {"score": [None, "67.8"], "rating": [None, 3],
                                                      "recommended_limit": [None, "37500.00"]})


def test_a_customer_with_nothing_on_file_is_rated_on_missing_points(analyst):
    assessment = run_assessment(analyst, CustomerFactory())
    assert (assessment.score, assessment.rating, assessment.recommended_limit) == (D("41.0"), 7, D("1000000.00"))


def test_only_keepers_of_credit_files_run_assessments(customer):
    with pytest.raises(PermissionDenied):
        run_assessment(UserFactory(role="sales"), customer)


def test_a_rating_override_needs_a_reason_and_someone_elses_approval(analyst, manager, customer):
    assessment = run_assessment(analyst, customer)
    with pytest.raises(ValidationError):
        request_override(analyst, assessment, 5, "")
    with pytest.raises(ValidationError):
        request_override(analyst, assessment, 3, "Same class.")
    asked = request_override(analyst, assessment, 5, "Main customer went bankrupt last week.")
    assert (asked.override_status, asked.final_rating) == ("requested", 3)
    with pytest.raises(ValidationError) as error:
        decide_override(analyst, asked, approve=True)
    assert error.value.messages == ["The maker of an override cannot approve or reject it."]
    approved = decide_override(manager, asked, approve=True)
    assert (approved.override_status, approved.final_rating, approved.override_decided_by) == ("approved", 5, manager)
    assert list(AuditEntry.objects.filter(action__startswith="assessment.override").order_by("pk").values_list(
        "action", "actor__username", "changes")) == [
        ("assessment.override_request", analyst.username, {"rating": [3, 5]}),
        ("assessment.override_approved", manager.username, {"rating": [3, 5]})]


def test_a_rejected_override_keeps_the_cards_rating_and_the_reason(analyst, manager, customer):
    asked = request_override(analyst, run_assessment(analyst, customer), 2, "Strong parent.")
    with pytest.raises(ValidationError):
        decide_override(manager, asked, approve=False)
    rejected = decide_override(manager, asked, approve=False, reason="No guarantee from the parent.")
    assert (rejected.override_status, rejected.final_rating) == ("rejected", 3)
    assert CreditAssessment.objects.get().override_status == "rejected"
