"""Input the API once stored or crashed on is refused with a 422 naming the field, and what it allows is stored as sent.

Each case was found by probing a running demo from outside: a founding date in the future, a call logged for
2099, a megabyte of notes, NUL in a name (PostgreSQL refuses it with a server error), full-width or Arabic-Indic
digits read as numbers, a rate for the functional currency, pages and ids beyond 64 bits, dates before 1900.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from creditdesk.core.bounds import LONG_TEXT, MONEY_MAX
from creditdesk.currencies.models import ExchangeRate
from creditdesk.customers.models import Communication, Customer
from creditdesk.limits.models import CreditLimit
from creditdesk.testing.clients import api_client, signed_in
from creditdesk.testing.factories import CustomerFactory, UserFactory

TOMORROW = timezone.localdate() + dt.timedelta(days=1)
PAGINATED = ["/api/customers/", "/api/audit/", "/api/exchange-rates/", "/api/imports/", "/api/receivables/invoices",
             "/api/receivables/payments", "/api/receivables/credit-notes", "/api/receivables/orders",
             "/api/collections/promises/", "/api/assessment/models/", "/api/credit-checks/", "/api/limits/"]


@pytest.fixture
def api(manager):
    return api_client(manager)


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Eastern Steel Trading")


def errors_of(response) -> dict:
    assert response.status_code == 422, response.content
    return response.json()["errors"]


def test_a_founding_date_in_the_future_is_refused(api, customer):
    response = api.patch(f"/api/customers/{customer.pk}", {"founded_on": TOMORROW.isoformat()},
                         content_type="application/json")
    assert errors_of(response) == {"founded_on": [
        f"{TOMORROW.isoformat()} is not between 1900-01-01 and {timezone.localdate().isoformat()}."]}
    assert Customer.objects.get(pk=customer.pk).founded_on is None


def test_a_founding_date_in_the_future_is_refused_on_the_web_form_too(manager, customer):
    response = signed_in(manager).post(f"/customers/{customer.pk}/edit", {
        "name": customer.name, "local_name": customer.local_name, "code": customer.code, "uscc": customer.uscc,
        "country": "CN", "currency": "CNY", "language": "zh-hans", "payment_terms_days": 30, "status": "active",
        "founded_on": TOMORROW.isoformat()})
    assert response.status_code == 200
    assert response.context["form"].errors["founded_on"] == [
        f"{TOMORROW.isoformat()} is not between 1900-01-01 and {timezone.localdate().isoformat()}."]


def test_a_communication_dated_2099_is_refused(api, customer):
    response = api.post(f"/api/customers/{customer.pk}/communications",
                        {"kind": "call", "occurred_on": "2099-01-01", "summary": "Promised to pay."},
                        content_type="application/json")
    assert list(errors_of(response)) == ["occurred_on"]
    assert not Communication.objects.exists()


def test_a_summary_longer_than_the_web_form_allows_is_refused_by_the_api(api, customer):
    response = api.post(f"/api/customers/{customer.pk}/communications",
                        {"kind": "call", "occurred_on": "2026-11-02", "summary": "x" * (LONG_TEXT + 1)},
                        content_type="application/json")
    assert errors_of(response) == {"summary": ["String should have at most 2000 characters"]}


def test_a_megabyte_of_notes_is_refused(api, customer):
    response = api.post(f"/api/customers/{customer.pk}/contacts", {"name": "Li Na", "notes": "x" * 1_000_000},
                        content_type="application/json")
    assert list(errors_of(response)) == ["notes"]


@pytest.mark.parametrize("name", ["Acme\x00Trading", "Acme\x01", "\x7f"])
def test_control_characters_in_a_name_are_refused(api, customer, name):
    response = api.patch(f"/api/customers/{customer.pk}", {"name": name}, content_type="application/json")
    assert list(errors_of(response)) == ["name"]
    assert Customer.objects.get(pk=customer.pk).name == "Eastern Steel Trading"


def test_tabs_and_line_breaks_in_an_address_are_kept(api, customer):
    response = api.patch(f"/api/customers/{customer.pk}", {"address": "1 Bund Road\r\nShanghai\t200000"},
                         content_type="application/json")
    assert response.json()["address"] == "1 Bund Road\r\nShanghai\t200000"


@pytest.mark.parametrize("digits", ["１２", "١٢", "²"])
def test_digits_other_than_ascii_are_not_read_as_an_id(api, customer, digits):
    assert api.get(f"/api/customers/{digits}").status_code == 422


@pytest.mark.parametrize("digits", ["１２", "١٢"])
def test_digits_other_than_ascii_are_not_read_as_an_amount(api, customer, digits):
    response = api.get(f"/api/exchange-rates/convert?amount={digits}&from_currency=CNY&to_currency=CNY"
                       "&on=2026-11-30")
    assert list(errors_of(response)) == ["amount"]


def test_an_amount_beyond_the_money_column_is_refused_before_any_conversion(api):
    largest = api.get(f"/api/exchange-rates/convert?amount={MONEY_MAX}&from_currency=CNY&to_currency=CNY"
                      "&on=2026-11-30")
    too_large = api.get(f"/api/exchange-rates/convert?amount={MONEY_MAX + Decimal('0.01')}&from_currency=CNY"
                        "&to_currency=CNY&on=2026-11-30")
    assert (largest.status_code, largest.json()["result"]) == (200, "9999999999999.99")
    assert list(errors_of(too_large)) == ["amount"]


def test_a_rate_for_the_functional_currency_is_refused(api):
    response = api.post("/api/exchange-rates/", {"currency": "CNY", "rate_date": "2026-11-30", "rate": "1.5"},
                        content_type="application/json")
    assert errors_of(response) == {"currency": ["CNY is the functional currency: its rate is always 1."]}
    assert not ExchangeRate.objects.filter(currency_id="CNY").exists()


@pytest.mark.parametrize("url", PAGINATED)
def test_a_page_beyond_any_count_is_refused_not_a_server_error(api, url):
    assert list(errors_of(api.get(f"{url}?page=99999999999999999999"))) == ["page"]


def test_a_page_past_the_last_is_empty(api, customer):
    body = api.get("/api/customers/?page=1000000").json()
    assert (body["count"], body["items"]) == (1, [])


def test_the_portfolio_aging_before_1900_is_refused(api):
    assert list(errors_of(api.get("/api/receivables/portfolio/aging?as_of=0001-01-01"))) == ["as_of"]


@pytest.mark.parametrize("day", ["0", "1700000000", "2026-1-5", "２０２６-１１-３０"])
def test_a_day_is_written_yyyy_mm_dd_not_as_a_unix_time(api, day):
    assert list(errors_of(api.get(f"/api/receivables/portfolio/aging?as_of={day}"))) == ["as_of"]


def test_a_collector_id_beyond_64_bits_is_refused(api):
    response = api.get(f"/api/receivables/portfolio/kpis?collector_id={2**64}")
    assert list(errors_of(response)) == ["collector_id"]


def test_an_empty_collector_takes_the_customer_off_the_collectors_list(api, customer):
    customer.collector = UserFactory(username="zhao.collector", role="collector")
    customer.save()
    response = api.patch(f"/api/customers/{customer.pk}", {"collector": "", "reason": "Moved to legal."},
                         content_type="application/json")
    assert (response.status_code, response.json()["collector"]) == (200, None)
    assert Customer.objects.get(pk=customer.pk).collector is None


def test_a_body_that_is_not_an_object_is_refused(api, customer):
    response = api.patch(f"/api/customers/{customer.pk}", [None, None], content_type="application/json")
    assert response.status_code == 422


@pytest.mark.parametrize(("field", "value"), [("is_primary", 0), ("is_primary", "true"), ("nickname", "Li")])
def test_a_field_of_another_type_or_unknown_is_refused(api, customer, field, value):
    response = api.post(f"/api/customers/{customer.pk}/contacts", {"name": "Li Na", field: value},
                        content_type="application/json")
    assert list(errors_of(response)) == [field]


def ask_limit(api, customer, **fields):
    return api.post("/api/limits/", {"customer": str(customer.pk), "amount": "100000.00",
                                     "justification": "Steady payer.", **fields}, content_type="application/json")


@pytest.mark.parametrize(("field", "day"), [("valid_from", "9999-12-31"), ("valid_from", "2199-12-31"),
                                            ("review_on", "1900-01-01"), ("valid_to", "2199-12-31")])
def test_a_limit_dated_beyond_sense_is_refused(api, customer, field, day):
    assert list(errors_of(ask_limit(api, customer, **{field: day}))) == [field]
    assert not CreditLimit.objects.exists()


def test_a_limit_cannot_fall_due_for_review_before_it_starts(api, customer):
    response = ask_limit(api, customer, valid_from=TOMORROW.isoformat(), review_on=timezone.localdate().isoformat())
    assert errors_of(response) == {"review_on": ["A limit cannot fall due for review before it starts."]}


def test_a_megabyte_of_justification_is_refused_as_the_web_form_refuses_it(api, manager, customer):
    assert errors_of(ask_limit(api, customer, justification="x" * 1_000_000)) == {
        "justification": ["String should have at most 2000 characters"]}
    page = signed_in(manager).post(f"/limits/customers/{customer.pk}/request", {
        "amount": "100000.00", "currency": "CNY", "kind": "standard", "valid_from": "2026-12-01",
        "justification": "x" * (LONG_TEXT + 1)})
    assert not CreditLimit.objects.exists()
    assert page.status_code == 422


@pytest.mark.parametrize("reference", ["²", "１", "٣", "99999999999999999999"])
def test_a_customer_reference_that_only_looks_like_an_id_is_no_customer(api, customer, reference):
    check = api.post("/api/credit-checks/", {"customer": reference, "order_reference": "SO-1", "amount": "10.00"},
                     content_type="application/json")
    assert check.status_code == 404
    assert api.get(f"/api/limits/?customer={reference}").status_code == 404


@pytest.mark.parametrize("field", ["size", "name", "payment_terms_days", "currency"])
def test_null_for_a_field_that_always_has_a_value_is_refused(api, customer, field):
    response = api.patch(f"/api/customers/{customer.pk}", {field: None}, content_type="application/json")
    assert list(errors_of(response)) == [field]


def test_null_clears_a_field_that_may_be_empty(api, customer):
    response = api.patch(f"/api/customers/{customer.pk}", {"external_id": None}, content_type="application/json")
    assert (response.status_code, response.json()["external_id"]) == (200, None)
