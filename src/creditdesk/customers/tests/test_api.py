"""The customers API: list shape, search and paging, numbering, and errors as 422 with the field at fault."""

import pytest
from django.test import Client

from creditdesk.accounts.services import create_api_token
from creditdesk.audit.models import AuditEntry
from creditdesk.customers.models import Customer
from creditdesk.customers.uscc import ALPHABET, uscc_check_character
from creditdesk.testing.factories import CustomerFactory, UserFactory, valid_uscc

CUSTOMER_FIELDS = {
    "id", "code", "external_id", "name", "local_name", "uscc", "registration_number", "tax_number", "country",
    "industry", "size", "founded_on", "address", "language", "currency", "payment_terms_days", "owner", "analyst",
    "collector", "status", "parent_id", "created_at", "updated_at",
}


@pytest.fixture
def api(manager):
    _token, plain = create_api_token(manager, manager, "tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def three(db):
    sales = UserFactory(username="li.sales", role="sales")
    return [
        CustomerFactory(code="C000101", name="Eastern Steel Trading", local_name="华东钢铁贸易有限公司",
                        uscc=valid_uscc(424242), external_id="ERP-77", industry="F", owner=sales),
        CustomerFactory(code="K3", name="Alpha Maschinenbau", local_name="", uscc=None, external_id=None,
                        country="DE", industry="C", status="on_hold", currency_id="EUR"),
        CustomerFactory(code="K1", name="Gamma Handel", local_name="", uscc=None, external_id=None, country="DE",
                        industry="F", status="prospect", currency_id="EUR"),
    ]


def test_the_list_has_count_page_page_size_and_items(api, three):
    body = api.get("/api/customers/").json()
    assert set(body) == {"count", "page", "page_size", "items"}
    assert (body["count"], body["page"], body["page_size"]) == (3, 1, 50)
    assert [item["code"] for item in body["items"]] == ["K3", "C000101", "K1"]
    east = body["items"][1]
    assert set(east) == CUSTOMER_FIELDS
    assert {k: v for k, v in east.items() if k not in {"created_at", "updated_at"}} == {
        "id": three[0].pk, "code": "C000101", "external_id": "ERP-77", "name": "Eastern Steel Trading",
        "local_name": "华东钢铁贸易有限公司", "uscc": valid_uscc(424242), "registration_number": "", "tax_number": "",
        "country": "CN", "industry": "F", "size": "", "founded_on": None, "address": "", "language": "zh-hans",
        "currency": "CNY", "payment_terms_days": 30, "owner": "li.sales", "analyst": None, "collector": None,
        "status": "active", "parent_id": None,
    }


@pytest.mark.parametrize(("query", "expected"), [
    ("search=steel", ["C000101"]),
    ("search=钢铁", ["C000101"]),
    ("search=c0001", ["C000101"]),
    ("search=913100000004", ["C000101"]),
    ("search=ERP-77", ["C000101"]),
    ("search=ERP-7", []),
    ("status=on_hold", ["K3"]),
    ("country=de", ["K3", "K1"]),
    ("industry=F", ["C000101", "K1"]),
    ("country=DE&industry=F", ["K1"]),
    ("sort=-name", ["K1", "C000101", "K3"]),
    ("sort=code", ["C000101", "K1", "K3"]),
    ("sort=status", ["C000101", "K3", "K1"]),
])
def test_the_list_searches_filters_and_sorts(api, three, query, expected):
    body = api.get(f"/api/customers/?{query}").json()
    assert [item["code"] for item in body["items"]] == expected
    assert body["count"] == len(expected)


def test_the_list_filters_by_owner(api, three):
    body = api.get(f"/api/customers/?owner_id={three[0].owner_id}").json()
    assert [item["code"] for item in body["items"]] == ["C000101"]


def test_the_list_pages(api, three):
    assert api.get("/api/customers/?page=2&page_size=2").json() | {"items": None} == {
        "count": 3, "page": 2, "page_size": 2, "items": None
    }
    assert [i["code"] for i in api.get("/api/customers/?page=2&page_size=2").json()["items"]] == ["K1"]
    assert api.get("/api/customers/?page=3&page_size=2").json()["items"] == []
    assert api.get("/api/customers/?page_size=500").json()["page_size"] == 500


@pytest.mark.parametrize("query", ["page_size=501", "page_size=0", "page=0", "page=x"])
def test_a_page_out_of_bounds_is_refused(api, three, query):
    response = api.get(f"/api/customers/?{query}")
    assert response.status_code == 422


def test_a_customer_created_over_the_api_is_numbered(api, manager):
    sales = UserFactory(username="li.sales", role="sales")
    response = api.post("/api/customers/", {"name": "Hamburg Maschinen GmbH", "country": "DE", "currency": "eur",
                                            "owner": "li.sales", "reason": "Distributor"},
                        content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    customer = Customer.objects.get()
    assert (body["id"], body["code"], body["currency"], body["owner"], body["status"], body["country"]) == (
        customer.pk, "C000001", "EUR", "li.sales", "prospect", "DE"
    )
    assert customer.owner == sales
    entry = AuditEntry.objects.get(action="customer.create")
    assert (entry.actor, entry.customer_id, entry.reason) == (manager, customer.pk, "Distributor")

    second = api.post("/api/customers/", {"name": "Lyon Textiles", "country": "FR", "currency": "EUR"},
                      content_type="application/json")
    assert second.json()["code"] == "C000002"


def test_a_refused_customer_gets_422_with_the_field_at_fault(api):
    body = valid_uscc(31)[:17]
    expected = uscc_check_character(body)
    wrong = ALPHABET[(ALPHABET.index(expected) + 1) % len(ALPHABET)]
    response = api.post("/api/customers/", {"name": "Bad Code Co", "country": "CN", "uscc": body + wrong},
                        content_type="application/json")
    message = f"Wrong check character “{wrong}”: for {body} it should be “{expected}”."
    assert response.status_code == 422
    assert response.json() == {"detail": message, "errors": {"uscc": [message]}}
    assert not Customer.objects.exists()


def test_a_customer_sent_without_a_currency_is_invoiced_in_cny(api):
    response = api.post("/api/customers/", {"name": "Shenzhen Prospect Co", "country": "CN"},
                        content_type="application/json")
    assert response.status_code == 201, response.content
    assert (response.json()["currency"], Customer.objects.get().currency_id) == ("CNY", "CNY")


def test_a_missing_name_is_refused_by_the_schema(api):
    response = api.post("/api/customers/", {"country": "DE"}, content_type="application/json")
    assert response.status_code == 422
    assert not Customer.objects.exists()


def test_patch_changes_only_what_is_sent(api, three):
    east = three[0]
    response = api.patch(f"/api/customers/{east.pk}", {"address": "1 Nanjing Road", "payment_terms_days": 60},
                         content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["address"], response.json()["payment_terms_days"], response.json()["owner"]) == (
        "1 Nanjing Road", 60, "li.sales"
    )
    assert AuditEntry.objects.get(action="customer.update").changes == {
        "address": ["", "1 Nanjing Road"], "payment_terms_days": [30, 60]
    }


def test_patch_with_an_unknown_owner_is_refused(api, three):
    east = three[0]
    response = api.patch(f"/api/customers/{east.pk}", {"owner": "ghost"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {"detail": "No user “ghost”.", "errors": {"owner": ["No user “ghost”."]}}
    east.refresh_from_db()
    assert east.owner.username == "li.sales"


def test_patch_making_a_group_circle_is_refused(api):
    top = CustomerFactory(code="G1")
    mid = CustomerFactory(code="G2", parent=top)
    leaf = CustomerFactory(code="G3", parent=mid)
    response = api.patch(f"/api/customers/{top.pk}", {"parent_id": leaf.pk}, content_type="application/json")
    message = "This parent would make the group a circle."
    assert response.status_code == 422
    assert response.json() == {"detail": message, "errors": {"parent": [message]}}
    top.refresh_from_db()
    assert top.parent_id is None

    other = CustomerFactory(code="G9")
    response = api.patch(f"/api/customers/{leaf.pk}", {"parent_id": other.pk}, content_type="application/json")
    assert (response.status_code, response.json()["parent_id"]) == (200, other.pk)


def test_the_openapi_schema_lists_the_customer_paths(manager):
    client = Client()
    client.force_login(manager)
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/customers/", "/api/customers/{customer_id}", "/api/customers/{customer_id}/contacts",
        "/api/customers/{customer_id}/communications", "/api/customers/{customer_id}/documents",
        "/api/customers/{customer_id}/documents/{document_id}/file",
    } <= set(paths)
    assert {"get", "post"} <= set(paths["/api/customers/"])
    assert {"get", "patch"} <= set(paths["/api/customers/{customer_id}"])


def test_the_api_docs_render_for_a_logged_in_user(manager):
    client = Client()
    client.force_login(manager)
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "/api/openapi.json" in response.content.decode()
