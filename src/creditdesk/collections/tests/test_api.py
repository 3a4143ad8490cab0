"""`/api/collections/promises/`: a collector records a promise to pay and everyone who may see the customer lists
them; a sales user sees only their own customers' promises, others are 404."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from creditdesk.accounts.services import create_api_token
from creditdesk.collections.models import PromiseToPay
from creditdesk.collections.services import judge_promises
from creditdesk.testing.factories import CustomerFactory, UserFactory

URL = "/api/collections/promises/"
DUE = timezone.localdate() + dt.timedelta(days=7)


def client_for(user) -> Client:
    _token, plain = create_api_token(user, user, "erp")
    return Client(headers={"Authorization": f"Bearer {plain}", "Accept-Language": "en"})


@pytest.fixture
def collector(db):
    return UserFactory(username="zhao.collector", role="collector")


@pytest.fixture
def seller(db):
    return UserFactory(username="li.sales", role="sales")


@pytest.fixture
def own(seller):
    return CustomerFactory(code="C300001", owner=seller)


@pytest.fixture
def other(db):
    return CustomerFactory(code="C300002")


def post(client: Client, **body):
    return client.post(URL, body, content_type="application/json")


def created(client: Client, customer, amount: str = "1000.00", **body) -> dict:
    response = post(client, customer=customer.pk, amount=amount, promised_for=DUE.isoformat(), **body)
    assert response.status_code == 201, response.content
    return response.json()


def recorded_at(promise_id: int) -> str:
    """As the API writes a time: ISO 8601 in UTC, to the millisecond."""
    value = PromiseToPay.objects.get(pk=promise_id).recorded_at.astimezone(dt.UTC)
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_a_collector_records_a_promise(collector, own):
    body = created(client_for(collector), own, "2500.5", currency="cny", note="AP manager, by phone.")

    assert body == {"id": body["id"], "customer_id": own.pk, "amount": "2500.50", "currency": "CNY",
                    "promised_for": DUE.isoformat(), "status": "open", "judged_on": None,
                    "note": "AP manager, by phone.", "recorded_by": "zhao.collector",
                    "recorded_at": recorded_at(body["id"])}
    assert PromiseToPay.objects.get().amount == Decimal("2500.50")


def test_the_currency_defaults_to_the_customers(collector, db):
    buyer = CustomerFactory(currency_id="EUR")
    assert created(client_for(collector), buyer)["currency"] == "EUR"


def test_a_wrong_amount_or_day_is_a_422_with_the_reason(collector, own):
    client = client_for(collector)
    zero = post(client, customer=own.pk, amount="0.00", promised_for=DUE.isoformat())
    assert (zero.status_code, zero.json()) == (422, {
        "detail": "The promised amount must be more than zero.",
        "errors": {"amount": ["The promised amount must be more than zero."]}})
    past = post(client, customer=own.pk, amount="10.00", promised_for="2020-01-31")
    assert (past.status_code, past.json()) == (422, {
        "detail": "The promised day cannot be in the past.",
        "errors": {"promised_for": ["The promised day cannot be in the past."]}})
    assert post(client, customer=own.pk, amount="ten", promised_for=DUE.isoformat()).status_code == 422
    assert not PromiseToPay.objects.exists()


def test_an_auditor_may_read_but_not_record(own, collector):
    auditor = client_for(UserFactory(username="sun.auditor", role="auditor"))
    refused = post(auditor, customer=own.pk, amount="10.00", promised_for=DUE.isoformat())
    assert (refused.status_code, refused.json()) == (403, {"detail": "You do not have permission to do this."})
    created(client_for(collector), own)
    assert auditor.get(URL).json()["count"] == 1


def test_sales_see_their_own_customers_promises_and_nobody_elses(collector, seller, own, other):
    mine = created(client_for(collector), own)
    created(client_for(collector), other)
    sales = client_for(seller)

    listed = sales.get(URL).json()
    assert (listed["count"], [item["id"] for item in listed["items"]]) == (1, [mine["id"]])
    assert sales.get(f"{URL}?customer={other.pk}").status_code == 404
    assert post(sales, customer=other.pk, amount="10.00", promised_for=DUE.isoformat()).status_code == 404
    assert post(sales, customer=own.pk, amount="10.00", promised_for=DUE.isoformat()).status_code == 403
    assert post(client_for(collector), customer=999999, amount="10.00",
                promised_for=DUE.isoformat()).status_code == 404


def test_the_list_is_newest_first_by_customer_and_status_one_page_at_a_time(collector, own, other):
    client = client_for(collector)
    first, second = created(client, own, "100.00"), created(client, own, "200.00")
    third = created(client, other, "300.00")
    judge_promises(DUE + dt.timedelta(days=1))  # nothing paid: all three broken

    everything = client.get(URL).json()
    assert (everything["count"], [item["id"] for item in everything["items"]]) == (
        3, [third["id"], second["id"], first["id"]])
    page = client.get(f"{URL}?customer={own.pk}&page=2&page_size=1").json()
    assert page == {"count": 2, "page": 2, "page_size": 1, "items": [
        {**first, "status": "broken", "judged_on": (DUE + dt.timedelta(days=1)).isoformat()}]}
    assert client.get(f"{URL}?status=open").json()["count"] == 0
    assert client.get(f"{URL}?status=broken&customer={other.pk}").json()["count"] == 1
    assert client.get(f"{URL}?status=lost").status_code == 422


def test_a_caller_without_a_token_is_refused(db):
    assert Client().get(URL).status_code == 401
    assert Client().post(URL, {}, content_type="application/json").status_code == 401
