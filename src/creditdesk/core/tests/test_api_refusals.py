"""How the API refuses: 401 with a Bearer challenge without a caller, 400 for a body it cannot read, the same error
shape for every refusal, and an OpenAPI document that lists each status an operation can answer."""

import pytest
from django.test import Client

from creditdesk.api import api
from creditdesk.testing.clients import api_client, signed_in
from creditdesk.testing.factories import CustomerFactory

WRITES = [("post", "/api/customers/"), ("post", "/api/credit-checks/"), ("post", "/api/limits/"),
          ("post", "/api/imports/customers/batch"), ("post", "/api/collections/promises/"),
          ("patch", "/api/customers/1"), ("delete", "/api/accounts/tokens/1")]


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_a_write_without_a_token_is_401_with_a_bearer_challenge(db, method, url):
    response = getattr(Client(HTTP_ACCEPT_LANGUAGE="en"), method)(url, {}, content_type="application/json")
    assert (response.status_code, response["WWW-Authenticate"]) == (401, 'Bearer realm="CreditDesk"')
    assert response.json() == {"detail": "Send a valid token: Authorization: Bearer <token>"}


def test_a_wrong_token_is_401_too(db):
    response = Client(HTTP_AUTHORIZATION="Bearer cd_wrong").post("/api/customers/", {},
                                                                 content_type="application/json")
    assert (response.status_code, response["WWW-Authenticate"]) == (401, 'Bearer realm="CreditDesk"')


def test_a_signed_in_user_still_needs_the_csrf_token_for_a_write(manager):
    client = signed_in(manager)
    client.handler.enforce_csrf_checks = True
    response = client.post("/api/customers/", {"name": "Acme", "country": "DE"}, content_type="application/json")
    assert response.status_code == 403


@pytest.mark.parametrize("url", ["/api/customers/{id}/documents", "/api/imports/customers/file"])
def test_a_multipart_body_without_its_boundary_is_400(manager, url):
    customer = CustomerFactory()
    response = api_client(manager).post(url.format(id=customer.pk), b"--x\r\n", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The upload cannot be read")


def test_a_body_that_is_not_json_is_400(manager):
    response = api_client(manager).post("/api/customers/", b"{not json", content_type="application/json")
    assert response.status_code == 400


def test_a_refusal_by_the_schema_names_the_field_like_a_refusal_by_the_service(manager):
    response = api_client(manager).post("/api/customers/", {"country": "DE"}, content_type="application/json")
    assert (response.status_code, response.json()) == (422, {
        "detail": "name: Field required", "errors": {"name": ["Field required"]}})


def operations() -> list[tuple[str, str, dict]]:
    document = api.get_openapi_schema()
    return [(method, path, operation) for path, methods in document["paths"].items()
            for method, operation in methods.items()]


@pytest.mark.parametrize(("method", "path", "operation"), operations(), ids=lambda value: str(value)[:60])
def test_every_operation_documents_its_refusals(method, path, operation):
    statuses = set(operation["responses"])
    assert {401, 403} <= statuses
    assert "WWW-Authenticate" in operation["responses"][401]["headers"]
    if operation.get("parameters") or operation.get("requestBody"):
        assert 422 in statuses
    if "{" in path:
        assert 404 in statuses
    if operation.get("requestBody"):
        assert 400 in statuses


def test_refusals_share_one_error_schema():
    document = api.get_openapi_schema()
    refusal = document["paths"]["/api/customers/{customer_id}"]["patch"]["responses"][422]
    assert refusal["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    assert document["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]


def test_an_operation_keeps_a_refusal_it_declares_itself(manager):
    document = api_client(manager).get("/api/openapi.json").json()
    refusal = document["paths"]["/api/imports/{kind}/file"]["post"]["responses"]["422"]
    assert refusal["content"]["application/json"]["schema"] != {"$ref": "#/components/schemas/ErrorOut"}
