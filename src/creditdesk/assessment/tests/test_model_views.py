"""The model pages: register a model file on the scorecard page, read its points table and validation, and change
the policy's model through an approved request."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from creditdesk.assessment.model_changes import register_model, request_activation
from creditdesk.assessment.models import ScoringModel
from creditdesk.assessment.rating import run_assessment
from creditdesk.assessment.tests.test_scoring_models import activated, trained_card
from creditdesk.testing.clients import signed_in
from creditdesk.testing.factories import CustomerFactory, UserFactory

VALIDATION = {"method": "stratified k-fold cross-validation, mean of fold figures", "seed": 0,
              "data": {"file": "portfolio.csv", "target": "status", "bad": "bad", "good": "good"},
              "rows": 2400, "positives": 180, "folds": 10,
              "models": {"scorecard": {"auc": 0.8123, "gini": 0.6246, "ks": 0.4801},
                         "challenger": {"auc": 0.8301, "gini": 0.6602, "ks": 0.5010}}}


def upload(definition: object, name: str = "model.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(definition).encode(), content_type="application/json")


def test_a_model_file_is_registered_from_the_scorecard_page(analyst):
    client = signed_in(analyst)
    response = client.post("/assessment/models/", {"code": "trained-1", "note": "Portfolio 2025.",
                                                   "file": upload(trained_card(validation=VALIDATION))}, follow=True)

    assert response.redirect_chain == [("/assessment/models/trained-1/", 302)]
    page = response.content.decode()
    assert "Model trained-1 registered as a draft." in page
    assert "2400 rows of portfolio.csv, 180 bad; 10-fold stratified cross-validation, seed 0." in page
    assert '<td class="num">0.8123</td><td class="num">0.6246</td><td class="num">0.4801</td>' in page
    assert ("A score is 600 base points plus one row of each factor below. 600 points mean odds of 50 good to 1 bad, "
            "and every 20 points double the odds.") in page
    assert '<tr><td>1 – &lt; 2</td><td class="num">0</td></tr>' in page
    assert "Ask for activation</button>" in page
    listed = client.get("/assessment/scorecard/").content.decode()
    assert '<a href="/assessment/models/trained-1/">trained-1</a>' in listed
    assert '<td class="num">0.8123</td>' in listed


def test_a_file_that_is_not_a_model_is_refused_beside_the_form(analyst):
    response = signed_in(analyst).post("/assessment/models/", {"code": "trained-1", "file": upload([1, 2])})
    assert response.status_code == 422
    assert "This is not a scorecard saved by “scoring train”" in response.content.decode()
    broken = signed_in(analyst).post("/assessment/models/", {
        "code": "trained-1", "file": SimpleUploadedFile("m.json", b"{nope", content_type="application/json")})
    assert (broken.status_code, "This file is not readable JSON" in broken.content.decode()) == (422, True)
    assert not ScoringModel.objects.exists()


def test_the_activation_is_asked_for_on_the_page_and_approved_by_someone_else(analyst, manager):
    register_model(analyst, "trained-1", trained_card())
    asked = signed_in(analyst).post("/assessment/models/trained-1/activation", {"reason": "Validates better."},
                                    follow=True)
    assert "Activation requested; it now waits for approval." in asked.content.decode()
    assert 'id="model-decision"' not in asked.content.decode()

    page = signed_in(manager).get("/assessment/models/trained-1/").content.decode()
    assert 'id="model-decision"' in page
    approved = signed_in(manager).post("/assessment/models/trained-1/approve", {}, follow=True)

    assert "The policy&#x27;s model is now this model: it scores every new assessment." in approved.content.decode()
    assert ScoringModel.objects.get().status == "active"
    scorecard = signed_in(analyst).get("/assessment/scorecard/").content.decode()
    assert "The trained model <b>trained-1</b> scores every new assessment" in scorecard


def test_a_refused_step_comes_back_as_a_message(analyst):
    model = register_model(analyst, "trained-1", trained_card())
    request_activation(analyst, model, "Validates better.")
    refused = signed_in(analyst).post("/assessment/models/trained-1/activation", {"reason": "Again."}, follow=True)
    assert "This model is already the policy&#x27;s model or waits for approval." in refused.content.decode()


def test_who_sees_and_who_changes_the_models(analyst):
    register_model(analyst, "trained-1", trained_card())
    auditor = signed_in(UserFactory(role="auditor"))
    assert auditor.get("/assessment/models/trained-1/").status_code == 200
    assert 'id="register-model"' not in auditor.get("/assessment/scorecard/").content.decode()
    assert auditor.post("/assessment/models/trained-1/activation", {"reason": "x"}).status_code == 403
    assert signed_in(UserFactory(role="collector")).get("/assessment/models/trained-1/").status_code == 403
    assert signed_in(analyst).get("/assessment/models/nothing/").status_code == 404


def test_an_assessment_on_the_trained_model_shows_its_base_points_and_centred_bars(analyst, manager):
    """Nothing on file: 600 base points, current ratio missing −5, management missing −3 = 592."""
    activated(analyst, manager)
    customer = CustomerFactory()
    run_assessment(analyst, customer)

    response = signed_in(analyst).get(f"/customers/{customer.pk}/assessment/")

    page = response.content.decode()
    assert '<tr id="base-points"><td colspan="5">Base points</td><td class="num">600.0</td></tr>' in page
    chart = json.loads(response.context["contributions_chart"])
    assert [bar["itemStyle"]["color"] for bar in chart["series"][0]["data"]] == ["#b42318", "#b42318"]


def test_the_policy_model_is_retired_on_its_page_and_the_expert_card_scores_again(analyst, manager):
    activated(analyst, manager)
    page = signed_in(analyst).get("/assessment/models/trained-1/").content.decode()
    assert "Ask to return to the expert card</button>" in page

    signed_in(analyst).post("/assessment/models/trained-1/retirement", {"reason": "Drift above 0.25."})
    retired = signed_in(manager).post("/assessment/models/trained-1/approve", {}, follow=True)

    assert "Model retired: the expert card scores every new assessment." in retired.content.decode()
    assert run_assessment(analyst, CustomerFactory()).model_version == "expert-1"


def test_a_rejected_change_says_the_model_in_force_stays(analyst, manager):
    activated(analyst, manager)
    signed_in(analyst).post("/assessment/models/trained-1/retirement", {"reason": "Drift above 0.25."})
    refused = signed_in(manager).post("/assessment/models/trained-1/reject", {"reason": "Retrain first."},
                                      follow=True)
    assert "Change rejected: the policy&#x27;s model stays as it was." in refused.content.decode()
    assert ScoringModel.objects.get().status == "active"
