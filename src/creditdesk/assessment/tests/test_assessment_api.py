"""`/api/assessment`: credit assessments (run, list, read) and their rating overrides (request, approve, reject).

The customer has the hand-worked statement and five qualitative answers: 67.8 points, class 3, 37,500.00 binding.
"""

from django.test import Client

from creditdesk.accounts.services import create_api_token
from creditdesk.assessment.models import CreditAssessment
from creditdesk.assessment.rating import run_assessment
from creditdesk.testing.factories import UserFactory


def client_for(user) -> Client:
    _token, plain = create_api_token(user, user, "erp")
    return Client(headers={"Authorization": f"Bearer {plain}", "Accept-Language": "en"})


def test_an_assessment_is_run_listed_and_read(analyst, customer):
    client = client_for(analyst)

    response = client.post(f"/api/assessment/customers/{customer.pk}/assessments")

    assert response.status_code == 201
    body = response.json()
    assessment = CreditAssessment.objects.get()
    assert {key: body[key] for key in ("id", "customer_id", "model_version", "score", "rating", "final_rating", "pd",
                                       "terms_days", "recommended_limit", "binding_rule", "run_by")} == {
        "id": assessment.pk, "customer_id": customer.pk, "model_version": "expert-1", "score": "67.8", "rating": 3,
        "final_rating": 3, "pd": "0.00250", "terms_days": 90, "recommended_limit": "37500.00",
        "binding_rule": "working_capital", "run_by": "chen.analyst"}
    assert body["contributions"][0] == {"code": "z_score", "label": "Altman Z''", "value": "3.0772", "bin": "2.6 – 4",
                                        "points": 80, "weight": "0.20", "contribution": "16.0"}
    rule = body["recommendation"][1]
    assert (rule["code"], rule["amount"], rule["applies"], rule["reason"]) == (
        "working_capital", "37500.00", True, "25 % of current assets less current liabilities.")
    assert body["inputs"]["current_ratio"] == "1.6000"
    assert body["override"] == {"rating": None, "reason": "", "status": "", "requested_by": None, "decided_by": None,
                                "decided_at": None}

    listed = client.get(f"/api/assessment/customers/{customer.pk}/assessments").json()
    assert (listed["count"], listed["page"], listed["page_size"], [item["id"] for item in listed["items"]]) == (
        1, 1, 50, [assessment.pk])
    assert client.get(f"/api/assessment/assessments/{assessment.pk}").json() == body


def test_an_override_is_requested_and_approved_by_someone_else(analyst, manager, customer):
    assessment = run_assessment(analyst, customer)
    url = f"/api/assessment/assessments/{assessment.pk}/override"

    refused = client_for(analyst).post(url, {"rating": 5, "reason": ""}, content_type="application/json")
    assert refused.status_code == 422

    asked = client_for(analyst).post(url, {"rating": 5, "reason": "Main customer went bankrupt."},
                                     content_type="application/json")
    assert asked.status_code == 200
    assert (asked.json()["override"]["status"], asked.json()["override"]["requested_by"],
            asked.json()["final_rating"]) == ("requested", "chen.analyst", 3)

    own = client_for(analyst).post(f"{url}/approve", {}, content_type="application/json")
    assert own.status_code == 422
    assert "The maker of an override cannot approve or reject it." in own.content.decode()

    approved = client_for(manager).post(f"{url}/approve", {}, content_type="application/json")
    assert approved.status_code == 200
    assert (approved.json()["override"]["status"], approved.json()["override"]["decided_by"],
            approved.json()["final_rating"]) == ("approved", "wang.manager", 5)


def test_a_rejection_needs_a_reason(analyst, manager, customer):
    assessment = run_assessment(analyst, customer)
    url = f"/api/assessment/assessments/{assessment.pk}/override"
    client_for(analyst).post(url, {"rating": 2, "reason": "Strong parent."}, content_type="application/json")

    assert client_for(manager).post(f"{url}/reject", {"reason": ""}, content_type="application/json"
                                    ).status_code == 422
    rejected = client_for(manager).post(f"{url}/reject", {"reason": "No guarantee."}, content_type="application/json")

    assert (rejected.status_code, rejected.json()["override"]["status"], rejected.json()["final_rating"]) == (
        200, "rejected", 3)


def test_sales_cannot_read_or_run_assessments(customer):
    seller = UserFactory(role="sales")
    customer.owner = seller
    customer.save()
    client = client_for(seller)
    assert client.get(f"/api/assessment/customers/{customer.pk}/assessments").status_code == 403
    assert client.post(f"/api/assessment/customers/{customer.pk}/assessments").status_code == 403
