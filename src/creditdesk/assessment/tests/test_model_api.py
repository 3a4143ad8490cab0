"""`/api/assessment/models`: register a trained scorecard, ask for its activation, approve or reject it."""

import pytest

from creditdesk.assessment.model_changes import register_model
from creditdesk.assessment.tests.test_assessment_api import client_for
from creditdesk.assessment.tests.test_scoring_models import trained_card
from creditdesk.testing.factories import UserFactory

KEYS = ("code", "method", "status", "note", "registered_by", "requested_by", "request_reason", "decided_by",
        "decision_reason")


def summary(body: dict) -> tuple:
    return tuple(body[key] for key in KEYS)


def test_a_model_is_registered_asked_for_and_approved(analyst, manager):
    maker, checker = client_for(analyst), client_for(manager)

    created = maker.post("/api/assessment/models/", {"code": "trained-1", "note": "Portfolio 2025.",
                                                     "definition": trained_card()}, content_type="application/json")
    assert created.status_code == 201
    assert summary(created.json()) == ("trained-1", "woe_logistic", "draft", "Portfolio 2025.", analyst.username,
                                       None, "", None, "")
    assert created.json()["definition"]["base_points"] == 600

    asked = maker.post("/api/assessment/models/trained-1/activation", {"reason": "Validates better."},
                       content_type="application/json")
    assert summary(asked.json()) == ("trained-1", "woe_logistic", "requested", "Portfolio 2025.", analyst.username,
                                     analyst.username, "Validates better.", None, "")
    approve = "/api/assessment/models/trained-1/approve"
    assert maker.post(approve, {}, content_type="application/json").status_code == 403

    approved = checker.post(approve, {}, content_type="application/json")
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["decided_by"]) == ("active", manager.username)
    listed = checker.get("/api/assessment/models/?status=active").json()
    assert (listed["count"], [item["code"] for item in listed["items"]]) == (1, ["trained-1"])


def test_a_rejection_needs_its_reason(analyst, manager):
    model = register_model(analyst, "trained-1", trained_card())
    client_for(analyst).post(f"/api/assessment/models/{model.code}/activation", {"reason": "Better."},
                             content_type="application/json")
    checker = client_for(manager)
    refused = checker.post("/api/assessment/models/trained-1/reject", {"reason": ""},
                           content_type="application/json")
    assert (refused.status_code, refused.json()["errors"]) == (422, {"reason": ["Say why the change is rejected."]})
    rejected = checker.post("/api/assessment/models/trained-1/reject", {"reason": "Too few defaults."},
                            content_type="application/json")
    assert (rejected.json()["status"], rejected.json()["decision_reason"]) == ("rejected", "Too few defaults.")


@pytest.mark.parametrize(("role", "read", "register"), [
    ("auditor", 200, 403), ("cfo", 200, 403), ("collector", 403, 403), ("sales", 403, 403)])
def test_who_reads_and_who_registers(db, role, read, register):
    client = client_for(UserFactory(role=role))
    assert client.get("/api/assessment/models/").status_code == read
    created = client.post("/api/assessment/models/", {"code": "x-1", "definition": trained_card()},
                          content_type="application/json")
    assert created.status_code == register


def test_an_unknown_model_is_a_404(analyst):
    assert client_for(analyst).get("/api/assessment/models/nothing").status_code == 404
