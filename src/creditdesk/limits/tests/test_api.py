"""`POST /api/credit-checks` as the ERP calls it, and the blocked-order queue's release and reject."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from creditdesk.accounts.services import create_api_token
from creditdesk.customers.choices import CustomerStatus
from creditdesk.limits.models import CreditLimit, LimitStatus
from creditdesk.testing.factories import CustomerFactory, UserFactory


def client_for(user, language: str = "en") -> Client:
    _token, plain = create_api_token(user, user, "erp")
    return Client(headers={"Authorization": f"Bearer {plain}", "Accept-Language": language})


@pytest.fixture
def customer(db):
    seller = UserFactory(username="li.sales", role="sales")
    customer = CustomerFactory(code="C000001", external_id="SAP-77", status=CustomerStatus.ACTIVE, owner=seller)
    CreditLimit.objects.create(customer=customer, amount=Decimal("100000.00"), currency_id="CNY",
                               valid_from=timezone.localdate() - dt.timedelta(days=1), status=LimitStatus.ACTIVE,
                               justification="test", requested_by=seller, approver_roles="credit_manager")
    return customer


def post_check(client: Client, **body):
    return client.post("/api/credit-checks/", {"customer": "SAP-77", "order_reference": "SO-1", **body},
                       content_type="application/json")


def test_the_erp_gets_a_decision_with_reasons_and_figures(analyst, customer):
    response = post_check(client_for(analyst), amount="120000.00")
    assert response.status_code == 200
    assert response.json() | {"id": 0} == {
        "id": 0, "customer_id": customer.pk, "order_reference": "SO-1", "amount": "120000.00", "currency": "CNY",
        "decision": "blocked", "status": "blocked",
        "reasons": [{"code": "over_limit", "text": "The order is more than the available credit of 100,000.00 CNY."}],
        "limit": "100000.00", "exposure": "0.00", "available": "100000.00", "functional_currency": "CNY",
        "override_reason": ""}


def test_the_reasons_come_in_the_callers_language(analyst, customer):
    body = post_check(client_for(analyst, "zh-hans"), amount="120000.00").json()
    assert body["reasons"][0]["text"] == "订单金额超过可用额度 100,000.00 CNY。"


def test_a_quotation_is_simulated_and_an_order_reserved(analyst, customer):
    client = client_for(analyst)
    quote = post_check(client, order_reference="Q-1", amount="60000.00", simulate=True).json()
    assert (quote["id"], quote["decision"]) == (None, "approved")
    order = post_check(client, amount="60000.00").json()
    assert (order["decision"], order["status"]) == ("approved", "reserved")
    assert post_check(client, order_reference="SO-2", amount="30000.00").json()["exposure"] == "60000.00"


def test_the_credit_manager_releases_a_blocked_order_from_the_queue(analyst, manager, customer):
    blocked = post_check(client_for(analyst), amount="150000.00").json()
    queue = client_for(manager).get("/api/credit-checks/?status=blocked").json()
    assert [item["id"] for item in queue["items"]] == [blocked["id"]]
    assert client_for(analyst).post(f"/api/credit-checks/{blocked['id']}/release", {"reason": "ok"},
                                    content_type="application/json").status_code == 403
    released = client_for(manager).post(f"/api/credit-checks/{blocked['id']}/release",
                                        {"reason": "Parent guarantee", "valid_until": "2026-12-31"},
                                        content_type="application/json").json()
    assert (released["status"], released["override_reason"]) == ("released", "Parent guarantee")


def test_who_may_ask(customer):
    seller = customer.owner
    assert post_check(client_for(seller), amount="1.00").status_code == 403
    assert client_for(seller).get("/api/credit-checks/").status_code == 200
    assert Client().post("/api/credit-checks/", {}, content_type="application/json").status_code == 401
    other = UserFactory(username="ma.sales", role="sales")
    assert client_for(other).get("/api/credit-checks/").json()["count"] == 0


def test_an_unknown_customer_is_a_404_and_a_bad_amount_a_422(analyst, customer):
    client = client_for(analyst)
    assert post_check(client, customer="NOPE", amount="1.00").status_code == 404
    assert post_check(client, amount="-5").status_code == 422


def test_a_limit_requested_and_approved_over_the_api(analyst, manager, db):
    CustomerFactory(code="C000009", external_id="SAP-9")
    asked = client_for(analyst).post("/api/limits/", {"customer": "SAP-9", "amount": "2000000.00",
                                                      "justification": "New distribution contract."},
                                     content_type="application/json")
    assert asked.status_code == 201
    body = asked.json()
    assert (body["status"], body["approver_roles"], body["approvals_required"], body["currency"]) == (
        "requested", ["credit_manager"], 1, "CNY")
    refused = client_for(analyst).post(f"/api/limits/{body['id']}/approve", {}, content_type="application/json")
    assert (refused.status_code, refused.json()["detail"]) == (
        403, "You requested this limit; someone else must approve it.")
    assert [item["id"] for item in client_for(manager).get("/api/limits/inbox").json()["items"]] == [body["id"]]
    approved = client_for(manager).post(f"/api/limits/{body['id']}/approve", {"comment": "fine"},
                                        content_type="application/json").json()
    assert (approved["status"], [(a["approver"], a["role"]) for a in approved["approvals"]]) == (
        "active", [("wang.manager", "credit_manager")])
    history = client_for(manager).get("/api/limits/?customer=SAP-9").json()
    assert [(item["amount"], item["status"]) for item in history["items"]] == [("2000000.00", "active")]
