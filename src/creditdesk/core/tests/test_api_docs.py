"""The API's OpenAPI document and docs page: for people signed in and systems with a token, nobody else."""

import pytest
from django.test import Client

from creditdesk.accounts.services import create_api_token
from creditdesk.testing.factories import UserFactory

DOCS = ["/api/docs", "/api/openapi.json"]


@pytest.mark.parametrize("url", DOCS)
def test_anonymous_visitors_are_sent_to_the_login_page(db, url):
    response = Client().get(url)
    assert (response.status_code, response["Location"]) == (302, f"/login/?next={url}")


@pytest.mark.parametrize("url", DOCS)
def test_a_signed_in_user_reads_them(db, url):
    client = Client()
    client.force_login(UserFactory(role="auditor"))
    assert client.get(url).status_code == 200


def test_a_system_with_a_token_fetches_the_openapi_document(db):
    user = UserFactory(role="credit_analyst")
    _token, plain = create_api_token(user, user, "erp")
    response = Client(headers={"Authorization": f"Bearer {plain}"}).get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/customers/" in response.json()["paths"]


def test_a_wrong_token_gets_the_login_page(db):
    response = Client(headers={"Authorization": "Bearer cd_wrong"}).get("/api/openapi.json")
    assert response.status_code == 302
