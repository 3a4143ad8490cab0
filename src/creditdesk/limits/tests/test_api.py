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
        "point": "order", "pending_amount": None, "shipped": "0.00", "invoiced": "0.00", "override_reason": "",
        "noted": False}


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


def test_the_erp_ships_and_invoices_an_order_in_parts(analyst, customer):
    erp = client_for(analyst)
    check_id = post_check(erp, amount="50000.00").json()["id"]
    shipped = erp.post(f"/api/credit-checks/{check_id}/ship", {"amount": "20000.00"}, content_type="application/json")
    assert {k: shipped.json()[k] for k in ("status", "point", "shipped", "invoiced")} == {
        "status": "reserved", "point": "shipment", "shipped": "20000.00", "invoiced": "0.00"}
    invoiced = erp.post(f"/api/credit-checks/{check_id}/invoice", {}, content_type="application/json")
    assert {k: invoiced.json()[k] for k in ("status", "point", "shipped", "invoiced")} == {
        "status": "invoiced", "point": "invoice", "shipped": "20000.00", "invoiced": "50000.00"}


def test_a_shipment_beyond_the_order_is_refused_with_the_amount_left(analyst, customer):
    erp = client_for(analyst)
    check_id = post_check(erp, amount="500.00").json()["id"]
    response = erp.post(f"/api/credit-checks/{check_id}/ship", {"amount": "600.00"}, content_type="application/json")
    assert (response.status_code, response.json()) == (
        422, {"detail": "Between 0.01 and the 500.00 left to ship.",
              "errors": {"amount": ["Between 0.01 and the 500.00 left to ship."]}})


def test_a_shipment_stopped_by_a_hold_waits_in_the_queue(analyst, customer):
    erp = client_for(analyst)
    check_id = post_check(erp, amount="500.00").json()["id"]
    type(customer).objects.filter(pk=customer.pk).update(status=CustomerStatus.ON_HOLD)
    held = erp.post(f"/api/credit-checks/{check_id}/ship", {}, content_type="application/json").json()
    assert {k: held[k] for k in ("decision", "status", "point", "pending_amount", "shipped")} == {
        "decision": "blocked", "status": "blocked", "point": "shipment", "pending_amount": "500.00",
        "shipped": "0.00"}
    queue = erp.get("/api/credit-checks/?status=blocked").json()
    assert [item["id"] for item in queue["items"]] == [check_id]


def test_the_watch_list_holds_orders_approved_to_watch_until_noted(analyst, customer):
    erp = client_for(analyst)
    post_check(erp, amount="10.00", order_reference="SO-0")
    watched = post_check(erp, amount="89990.00").json()
    assert watched["decision"] == "watch"
    assert [item["id"] for item in erp.get("/api/credit-checks/?watch=true").json()["items"]] == [watched["id"]]
    noted = erp.post(f"/api/credit-checks/{watched['id']}/note")
    assert (noted.status_code, noted.json()["noted"]) == (200, True)
    assert erp.get("/api/credit-checks/?watch=true").json()["items"] == []
    again = erp.post(f"/api/credit-checks/{watched['id']}/note")
    assert (again.status_code, again.json()) == (422, {
        "detail": "This order was already noted.", "errors": {"__all__": ["This order was already noted."]}})
