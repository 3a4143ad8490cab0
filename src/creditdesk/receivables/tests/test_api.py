"""The receivables API on a small ledger worked out by hand, as of 30 Nov 2026 (USD at 7.10 since 1 Oct):

    C1 (owned by the sales user, CN, CNY)
        A-1  1 Sep, due 1 Oct    1 000.00  P0 100.00 on 20 Sep, P1 300.00 of 600.00 on 15 Oct -> 600.00 open, 60 days
        A-2  10 Nov, due 2099      500.00  (442.48 + 57.52 tax)                             -> 500.00 not due
        CN-1 5 Nov                  50.00  on account, unallocated
        P1   15 Oct                600.00  300.00 unallocated
        SO-1 20 Nov                300.00  open;  SO-2 1 Oct 200.00 invoiced
    C2 (somebody else's, DE)
        B-1  20 Oct, due 19 Nov  USD 100.00  open, 11 days -> 710.00 CNY
        P2   25 Nov              USD  40.00  unallocated

C1 on 30 Nov: open invoices 1 100.00 (600.00 at 31–60 days, 500.00 not due), credit notes 50.00, cash 300.00,
orders 300.00 -> open receivables 750.00, exposure 1 050.00. Paid 400.00 in the last 3, 6 and 12 months: days to
pay (100 × 19 + 300 × 44) / 400 = 37.75 -> 37.8, beyond terms (300 × 14) / 400 = 10.5.
"""

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from creditdesk.accounts.roles import ROLES
from creditdesk.accounts.services import create_api_token
from creditdesk.audit.models import AuditEntry
from creditdesk.currencies.models import ExchangeRate
from creditdesk.receivables.figures import behaviour_windows, customer_figures, payment_history
from creditdesk.receivables.kpis import kpis_by_segment, monthly_kpis
from creditdesk.receivables.models import Allocation, Invoice, Payment, SalesOrder
from creditdesk.receivables.portfolio import PortfolioFilter, portfolio_aging, portfolio_invoices
from creditdesk.receivables.selectors import cents, invoices_with_open_amount
from creditdesk.receivables.services import (
    allocate,
    record_credit_note,
    record_invoice,
    record_order,
    record_payment,
)
from creditdesk.testing.clients import signed_in
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal
AS_OF = dt.date(2026, 11, 30)
FAR = dt.date(2099, 12, 31)
URL = "/api/receivables"
KEEPERS = {"admin", "credit_manager", "credit_analyst"}
LEDGER_READERS = set(ROLES) - {"sales"}


def bill(actor, customer, number: str, issued: dt.date, due: dt.date, gross: str, currency: str = "CNY",
         tax: str = "0.00") -> Invoice:
    return record_invoice(actor, {"customer": customer, "number": number, "invoice_date": issued, "due_date": due,
                                  "currency_id": currency, "net_amount": D(gross) - D(tax), "tax_amount": D(tax),
                                  "gross_amount": D(gross)})


def cash(actor, customer, amount: str, received: dt.date, currency: str = "CNY") -> Payment:
    return record_payment(actor, {"customer": customer, "received_on": received, "amount": D(amount),
                                  "currency_id": currency})


def order(actor, customer, number: str, ordered: dt.date, amount: str, status: str = "open") -> SalesOrder:
    return record_order(actor, {"customer": customer, "number": number, "ordered_on": ordered, "amount": D(amount),
                                "currency_id": "CNY", "status": status})


def bearer(user) -> Client:
    _token, plain = create_api_token(user, user, "erp")
    return Client(headers={"Authorization": f"Bearer {plain}"}, HTTP_ACCEPT_LANGUAGE="en")


def as_json(value: Any) -> Any:
    """A selector's dataclass or list of them, as the API writes it: decimals as strings, dates ISO."""
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return json.loads(json.dumps(dataclasses.asdict(value), cls=DjangoJSONEncoder))


@pytest.fixture
def ledger(manager) -> dict[str, Any]:
    ExchangeRate.objects.create(currency_id="USD", rate_date=dt.date(2026, 10, 1), rate=D("7.10"))
    seller = UserFactory(username="li.sales", role="sales")
    c1 = CustomerFactory(code="C1", name="Shanghai Steel", country="CN", owner=seller)
    c2 = CustomerFactory(code="C2", name="Hamburg Trading", country="DE", currency_id="USD")
    a1 = bill(manager, c1, "A-1", dt.date(2026, 9, 1), dt.date(2026, 10, 1), "1000.00")
    a2 = bill(manager, c1, "A-2", dt.date(2026, 11, 10), FAR, "500.00", tax="57.52")
    b1 = bill(manager, c2, "B-1", dt.date(2026, 10, 20), dt.date(2026, 11, 19), "100.00", "USD")
    p0 = cash(manager, c1, "100.00", dt.date(2026, 9, 20))
    allocate(manager, a1, p0, D("100.00"), on=dt.date(2026, 9, 20))
    p1 = cash(manager, c1, "600.00", dt.date(2026, 10, 15))
    allocate(manager, a1, p1, D("300.00"), on=dt.date(2026, 10, 15))
    p2 = cash(manager, c2, "40.00", dt.date(2026, 11, 25), "USD")
    cn1 = record_credit_note(manager, {"customer": c1, "number": "CN-1", "issued_on": dt.date(2026, 11, 5),
                                       "amount": D("50.00"), "currency_id": "CNY"})
    so1 = order(manager, c1, "SO-1", dt.date(2026, 11, 20), "300.00")
    so2 = order(manager, c1, "SO-2", dt.date(2026, 10, 1), "200.00", "invoiced")
    users = {role: UserFactory(username=f"u_{role}", role=role) for role in ROLES}
    users["sales"] = seller
    return {"c1": c1, "c2": c2, "a1": a1, "a2": a2, "b1": b1, "p0": p0, "p1": p1, "p2": p2, "cn1": cn1,
            "so1": so1, "so2": so2, "users": users}


@pytest.fixture
def api(manager) -> Client:
    return bearer(manager)


# --- who may do what --------------------------------------------------------------------------------------------


def allowed(roles: set[str], yes: int, no: int = 403) -> dict[str, int]:
    return {role: yes if role in roles else no for role in ROLES}


def everyone(yes: int = 200) -> dict[str, int]:
    return allowed(set(ROLES), yes)


def not_for_sales_elsewhere() -> dict[str, int]:
    return {**everyone(), "sales": 404}


ENDPOINTS = [
    ("get", "/invoices", None, everyone()),
    ("get", "/invoices?customer_id={c1}", None, everyone()),
    ("get", "/invoices?customer_id={c2}", None, not_for_sales_elsewhere()),
    ("get", "/invoices/{a1}", None, everyone()),
    ("get", "/invoices/{b1}", None, not_for_sales_elsewhere()),
    ("get", "/payments", None, allowed(LEDGER_READERS, 200)),
    ("get", "/credit-notes", None, allowed(LEDGER_READERS, 200)),
    ("get", "/orders", None, everyone()),
    ("get", "/customers/{c1}/figures?as_of=2026-11-30", None, everyone()),
    ("get", "/customers/{c2}/figures?as_of=2026-11-30", None, not_for_sales_elsewhere()),
    ("get", "/customers/{c1}/open-items?as_of=2026-11-30", None, everyone()),
    ("get", "/customers/{c2}/open-items?as_of=2026-11-30", None, not_for_sales_elsewhere()),
    ("get", "/customers/{c1}/payment-history?as_of=2026-11-30", None, everyone()),
    ("get", "/customers/{c2}/payment-history?as_of=2026-11-30", None, not_for_sales_elsewhere()),
    ("get", "/portfolio/aging?as_of=2026-11-30", None, everyone()),
    ("get", "/portfolio/aging/customers?as_of=2026-11-30", None, everyone()),
    ("get", "/portfolio/kpis?months=2&last_month_end=2026-11-30", None, everyone()),
    ("get", "/portfolio/kpis/by-segment?start=2026-11-01&end=2026-11-30", None, everyone()),
    ("post", "/allocations", {"invoice_id": "{a2}", "credit_note_id": "{cn1}", "amount": "50.00"},
     allowed(KEEPERS, 201)),
    ("post", "/allocations", {"invoice_id": "{b1}", "payment_id": "{p2}", "amount": "40.00"},
     {**allowed(KEEPERS, 201), "sales": 404}),
    ("post", "/allocations/{p1_allocation}/reverse", {"reason": "Wrong invoice"}, allowed(KEEPERS, 200)),
    ("post", "/payments/{p1}/auto-allocate", None, allowed(KEEPERS, 200)),
    ("post", "/payments/{p2}/auto-allocate", None, {**allowed(KEEPERS, 200), "sales": 404}),
]


def fill(text: str, ledger: dict[str, Any]) -> str:
    ids = {name: getattr(obj, "pk", None) for name, obj in ledger.items()}
    ids["p1_allocation"] = Allocation.objects.get(payment=ledger["p1"]).pk
    return text.format(**ids)


def call(client: Client, method: str, path: str, body: dict[str, str] | None, ledger: dict[str, Any]):
    url = URL + fill(path, ledger)
    if body is None:
        return getattr(client, method)(url)
    data = {key: int(fill(value, ledger)) if value.startswith("{") else value for key, value in body.items()}
    return getattr(client, method)(url, data=data, content_type="application/json")


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize(("method", "path", "body", "expected"), ENDPOINTS,
                         ids=[f"{e[0]} {e[1]} {sorted(e[2] or {})}" for e in ENDPOINTS])
def test_each_role_gets_what_it_may(ledger, role, method, path, body, expected):
    response = call(bearer(ledger["users"][role]), method, path, body, ledger)
    assert response.status_code == expected[role], response.content[:500]


@pytest.mark.parametrize(("method", "path", "body", "expected"), ENDPOINTS,
                         ids=[f"{e[0]} {e[1]} {sorted(e[2] or {})}" for e in ENDPOINTS])
def test_anonymous_callers_get_401(ledger, method, path, body, expected):
    assert call(Client(), method, path, body, ledger).status_code == 401


def test_a_signed_in_session_works_too(ledger):
    response = signed_in(ledger["users"]["collector"]).get(f"{URL}/invoices")
    assert response.json()["count"] == 3


def test_sales_see_only_their_own_customers_ledger(ledger):
    client = bearer(ledger["users"]["sales"])
    assert [i["number"] for i in client.get(f"{URL}/invoices").json()["items"]] == ["A-1", "A-2"]
    assert [o["number"] for o in client.get(f"{URL}/orders").json()["items"]] == ["SO-2", "SO-1"]
    aging = client.get(f"{URL}/portfolio/aging?as_of=2026-11-30").json()
    assert (aging["total"], aging["customers"]) == ("1100.00", 1)


def test_the_collector_reads_but_cannot_allocate(ledger):
    client = bearer(ledger["users"]["collector"])
    body = {"invoice_id": ledger["a2"].pk, "payment_id": ledger["p1"].pk, "amount": "10.00"}
    response = client.post(f"{URL}/allocations", data=body, content_type="application/json")
    assert (response.status_code, response.json()) == (403, {"detail": "You do not have permission to do this."})
    assert not Allocation.objects.filter(invoice=ledger["a2"]).exists()


def test_sales_cannot_read_allocations_on_an_invoice(ledger):
    body = bearer(ledger["users"]["sales"]).get(f"{URL}/invoices/{ledger['a1'].pk}").json()
    assert (body["open_amount"], body["allocations"]) == ("600.00", None)


# --- the ledger -------------------------------------------------------------------------------------------------


def test_the_invoice_list_shows_open_amounts_in_their_currency(api, ledger):
    body = api.get(f"{URL}/invoices").json()
    assert (body["count"], body["page"], body["page_size"]) == (3, 1, 50)
    assert [(i["number"], i["currency"], i["gross_amount"], i["open_amount"]) for i in body["items"]] == [
        ("A-1", "CNY", "1000.00", "600.00"), ("B-1", "USD", "100.00", "100.00"), ("A-2", "CNY", "500.00", "500.00")]
    assert body["items"][2] == {
        "id": ledger["a2"].pk, "customer_id": ledger["c1"].pk, "currency": "CNY", "source": "manual",
        "external_id": "", "number": "A-2", "invoice_date": "2026-11-10", "due_date": "2099-12-31",
        "net_amount": "442.48", "tax_amount": "57.52", "gross_amount": "500.00", "open_amount": "500.00",
        "order_reference": "", "payment_terms_days": None, "status": "open", "disputed": False,
    }
    selector = {i.number: str(cents(i.open_amount)) for i in invoices_with_open_amount()}
    assert {i["number"]: i["open_amount"] for i in body["items"]} == selector


@pytest.mark.parametrize(("query", "expected"), [
    ("customer_id={c1}", ["A-1", "A-2"]),
    ("status=open", ["A-1", "B-1", "A-2"]),
    ("status=paid", []),
    ("overdue=true", ["A-1", "B-1"]),
    ("overdue=false", ["A-2"]),
    ("currency=usd", ["B-1"]),
    ("q=a-", ["A-1", "A-2"]),
    ("date_from=2026-10-01", ["B-1", "A-2"]),
    ("date_from=2026-09-01&date_to=2026-10-31", ["A-1", "B-1"]),
    ("customer_id={c1}&overdue=true", ["A-1"]),
])
def test_the_invoice_list_filters(api, ledger, query, expected):
    body = api.get(f"{URL}/invoices?{fill(query, ledger)}").json()
    assert [i["number"] for i in body["items"]] == expected
    assert body["count"] == len(expected)


def test_an_unknown_status_is_422(api, ledger):
    assert api.get(f"{URL}/invoices?status=lost").status_code == 422


def test_an_invoice_with_its_allocations(api, ledger):
    body = api.get(f"{URL}/invoices/{ledger['a1'].pk}").json()
    assert (body["number"], body["open_amount"]) == ("A-1", "600.00")
    assert [(a["payment_id"], a["amount"], a["currency"], a["allocated_on"], a["created_by"], a["reversed_at"])
            for a in body["allocations"]] == [
        (ledger["p0"].pk, "100.00", "CNY", "2026-09-20", "wang.manager", None),
        (ledger["p1"].pk, "300.00", "CNY", "2026-10-15", "wang.manager", None)]


def test_an_unknown_invoice_is_404(api, ledger):
    assert api.get(f"{URL}/invoices/999999").status_code == 404


def test_payments_with_what_is_unallocated(api, ledger):
    body = api.get(f"{URL}/payments").json()
    assert [(p["id"], p["currency"], p["amount"], p["unallocated"]) for p in body["items"]] == [
        (ledger["p0"].pk, "CNY", "100.00", "0.00"), (ledger["p1"].pk, "CNY", "600.00", "300.00"),
        (ledger["p2"].pk, "USD", "40.00", "40.00")]
    only = api.get(f"{URL}/payments?unallocated_only=true&customer_id={ledger['c1'].pk}").json()
    assert [p["id"] for p in only["items"]] == [ledger["p1"].pk]


def test_credit_notes_with_what_is_unallocated(api, ledger):
    body = api.get(f"{URL}/credit-notes?unallocated_only=true").json()
    assert [(n["number"], n["amount"], n["unallocated"], n["invoice_id"]) for n in body["items"]] == [
        ("CN-1", "50.00", "50.00", None)]


def test_orders_by_status(api, ledger):
    assert [o["number"] for o in api.get(f"{URL}/orders").json()["items"]] == ["SO-2", "SO-1"]
    body = api.get(f"{URL}/orders?status=open").json()
    assert [(o["number"], o["amount"], o["currency"], o["status"]) for o in body["items"]] == [
        ("SO-1", "300.00", "CNY", "open")]


def test_the_list_pages(api, ledger):
    for n in range(27):
        bill(ledger["users"]["admin"], ledger["c2"], f"Z-{n:02d}", dt.date(2026, 11, 1), dt.date(2026, 12, 1),
             "10.00", "USD")
    body = api.get(f"{URL}/invoices?page=3&page_size=10&customer_id={ledger['c2'].pk}").json()
    assert (body["count"], body["page"], body["page_size"]) == (28, 3, 10)
    assert [i["number"] for i in body["items"]] == [f"Z-{n:02d}" for n in range(19, 27)]
    assert api.get(f"{URL}/invoices?page_size=501").status_code == 422


# --- allocations ------------------------------------------------------------------------------------------------


def test_an_allocation_and_its_reversal_round_trip_with_an_audit_trail(api, ledger):
    a2 = ledger["a2"]
    response = api.post(f"{URL}/allocations", data={"invoice_id": a2.pk, "credit_note_id": ledger["cn1"].pk,
                                                    "amount": "50.00", "allocated_on": "2026-11-30"},
                        content_type="application/json")
    assert response.status_code == 201
    made = response.json()
    assert {k: v for k, v in made.items() if k not in {"id", "created_at"}} == {
        "invoice_id": a2.pk, "payment_id": None, "credit_note_id": ledger["cn1"].pk, "amount": "50.00",
        "currency": "CNY", "allocated_on": "2026-11-30", "created_by": "wang.manager", "reversed_at": None,
        "reversal_reason": ""}
    assert api.get(f"{URL}/invoices/{a2.pk}").json()["open_amount"] == "450.00"
    assert api.get(f"{URL}/credit-notes").json()["items"][0]["unallocated"] == "0.00"

    response = api.post(f"{URL}/allocations/{made['id']}/reverse", data={"reason": "Wrong invoice"},
                        content_type="application/json")
    assert response.status_code == 200
    assert response.json()["reversal_reason"] == "Wrong invoice"
    assert response.json()["reversed_at"] is not None
    assert api.get(f"{URL}/invoices/{a2.pk}").json()["open_amount"] == "500.00"
    entries = AuditEntry.objects.filter(object_type="receivables.allocation", object_id=str(made["id"]))
    assert list(entries.order_by("id").values_list("action", "actor_name", "customer_id", "reason")) == [
        ("allocation.create", "wang.manager", ledger["c1"].pk, ""),
        ("allocation.reverse", "wang.manager", ledger["c1"].pk, "Wrong invoice")]

    again = api.post(f"{URL}/allocations/{made['id']}/reverse", data={"reason": "Twice"},
                     content_type="application/json")
    assert (again.status_code, again.json()["detail"]) == (422, "This allocation is already reversed.")


@pytest.mark.parametrize(("invoice", "amount", "message"), [
    ("a2", "350.00", "Only 300.00 is left to allocate."),
    ("a1", "700.00", "Only 600.00 is still open on invoice A-1."),
    ("a2", "0.00", "An allocation must be greater than zero."),
])
def test_over_allocation_is_422_with_the_message(api, ledger, invoice, amount, message):
    body = {"invoice_id": ledger[invoice].pk, "payment_id": ledger["p1"].pk, "amount": amount}
    response = api.post(f"{URL}/allocations", data=body, content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {"detail": message, "errors": {"amount": [message]}}
    assert Allocation.objects.filter(payment=ledger["p1"]).count() == 1


@pytest.mark.parametrize(("body", "message"), [
    ({"payment_id": "p1", "credit_note_id": "cn1"}, "Give either a payment or a credit note."),
    ({}, "Give either a payment or a credit note."),
    ({"payment_id": "p2"}, "The payment or credit note belongs to another customer."),
])
def test_an_allocation_needs_one_matching_source(api, ledger, body, message):
    data = {"invoice_id": ledger["a2"].pk, "amount": "10.00", **{k: ledger[v].pk for k, v in body.items()}}
    response = api.post(f"{URL}/allocations", data=data, content_type="application/json")
    assert (response.status_code, response.json()["detail"]) == (422, message)


def test_a_reversal_needs_a_reason(api, ledger):
    allocation = Allocation.objects.get(payment=ledger["p1"])
    response = api.post(f"{URL}/allocations/{allocation.pk}/reverse", data={"reason": " "},
                        content_type="application/json")
    assert (response.status_code, response.json()["detail"]) == (422, "Say why the allocation is reversed.")


def test_auto_allocation_pays_the_oldest_invoice_first(api, ledger):
    response = api.post(f"{URL}/payments/{ledger['p1'].pk}/auto-allocate")
    assert response.status_code == 200
    body = response.json()
    assert (body["payment"]["id"], body["payment"]["unallocated"]) == (ledger["p1"].pk, "0.00")
    assert [(a["invoice_id"], a["amount"], a["currency"], a["allocated_on"]) for a in body["allocations"]] == [
        (ledger["a1"].pk, "300.00", "CNY", "2026-10-15")]
    assert api.get(f"{URL}/invoices/{ledger['a1'].pk}").json()["open_amount"] == "300.00"
    assert AuditEntry.objects.filter(action="allocation.create", object_id=str(body["allocations"][0]["id"])).exists()


# --- a customer's figures ---------------------------------------------------------------------------------------


def test_a_customers_figures_are_the_selectors(api, ledger):
    c1 = ledger["c1"]
    body = api.get(f"{URL}/customers/{c1.pk}/figures?as_of=2026-11-30").json()
    total = body["total"]
    assert (body["as_of"], body["customer_ids"]) == ("2026-11-30", [c1.pk])
    assert {k: total[k] for k in ("currency", "open_invoices", "unallocated_credit_notes", "unallocated_cash",
                                  "open_receivables", "open_orders", "exposure", "overdue", "open_items",
                                  "oldest_overdue_days")} == {
        "currency": "CNY", "open_invoices": "1100.00", "unallocated_credit_notes": "50.00",
        "unallocated_cash": "300.00", "open_receivables": "750.00", "open_orders": "300.00", "exposure": "1050.00",
        "overdue": "600.00", "open_items": 2, "oldest_overdue_days": 60}
    assert total["aging"] == [
        {"key": "not_due", "label": "Not due", "amount": "500.00"},
        {"key": "1_30", "label": "1–30", "amount": "0.00"},
        {"key": "31_60", "label": "31–60", "amount": "600.00"},
        {"key": "61_90", "label": "61–90", "amount": "0.00"},
        {"key": "91_180", "label": "91–180", "amount": "0.00"},
        {"key": "181_365", "label": "181–365", "amount": "0.00"},
        {"key": "over_365", "label": "Over 365 days", "amount": "0.00"},
    ]
    assert body["behaviour"] == [
        {"months": months, "paid": "400.00", "average_days_to_pay": "37.8", "average_days_beyond_terms": "10.5"}
        for months in (3, 6, 12)]
    figures = customer_figures([c1.pk], AS_OF)
    assert [f["currency"] for f in body["by_currency"]] == ["CNY"]
    for out, selected in ((total, figures), (body["by_currency"][0], figures.by_currency["CNY"])):
        assert {k: out[k] for k in ("open_invoices", "exposure", "overdue")} == {
            "open_invoices": str(selected.open_invoices), "exposure": str(selected.exposure),
            "overdue": str(selected.overdue)}
        assert {a["key"]: a["amount"] for a in out["aging"]} == {k: str(v) for k, v in selected.aging.items()}
    assert body["behaviour"] == as_json(list(behaviour_windows([c1.pk], AS_OF).values()))


def test_a_foreign_currency_customer_is_converted_and_kept_beside(api, ledger):
    body = api.get(f"{URL}/customers/{ledger['c2'].pk}/figures?as_of=2026-11-30").json()
    assert (body["total"]["currency"], body["total"]["open_invoices"], body["total"]["unallocated_cash"]) == (
        "CNY", "710.00", "284.00")
    usd = body["by_currency"][0]
    assert (usd["currency"], usd["open_invoices"], usd["unallocated_cash"], usd["exposure"]) == (
        "USD", "100.00", "40.00", "60.00")


def test_a_missing_exchange_rate_is_a_clear_422(api, ledger):
    ExchangeRate.objects.all().delete()
    for path in (f"/customers/{ledger['c2'].pk}/figures?as_of=2026-11-30", "/portfolio/aging?as_of=2026-11-30",
                 "/portfolio/kpis?months=1&last_month_end=2026-11-30"):
        response = api.get(URL + path)
        assert (response.status_code, response.json()) == (
            422, {"detail": "No exchange rate for USD on or before 2026-11-30."})


def test_group_figures_sum_the_group(api, ledger):
    c1 = ledger["c1"]
    daughter = CustomerFactory(code="C3", parent=c1)
    bill(ledger["users"]["admin"], daughter, "D-1", dt.date(2026, 11, 1), FAR, "250.00")
    body = api.get(f"{URL}/customers/{daughter.pk}/figures?as_of=2026-11-30&group=true").json()
    assert (sorted(body["customer_ids"]), body["total"]["open_invoices"], body["total"]["exposure"]) == (
        sorted([c1.pk, daughter.pk]), "1350.00", "1300.00")
    assert body["total"]["exposure"] == str(customer_figures([c1.pk, daughter.pk], AS_OF).exposure)
    alone = api.get(f"{URL}/customers/{ledger['c2'].pk}/figures?as_of=2026-11-30&group=true").json()
    assert alone["customer_ids"] == [ledger["c2"].pk]


def test_sales_cannot_see_a_group_with_companies_they_do_not_own(ledger):
    CustomerFactory(code="C3", parent=ledger["c1"])
    response = bearer(ledger["users"]["sales"]).get(f"{URL}/customers/{ledger['c1'].pk}/figures?group=true")
    assert (response.status_code, response.json()) == (403, {"detail": "You may not see every company of this group."})


def test_open_items_of_a_customer(api, ledger):
    body = api.get(f"{URL}/customers/{ledger['c1'].pk}/open-items?as_of=2026-11-30").json()
    assert body["count"] == 2
    assert [(i["number"], i["currency"], i["gross_amount"], i["open_amount"], i["days_past_due"])
            for i in body["items"]] == [("A-1", "CNY", "1000.00", "600.00", 60), ("A-2", "CNY", "500.00", "500.00", 0)]
    overdue = api.get(f"{URL}/customers/{ledger['c1'].pk}/open-items?as_of=2026-11-30&overdue_only=true").json()
    assert [i["number"] for i in overdue["items"]] == ["A-1"]
    before = api.get(f"{URL}/customers/{ledger['c1'].pk}/open-items?as_of=2026-09-30").json()
    assert [(i["number"], i["open_amount"], i["days_past_due"]) for i in before["items"]] == [("A-1", "900.00", 0)]


def test_payment_history_month_by_month(api, ledger):
    c1 = ledger["c1"]
    body = api.get(f"{URL}/customers/{c1.pk}/payment-history?as_of=2026-11-30&months=3").json()
    assert (body["customer_id"], body["as_of"], body["currency"]) == (c1.pk, "2026-11-30", "CNY")
    assert body["months"] == [
        {"month": "2026-09-01", "invoiced": "1000.00", "paid": "100.00", "paid_on_time": "100.00",
         "paid_late": "0.00", "average_days_late": "0.0"},
        {"month": "2026-10-01", "invoiced": "0.00", "paid": "300.00", "paid_on_time": "0.00",
         "paid_late": "300.00", "average_days_late": "14.0"},
        {"month": "2026-11-01", "invoiced": "500.00", "paid": "0.00", "paid_on_time": "0.00",
         "paid_late": "0.00", "average_days_late": None},
    ]
    assert body["months"] == as_json(payment_history([c1.pk], AS_OF, 3))
    assert api.get(f"{URL}/customers/{c1.pk}/payment-history?months=0").status_code == 422


# --- the portfolio ----------------------------------------------------------------------------------------------


def test_the_portfolio_aging_in_the_functional_currency(api, ledger, manager):
    body = api.get(f"{URL}/portfolio/aging?as_of=2026-11-30").json()
    assert (body["as_of"], body["currency"], body["total"], body["customers"]) == ("2026-11-30", "CNY", "1810.00", 2)
    assert [(b["key"], b["amount"]) for b in body["buckets"]] == [
        ("not_due", "500.00"), ("1_30", "710.00"), ("31_60", "600.00"), ("61_90", "0.00"), ("91_180", "0.00"),
        ("181_365", "0.00"), ("over_365", "0.00")]
    selected = portfolio_aging(portfolio_invoices(manager, PortfolioFilter()), AS_OF)
    assert {b["key"]: b["amount"] for b in body["buckets"]} == {k: str(v) for k, v in selected.amounts.items()}
    german = api.get(f"{URL}/portfolio/aging?as_of=2026-11-30&country=de").json()
    assert (german["total"], german["customers"]) == ("710.00", 1)


def test_the_aging_drills_down_to_customers(api, ledger):
    body = api.get(f"{URL}/portfolio/aging/customers?as_of=2026-11-30").json()
    assert body["count"] == 2
    assert [(r["code"], r["currency"], r["total"]) for r in body["items"]] == [("C1", "CNY", "1100.00"),
                                                                              ("C2", "CNY", "710.00")]
    assert {b["key"]: b["amount"] for b in body["items"][0]["buckets"]}["31_60"] == "600.00"
    late = api.get(f"{URL}/portfolio/aging/customers?as_of=2026-11-30&bucket=1_30").json()
    assert [(r["customer_id"], r["name"], r["total"]) for r in late["items"]] == [
        (ledger["c2"].pk, "Hamburg Trading", "710.00")]


def test_an_unknown_bucket_is_422(api, ledger):
    response = api.get(f"{URL}/portfolio/aging/customers?bucket=1_45")
    assert response.status_code == 422
    assert response.json()["errors"] == {"bucket": [
        "No aging bucket “1_45”: choose one of not_due, 1_30, 31_60, 61_90, 91_180, 181_365, over_365."]}


def test_monthly_kpis_are_the_selectors(api, ledger, manager):
    body = api.get(f"{URL}/portfolio/kpis?months=2&last_month_end=2026-11-30").json()
    assert [k["period_start"] for k in body] == ["2026-10-01", "2026-11-01"]
    november = body[1]
    assert {k: november[k] for k in ("currency", "ar", "current_ar", "opening_ar", "credit_sales", "dso",
                                     "best_possible_dso", "average_days_delinquent", "cei")} == {
        "currency": "CNY", "ar": "1810.00", "current_ar": "500.00", "opening_ar": "1310.00", "credit_sales": "500.00",
        "dso": "108.6", "best_possible_dso": "30.0", "average_days_delinquent": "78.6", "cei": "0.0"}
    invoices = portfolio_invoices(manager, PortfolioFilter())
    assert body == as_json(monthly_kpis(invoices, AS_OF, 2))
    assert api.get(f"{URL}/portfolio/kpis?months=0").status_code == 422


def test_kpis_by_segment_are_the_selectors(api, ledger, manager):
    body = api.get(f"{URL}/portfolio/kpis/by-segment?segment=country&start=2026-11-01&end=2026-11-30").json()
    assert [(k["segment"], k["ar"], k["credit_sales"], k["dso"]) for k in body] == [
        ("CN", "1100.00", "500.00", "66.0"), ("DE", "710.00", "0.00", None)]
    selected = kpis_by_segment(portfolio_invoices(manager, PortfolioFilter()), dt.date(2026, 11, 1), AS_OF, "country")
    assert body == [{**as_json(kpis), "segment": segment} for segment, kpis in selected.items()]


@pytest.mark.parametrize("query", ["segment=colour", "start=2026-12-01&end=2026-11-30"])
def test_kpis_by_segment_refuse_a_bad_query(api, ledger, query):
    assert api.get(f"{URL}/portfolio/kpis/by-segment?{query}").status_code == 422


# --- query counts -----------------------------------------------------------------------------------------------


def documents(actor, customer, tag: str) -> None:
    """One of every ledger document for a customer, the invoice partly paid."""
    invoice = bill(actor, customer, f"I-{tag}", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "100.00")
    allocate(actor, invoice, cash(actor, customer, "60.00", dt.date(2026, 11, 1)), D("40.00"), on=dt.date(2026, 11, 1))
    record_credit_note(actor, {"customer": customer, "number": f"CN-{tag}", "issued_on": dt.date(2026, 11, 2),
                               "amount": D("5.00"), "currency_id": "CNY"})
    order(actor, customer, f"SO-{tag}", dt.date(2026, 11, 3), "70.00")


def grow(actor, big: Invoice, rows: int) -> None:
    """Every list to at least `rows` rows: per row a part payment of the big invoice, another invoice of its
    customer, and another customer with one of every document."""
    for k in range(big.allocations.count(), rows):
        allocate(actor, big, cash(actor, big.customer, "1.00", AS_OF), D("1.00"), on=AS_OF)
        documents(actor, big.customer, f"F{k}")
        documents(actor, CustomerFactory(owner=UserFactory(role="sales"), collector=UserFactory()), f"G{k}")


LISTS = ["/invoices", "/payments", "/credit-notes", "/orders", "/invoices/{invoice}",
         "/customers/{customer}/open-items?as_of=2026-11-30", "/portfolio/aging/customers?as_of=2026-11-30"]


@pytest.mark.parametrize("path", LISTS)
def test_the_list_endpoints_do_not_grow_with_rows(api, manager, path, django_assert_max_num_queries):
    big = bill(manager, CustomerFactory(), "BIG", dt.date(2026, 10, 1), FAR, "10000.00")
    url = URL + path.format(invoice=big.pk, customer=big.customer_id)
    grow(manager, big, 3)
    assert api.get(url).status_code == 200
    with django_assert_max_num_queries(10) as captured:
        api.get(url)
    grow(manager, big, 30)
    with django_assert_max_num_queries(len(captured)):
        body = api.get(url).json()
    assert len(body["items"] if "items" in body else body["allocations"]) >= 30


def test_the_openapi_document_lists_the_receivables_endpoints(api, ledger):
    paths = api.get("/api/openapi.json").json()["paths"]
    assert {f"{URL}/invoices", f"{URL}/allocations", f"{URL}/portfolio/kpis/by-segment"} <= set(paths)
    assert all("receivables" in op["tags"] for path, ops in paths.items() if path.startswith(URL)
               for op in ops.values())
