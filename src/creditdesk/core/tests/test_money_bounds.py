"""Every money field of the API takes exactly what a money column holds: the largest amount passes, the first
amount beyond it is refused with a 422 naming the field, and nothing larger can poison the pages that read it.

The fields are found in the OpenAPI document by the one shared money type's bounds, so a new money field is
covered as soon as it exists (and fails here until it has a request below).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from creditdesk.api import api
from creditdesk.assessment.tests.factories import HAND_WORKED, FinancialStatementFactory
from creditdesk.core.bounds import MONEY_MAX
from creditdesk.core.openapi import schema_of
from creditdesk.limits.checks import check_order
from creditdesk.limits.models import CreditLimit, LimitStatus
from creditdesk.testing.clients import api_client, signed_in
from creditdesk.testing.factories import CustomerFactory, UserFactory
from creditdesk.testing.ledger import invoice, payment

LARGEST = str(MONEY_MAX)  # 9999999999999.99
TOO_LARGE = str(MONEY_MAX + Decimal("0.01"))  # 10000000000000.00
BOUND_MESSAGES = ("less than or equal", "greater than or equal", "no more than")
STATEMENT = {line: str(value) for line, value in HAND_WORKED.items()}


def money_fields() -> list[tuple[str, str, str]]:
    """(method, path, field) of every request field or query parameter typed as money."""
    document = api.get_openapi_schema()

    def is_money(schema: dict[str, Any]) -> bool:
        options = schema.get("anyOf", [schema])
        return any(option.get("maximum") == float(MONEY_MAX) or is_money(option)
                   for option in options if option is not schema)

    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            found += [(method, path, p["name"]) for p in operation.get("parameters", []) if is_money(p["schema"])]
            for media in operation.get("requestBody", {}).get("content", {}).values():
                body = schema_of(document, media["schema"])
                found += [(method, path, name) for name, field in body.get("properties", {}).items()
                          if is_money(field)]
    return found


MONEY_FIELDS = money_fields()


@pytest.fixture
def world(db) -> dict[str, Any]:
    admin = UserFactory(username="root", role="admin", is_superuser=True, is_staff=True)
    customer = CustomerFactory(external_id="SAP-77")
    CreditLimit.objects.create(customer=customer, amount=MONEY_MAX, currency_id="CNY", requested_by=admin,
                               valid_from=timezone.localdate(), status=LimitStatus.ACTIVE, justification="test",
                               approver_roles="credit_manager")
    bill = invoice(customer, "F-1", Decimal("1000.00"), dt.date(2026, 9, 1), due=dt.date(2026, 10, 1))
    cash = payment(customer, "P-1", Decimal("1000.00"), dt.date(2026, 10, 15))
    check = check_order(admin, customer, "SO-1", Decimal("1000.00"), "CNY", False)
    statement = FinancialStatementFactory(customer=customer, entered_by=admin, period_end=dt.date(2024, 12, 31))
    return {"admin": admin, "customer": customer.pk, "invoice": bill.pk, "payment": cash.pk, "check": check.pk,
            "statement": statement.pk}


def request_for(method: str, path: str, field: str, amount: str, world: dict[str, Any]) -> tuple[str, dict | None]:
    """The URL and body of a request that is valid but for the amount under test."""
    customer = world["customer"]
    requests: dict[tuple[str, str], tuple[str, dict | None]] = {
        ("get", "/api/exchange-rates/convert"): (
            f"/api/exchange-rates/convert?amount={amount}&from_currency=CNY&to_currency=CNY&on=2026-11-30", None),
        ("post", "/api/receivables/allocations"): (
            "/api/receivables/allocations", {"invoice_id": world["invoice"], "payment_id": world["payment"]}),
        ("post", "/api/credit-checks/"): ("/api/credit-checks/", {"customer": "SAP-77", "order_reference": "SO-9",
                                                                  "simulate": True}),
        ("post", "/api/credit-checks/{check_id}/ship"): (f"/api/credit-checks/{world['check']}/ship", {}),
        ("post", "/api/credit-checks/{check_id}/invoice"): (f"/api/credit-checks/{world['check']}/invoice", {}),
        ("post", "/api/limits/"): ("/api/limits/", {"customer": str(customer), "amount": "1000.00",
                                                    "justification": "Largest customer."}),
        ("post", "/api/assessment/customers/{customer_id}/statements"): (
            f"/api/assessment/customers/{customer}/statements",
            {**STATEMENT, "period_end": "2025-12-31", "source": "annual_report"}),
        ("patch", "/api/assessment/statements/{statement_id}"): (
            f"/api/assessment/statements/{world['statement']}", {"reason": "Restated."}),
        ("post", "/api/collections/promises/"): (
            "/api/collections/promises/", {"customer": customer,
                                           "promised_for": (timezone.localdate() + dt.timedelta(days=7)).isoformat()}),
    }
    url, body = requests[(method, path)]
    return url, None if body is None else {**body, field: amount}


def send(world: dict[str, Any], method: str, path: str, field: str, amount: str):
    url, body = request_for(method, path, field, amount, world)
    client = api_client(world["admin"])
    return client.get(url) if body is None else getattr(client, method)(url, body, content_type="application/json")


def bound_refusals(response, field: str) -> list[str]:
    messages = response.json().get("errors", {}).get(field, []) if response.status_code == 422 else []
    return [m for m in messages if any(bound in m for bound in BOUND_MESSAGES)]


def test_the_money_fields_are_found():
    assert len(MONEY_FIELDS) == 38
    assert ("post", "/api/limits/", "overdue_cap") in MONEY_FIELDS


@pytest.mark.parametrize(("method", "path", "field"), MONEY_FIELDS, ids=[" ".join(f) for f in MONEY_FIELDS])
def test_the_largest_amount_passes_the_bounds(world, method, path, field):
    response = send(world, method, path, field, LARGEST)
    assert response.status_code < 500
    assert bound_refusals(response, field) == []


@pytest.mark.parametrize(("method", "path", "field"), MONEY_FIELDS, ids=[" ".join(f) for f in MONEY_FIELDS])
def test_the_first_amount_beyond_the_column_is_refused(world, method, path, field):
    response = send(world, method, path, field, TOO_LARGE)
    assert response.status_code == 422
    assert bound_refusals(response, field) != []


@pytest.mark.parametrize(("method", "path", "field"), [
    ("post", "/api/limits/", "amount"), ("post", "/api/credit-checks/", "amount"),
    ("post", "/api/collections/promises/", "amount"), ("get", "/api/exchange-rates/convert", "amount")])
def test_where_no_business_rule_stands_in_the_way_the_largest_amount_is_taken(world, method, path, field):
    assert send(world, method, path, field, LARGEST).status_code in (200, 201)


def test_the_largest_limit_is_stored_and_read_back_everywhere(world):
    created = send(world, "post", "/api/limits/", "amount", LARGEST)
    assert (created.status_code, created.json()["amount"]) == (201, "9999999999999.99")
    client = api_client(world["admin"])
    assert client.get(f"/api/limits/{created.json()['id']}").json()["amount"] == "9999999999999.99"
    assert [item["amount"] for item in client.get("/api/limits/?status=requested").json()["items"]] == [
        "9999999999999.99"]
    assert client.get("/api/limits/inbox").status_code == 200
    assert CreditLimit.objects.get(pk=created.json()["id"]).amount == MONEY_MAX
    assert signed_in(world["admin"]).get(f"/customers/{world['customer']}/limits/").status_code == 200


def test_the_amount_that_once_poisoned_the_limit_pages_is_refused(world):
    response = send(world, "post", "/api/limits/", "amount", "9999999999999999.99")
    assert response.status_code == 422
    assert not CreditLimit.objects.filter(status=LimitStatus.REQUESTED).exists()
