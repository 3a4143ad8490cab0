"""Pages and API lists run a fixed number of queries, however many rows they show (no N+1)."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from creditdesk.accounts.services import create_api_token
from creditdesk.audit.services import record_audit
from creditdesk.customers.models import Customer, Document
from creditdesk.testing.clients import signed_in
from creditdesk.testing.factories import CommunicationFactory, ContactFactory, CustomerFactory, UserFactory

TABS = ["overview", "contacts", "documents", "communications", "history"]


@pytest.fixture
def web(manager):
    return signed_in(manager)


def queries(client: Client, url: str, **headers: str) -> int:
    """The queries one request runs, after a first request has warmed every cache."""
    assert client.get(url, headers=headers).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, headers=headers).status_code == 200
    return len(captured)


def add_customers(n: int) -> None:
    """Customers each with their own owner, analyst and collector, so a lazy lookup would show."""
    for _ in range(n):
        CustomerFactory(owner=UserFactory(role="sales"), analyst=UserFactory(), collector=UserFactory())


def test_the_customer_list_page_runs_the_same_queries_for_5_and_60_customers(web, django_assert_num_queries):
    add_customers(5)
    expected = queries(web, "/customers/")
    add_customers(55)
    with django_assert_num_queries(expected):
        response = web.get("/customers/")
    assert len(response.context["page"].object_list) == 50


def test_the_htmx_table_runs_the_same_queries_for_5_and_60_customers(web, django_assert_num_queries):
    add_customers(5)
    expected = queries(web, "/customers/?q=Test", **{"HX-Request": "true"})
    add_customers(55)
    with django_assert_num_queries(expected):
        web.get("/customers/?q=Test", headers={"HX-Request": "true"})


def test_the_list_page_stays_small(web, django_assert_max_num_queries):
    add_customers(60)
    web.get("/customers/")
    with django_assert_max_num_queries(8):
        web.get("/customers/")


def test_the_api_list_runs_the_same_queries_for_5_and_60_customers(manager, django_assert_num_queries):
    _token, plain = create_api_token(manager, manager, "tests")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    add_customers(5)
    expected = queries(api, "/api/customers/?page_size=100")
    add_customers(55)
    with django_assert_num_queries(expected):
        response = api.get("/api/customers/?page_size=100")
    assert len(response.json()["items"]) == 60
    assert all(item["owner"] and item["analyst"] and item["collector"] for item in response.json()["items"])


def fill_credit_file(customer: Customer, manager, n: int) -> None:
    """n contacts, communications (each by its own user, about a contact), documents and audit entries."""
    for i in range(n):
        contact = ContactFactory(customer=customer)
        CommunicationFactory(customer=customer, contact=contact, user=UserFactory(),
                             occurred_on=dt.date(2026, 1, 1) + dt.timedelta(days=i), follow_up_on=dt.date(2026, 12, 1))
        Document.objects.create(customer=customer, doc_type="contract", title=f"Contract {i}",
                                file=f"documents/2026/11/contract-{i}.pdf", original_name=f"contract-{i}.pdf",
                                size=1000 + i, sha256="0" * 64, uploaded_by=UserFactory())
        record_audit(UserFactory(), "customer.update", customer, {"payment_terms_days": [30 + i, 31 + i]}, "terms")
        CustomerFactory(parent=customer)


@pytest.mark.parametrize("tab", ["", *TABS])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_the_detail_page_and_each_tab_run_the_same_queries_for_2_and_40_rows(
    web, manager, django_assert_num_queries, tab, htmx
):
    customer = CustomerFactory(owner=UserFactory(), analyst=UserFactory(), collector=UserFactory(),
                               parent=CustomerFactory())
    url = f"/customers/{customer.pk}/{tab}/" if tab else f"/customers/{customer.pk}/"
    headers = {"HX-Request": "true"} if htmx else {}
    fill_credit_file(customer, manager, 2)
    expected = queries(web, url, **headers)
    fill_credit_file(customer, manager, 38)
    with django_assert_num_queries(expected):
        response = web.get(url, headers=headers)
    rows = {"contacts": "contacts", "documents": "documents", "communications": "communications"}
    if tab in rows:
        assert len(response.context[rows[tab]]) == 40
    if tab == "history":
        assert len(response.context["entries"].object_list) == 40
    if tab in ("", "overview"):
        assert len(response.context["group"]) == 42


def add_audit_entries(customer: Customer, n: int) -> None:
    for i in range(n):
        record_audit(UserFactory(), "customer.update", customer, {"payment_terms_days": [30 + i, 31 + i]}, "terms")


@pytest.mark.parametrize("query", ["", "?customer={pk}", "?action=customer.update&date_from=2020-01-01"])
def test_the_audit_list_runs_the_same_queries_for_5_and_60_entries(db, django_assert_num_queries, query):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(role="auditor"))
    customer = CustomerFactory()
    url = "/audit/" + query.format(pk=customer.pk)
    add_audit_entries(customer, 5)
    expected = queries(client, url)
    add_audit_entries(customer, 55)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert len(response.context["entries"].object_list) == 50
