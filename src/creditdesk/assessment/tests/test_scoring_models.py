"""A trained scorecard becomes the policy's model only through an approved change, then scores the assessments.

The hand-built card: base 600 points; current ratio < 1 → −20, 1 – < 2 → 0, ≥ 2 → +15, missing −5; management
strong +10, adequate or weak −8, another answer 0, missing −3. Scaling 600 points at odds 50:1, 20 points to double:
factor 28.8539, offset 487.1229, PD = 1 / (1 + exp((score − offset) / factor)).
"""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from creditdesk.assessment.model_changes import (
    decide_change,
    register_model,
    request_activation,
    request_retirement,
)
from creditdesk.assessment.models import ModelStatus, ScoringModel
from creditdesk.assessment.rating import run_assessment
from creditdesk.assessment.scoring.factors import Factor
from creditdesk.assessment.scoring.scorecard import Scorecard
from creditdesk.audit.models import AuditEntry
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal


def trained_card(**changes) -> dict:
    """The hand-built card as `scoring train` saves it."""
    card = Scorecard(
        method="woe_logistic", base_points=600,
        factors=[Factor("current_ratio", "numeric", edges=(1.0, 2.0)),
                 Factor("management_quality", "categorical", groups=(("strong",), ("adequate", "weak")))],
        points=[[-5, -20, 0, 15], [-3, 10, -8, 0]])
    return {**card.to_dict(), **changes}


@pytest.fixture
def cfo(db):
    return UserFactory(username="cfo", role="cfo")


def activated(analyst, approver, code: str = "trained-1") -> ScoringModel:
    model = register_model(analyst, code, trained_card(), "Portfolio 2023–2025, 90 days past due.")
    request_activation(analyst, model, "Validates better than the expert card.")
    return decide_change(approver, model, approve=True)


def test_a_registered_model_is_a_draft_and_the_expert_card_keeps_scoring(analyst, customer):
    model = register_model(analyst, "trained-1", trained_card(), " Portfolio 2023–2025. ")

    assert (model.status, model.method, model.note, model.registered_by) == (
        "draft", "woe_logistic", "Portfolio 2023–2025.", analyst)
    assert model.definition["factors"][0] == {"name": "current_ratio", "kind": "numeric", "edges": [1.0, 2.0],
                                              "bins": ["missing", "< 1", "1 – < 2", "≥ 2"], "points": [-5, -20, 0, 15]}
    assert run_assessment(analyst, customer).model_version == "expert-1"
    entry = AuditEntry.objects.get(action="scoring_model.register")
    assert (entry.actor, entry.changes) == (analyst, {"status": [None, "draft"], "method": [None, "woe_logistic"]})


def test_once_approved_the_trained_model_scores_every_point_from_its_tables(analyst, manager, customer):
    """Current ratio 1.6 → 0, management adequate → −8: 592 points, PD 0.02571 → class 7 (PD 0.04), 30 days."""
    activated(analyst, manager)

    assessment = run_assessment(analyst, customer)

    assert (assessment.model_version, assessment.score, assessment.rating, assessment.pd, assessment.terms_days) == (
        "trained-1", D("592.0"), 7, D("0.02571"), 30)
    assert [(c["code"], c["value"], c["bin"], c["points"], c["contribution"]) for c in assessment.contributions] == [
        ("current_ratio", "1.6000", "1 – < 2", 0, "0"), ("management_quality", "adequate", "adequate, weak", -8, "-8")]


def test_a_customer_with_nothing_on_file_earns_the_missing_points(analyst, manager):
    """600 − 5 − 3 = 592 as well; a trained card never guesses a missing input."""
    activated(analyst, manager)
    assessment = run_assessment(analyst, CustomerFactory())
    assert (assessment.score, [c["bin"] for c in assessment.contributions]) == (D("592.0"), ["missing", "missing"])


def test_a_model_reading_inputs_no_assessment_gathers_is_refused(analyst):
    definition = trained_card()
    definition["factors"][0] = {**definition["factors"][0], "name": "Attr27"}
    with pytest.raises(ValidationError) as error:
        register_model(analyst, "polish-1", definition)
    assert error.value.message_dict == {
        "definition": ["The model reads factors an assessment does not gather: Attr27."]}


@pytest.mark.parametrize(("code", "definition", "message"), [
    ("expert-1", trained_card(), {"code": ["A model with this code already exists."]}),
    ("Trained 1", trained_card(), {"code": ["Use up to 40 lower-case letters, digits, hyphens or underscores."]}),
    ("trained-1", trained_card(format="other"), {"definition": [
        "This is not a scorecard saved by “scoring train”: not a saved CreditDesk scorecard (format or version does "
        "not match)"]}),
])
def test_bad_codes_and_files_are_refused(analyst, code, definition, message):
    with pytest.raises(ValidationError) as error:
        register_model(analyst, code, definition)
    assert error.value.message_dict == message
    assert not ScoringModel.objects.exists()


def test_the_change_needs_a_reason_and_someone_else_with_the_authority(analyst, manager):
    model = register_model(analyst, "trained-1", trained_card())
    with pytest.raises(ValidationError):
        request_activation(analyst, model, " ")
    asked = request_activation(analyst, model, "Validates better.")
    with pytest.raises(ValidationError) as error:
        decide_change(manager, asked, approve=False)
    assert error.value.message_dict == {"reason": ["Say why the change is rejected."]}
    with pytest.raises(PermissionDenied):
        decide_change(UserFactory(role="credit_analyst"), asked, approve=True)

    maker = UserFactory(role="credit_manager")
    own = request_activation(maker, register_model(maker, "trained-2", trained_card()), "Mine.")
    with pytest.raises(ValidationError) as error:
        decide_change(maker, own, approve=True)
    assert error.value.messages == ["The maker of a model change cannot approve or reject it."]


def test_a_rejected_change_leaves_the_expert_card_in_force_and_can_be_asked_again(analyst, manager, customer):
    model = request_activation(analyst, register_model(analyst, "trained-1", trained_card()), "Validates better.")
    rejected = decide_change(manager, model, approve=False, reason="Development sample too small.")
    assert (rejected.status, rejected.decision_reason, rejected.decided_by) == (
        "rejected", "Development sample too small.", manager)
    assert run_assessment(analyst, customer).model_version == "expert-1"
    assert request_activation(analyst, rejected, "Sample now 2,400 customers.").status == "requested"


def test_a_new_policy_model_retires_the_one_in_force(analyst, manager, cfo):
    first = activated(analyst, manager, "trained-1")
    second = activated(analyst, cfo, "trained-2")

    first.refresh_from_db()
    assert (first.status, second.status) == (ModelStatus.RETIRED, ModelStatus.ACTIVE)
    assert first.retired_at is not None
    assert list(AuditEntry.objects.filter(action__startswith="scoring_model.").order_by("pk").values_list(
        "action", "actor__username", "object_id", "changes", "reason")) == [
        ("scoring_model.register", analyst.username, str(first.pk), {"status": [None, "draft"],
                                                                      "method": [None, "woe_logistic"]}, ""),
        ("scoring_model.activation_request", analyst.username, str(first.pk),
         {"status": ["draft", "requested"]}, "Validates better than the expert card."),
        ("scoring_model.activated", manager.username, str(first.pk), {"status": ["requested", "active"]}, ""),
        ("scoring_model.register", analyst.username, str(second.pk), {"status": [None, "draft"],
                                                                       "method": [None, "woe_logistic"]}, ""),
        ("scoring_model.activation_request", analyst.username, str(second.pk),
         {"status": ["draft", "requested"]}, "Validates better than the expert card."),
        ("scoring_model.retired", cfo.username, str(first.pk), {"status": ["active", "retired"]},
         "Replaced by trained-2."),
        ("scoring_model.activated", cfo.username, str(second.pk), {"status": ["requested", "active"]}, ""),
    ]


def test_a_model_in_force_or_waiting_cannot_be_asked_for_again(analyst, manager):
    model = activated(analyst, manager)
    with pytest.raises(ValidationError) as error:
        request_activation(analyst, model, "Again.")
    assert error.value.messages == ["This model is already the policy's model or waits for approval."]


def test_the_policy_model_scores_until_its_retirement_is_approved(analyst, manager, customer):
    model = activated(analyst, manager)
    with pytest.raises(ValidationError) as error:
        request_retirement(analyst, model, "")
    assert error.value.message_dict == {"reason": ["Say why the policy's model should change."]}
    retiring = request_retirement(analyst, model, "Drift above 0.25 for three months.")
    assert (retiring.status, run_assessment(analyst, customer).model_version) == ("retiring", "trained-1")

    kept = decide_change(manager, retiring, approve=False, reason="Retrain first.")
    assert (kept.status, kept.retired_at) == ("active", None)
    retired = decide_change(manager, request_retirement(analyst, kept, "Drift still above 0.25."), approve=True)

    assert (retired.status, retired.retired_at) == ("retired", retired.decided_at)
    assert run_assessment(analyst, customer).model_version == "expert-1"
    assert list(AuditEntry.objects.filter(action__startswith="scoring_model.retire").order_by("pk").values_list(
        "action", "changes", "reason")) == [
        ("scoring_model.retirement_request", {"status": ["active", "retiring"]}, "Drift above 0.25 for three months."),
        ("scoring_model.retirement_rejected", {"status": ["retiring", "active"]}, "Retrain first."),
        ("scoring_model.retirement_request", {"status": ["active", "retiring"]}, "Drift still above 0.25."),
        ("scoring_model.retired", {"status": ["retiring", "retired"]}, ""),
    ]


def test_only_the_policy_model_can_be_retired(analyst):
    with pytest.raises(ValidationError) as error:
        request_retirement(analyst, register_model(analyst, "trained-1", trained_card()), "Not needed.")
    assert error.value.messages == ["Only the policy's model can be retired."]
