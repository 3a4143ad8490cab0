"""Receivables pages: who may open them, the exact figures they show, the drill-down, and downloads that hold
exactly the selectors' numbers.

The hand-built customer, as of 2026-11-30 (CNY):
  A  issued 2026-10-01, due 2026-10-31 (30 days overdue)  1,130.00, 330.00 of a 500.00 payment (2026-11-05) set
     against it → 800.00 open, 170.00 of the payment unallocated
  B  issued 2026-11-10, due 2026-12-10 (not due)           2,260.00 open
  C  issued 2026-08-01, due 2026-08-31 (91 days overdue)     400.00 open
  D  issued 2026-09-01, due 2026-10-01                       600.00, paid 2026-10-11 (10 days late)
  a credit note of 50.00 on account, an open order of 1,000.00
Open invoices 3,460.00 − credit notes 50.00 − cash 170.00 = open receivables 3,240.00; + orders = exposure 4,240.00;
overdue 1,200.00; oldest overdue 91 days. Paid 930.00 in every window: days to pay (330 × 35 + 600 × 40) / 930 =
38.2, beyond terms (330 × 5 + 600 × 10) / 930 = 8.2.
"""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from creditdesk.currencies.models import ExchangeRate
from creditdesk.receivables.figures import customer_figures, open_items
from creditdesk.receivables.kpis import monthly_kpis
from creditdesk.receivables.models import Invoice
from creditdesk.receivables.portfolio import PortfolioFilter, aging_by_customer, portfolio_aging, portfolio_invoices
from creditdesk.receivables.services import allocate, record_credit_note, record_invoice, record_order, record_payment
from creditdesk.testing.clients import signed_in
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal
AS_OF = dt.date(2026, 11, 30)
DAY = "as_of=2026-11-30"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def bill(actor, customer, number: str, issued: str, due: str, gross: str, currency: str = "CNY") -> Invoice:
    return record_invoice(actor, {"customer": customer, "number": number, "invoice_date": dt.date.fromisoformat(issued),
                                  "due_date": dt.date.fromisoformat(due), "currency_id": currency,
                                  "net_amount": D(gross), "tax_amount": D("0.00"), "gross_amount": D(gross)})


def pay(actor, invoice: Invoice, amount: str, received: str, cash: str | None = None) -> None:
    day = dt.date.fromisoformat(received)
    payment = record_payment(actor, {"customer": invoice.customer, "received_on": day, "amount": D(cash or amount),
                                     "currency_id": invoice.currency_id, "bank_reference": f"BANK-{invoice.number}"})
    allocate(actor, invoice, payment, D(amount), on=day)


@pytest.fixture
def seller(db):
    return UserFactory(username="zhou.sales", role="sales")


@pytest.fixture
def customer(manager, seller):
    """The customer of the module docstring, owned by the sales user."""
    customer = CustomerFactory(code="C000100", name="Suzhou Silk", local_name="苏州丝绸有限公司", owner=seller)
    pay(manager, bill(manager, customer, "A", "2026-10-01", "2026-10-31", "1130.00"), "330.00", "2026-11-05",
        cash="500.00")
    bill(manager, customer, "B", "2026-11-10", "2026-12-10", "2260.00")
    bill(manager, customer, "C", "2026-08-01", "2026-08-31", "400.00")
    pay(manager, bill(manager, customer, "D", "2026-09-01", "2026-10-01", "600.00"), "600.00", "2026-10-11")
    record_credit_note(manager, {"customer": customer, "number": "CN-1", "issued_on": dt.date(2026, 11, 20),
                                 "amount": D("50.00"), "currency_id": "CNY"})
    record_order(manager, {"customer": customer, "number": "SO-1", "ordered_on": dt.date(2026, 11, 25),
                           "amount": D("1000.00"), "currency_id": "CNY"})
    return customer


@pytest.fixture
def other(manager):
    """A customer the sales user does not own."""
    other = CustomerFactory(code="C000200", name="Wuxi Wire")
    bill(manager, other, "W-1", "2026-11-01", "2026-11-20", "100.00")
    return other


def sheet_values(response) -> list[list[object]]:
    assert response["Content-Type"] == XLSX
    workbook = load_workbook(io.BytesIO(response.content))
    return [[cell.value for cell in row] for row in workbook.worksheets[0].iter_rows()]


def money(value: object) -> Decimal:
    """A number read back from Excel, as the Decimal it was written from."""
    return D(str(value))


# --- who may open what ----------------------------------------------------------------------------------------------

def urls(customer, other) -> dict[str, str]:
    return {
        "tab": f"/customers/{customer.pk}/receivables/?{DAY}",
        "other_tab": f"/customers/{other.pk}/receivables/?{DAY}",
        "aging": f"/receivables/aging/?{DAY}",
        "bucket": f"/receivables/aging/customers/?{DAY}&bucket=1_30",
        "items": f"/receivables/aging/customers/{customer.pk}/?{DAY}&bucket=1_30",
        "other_items": f"/receivables/aging/customers/{other.pk}/?{DAY}",
        "kpis": "/receivables/kpis/?month=2026-11",
        "xlsx": f"/receivables/customers/{customer.pk}/open-items.xlsx?{DAY}",
        "other_xlsx": f"/receivables/customers/{other.pk}/open-items.xlsx?{DAY}",
        "pdf": f"/receivables/customers/{customer.pk}/statement.pdf?{DAY}",
        "other_pdf": f"/receivables/customers/{other.pk}/statement.pdf?{DAY}",
    }


EVERYTHING = dict.fromkeys(["tab", "other_tab", "aging", "bucket", "items", "other_items", "kpis", "xlsx",
                            "other_xlsx", "pdf", "other_pdf"], 200)


@pytest.mark.parametrize(("role", "expected"), [
    ("credit_manager", EVERYTHING),
    ("collector", EVERYTHING),
    ("sales", {**EVERYTHING, "other_tab": 404, "other_items": 404, "other_xlsx": 404, "other_pdf": 404}),
])
def test_status_codes_by_role(customer, other, seller, role, expected):
    client = signed_in(seller if role == "sales" else UserFactory(role=role))
    assert {name: client.get(url).status_code for name, url in urls(customer, other).items()} == expected


def test_anonymous_callers_are_sent_to_the_login_page(customer, other):
    for url in urls(customer, other).values():
        response = Client().get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, "/login/"), url


def test_a_user_without_receivables_permissions_gets_403_and_no_tab(customer, other):
    reader = UserFactory(username="file.reader")
    reader.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="customers", codename__in=["view_customer", "view_all_customers"]))
    client = signed_in(reader)
    page = client.get(f"/customers/{customer.pk}/")
    assert page.status_code == 200
    assert b'data-tab="receivables"' not in page.content
    assert b'data-tab="history"' in page.content
    codes = {name: client.get(url).status_code for name, url in urls(customer, other).items()}
    assert codes == dict.fromkeys(EVERYTHING, 403)


def test_the_navigation_links_only_for_receivables_readers(db):
    labels = [item["label"] for item in signed_in(UserFactory(role="collector")).get("/").context["navigation"]]
    assert labels[:4] == ["Overview", "Customers", "Receivables aging", "KPIs"]
    nobody = signed_in(UserFactory(username="no.role")).get("/").context["navigation"]
    assert [str(item["label"]) for item in nobody] == ["Overview", "My account"]


# --- the customer tab -----------------------------------------------------------------------------------------------

def figure(content: str, name: str) -> str:
    start = content.index(f'data-figure="{name}">') + len(f'data-figure="{name}">')
    return content[start:content.index("<", start)]


def test_the_tab_shows_the_figures_of_the_hand_built_customer(manager, customer):
    response = signed_in(manager).get(f"/customers/{customer.pk}/receivables/?{DAY}")
    content = response.content.decode()
    shown = {name: figure(content, name) for name in ("exposure", "open_receivables", "open_orders", "overdue",
                                                      "oldest_overdue_days", "unallocated_cash",
                                                      "unallocated_credit_notes")}
    assert shown == {"exposure": "4,240.00", "open_receivables": "3,240.00", "open_orders": "1,000.00",
                     "overdue": "1,200.00", "oldest_overdue_days": "91", "unallocated_cash": "170.00",
                     "unallocated_credit_notes": "50.00"}
    assert [(b.months, b.paid, b.average_days_to_pay, b.average_days_beyond_terms)
            for b in response.context["behaviour"]] == [(3, D("930.00"), D("38.2"), D("8.2")),
                                                        (6, D("930.00"), D("38.2"), D("8.2")),
                                                        (12, D("930.00"), D("38.2"), D("8.2"))]
    assert [(i.number, i.open_then, i.days_past_due) for i in response.context["items"]] == [
        ("C", D("400.00"), 91), ("A", D("800.00"), 30), ("B", D("2260.00"), 0)]
    assert [(c.kind, c.reference, c.unallocated) for c in response.context["credits"]] == [
        ("payment", "BANK-A", D("170.00")), ("credit_note", "CN-1", D("50.00"))]
    assert "<td>Last 12 months</td>" in content
    assert f'id="statement-pdf" href="/receivables/customers/{customer.pk}/statement.pdf?as_of=2026-11-30"' in content


def test_the_tab_charts_carry_the_aging_and_the_payment_history(manager, customer):
    context = signed_in(manager).get(f"/customers/{customer.pk}/receivables/?{DAY}").context
    aging = json.loads(context["aging_chart"])
    assert [point["value"] for point in aging["series"][0]["data"]] == [2260.0, 800.0, 0.0, 0.0, 400.0, 0.0, 0.0]
    history = json.loads(context["history_chart"])
    assert history["xAxis"]["data"][-4:] == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert [s["name"] for s in history["series"]] == ["Invoiced", "Paid on time", "Paid late"]
    assert [s["data"][-4:] for s in history["series"]] == [[400.0, 600.0, 1130.0, 2260.0], [0.0, 0.0, 0.0, 0.0],
                                                          [0.0, 0.0, 600.0, 330.0]]


def test_the_tab_filters_overdue_items_and_a_currency(manager, customer):
    client = signed_in(manager)
    overdue = client.get(f"/customers/{customer.pk}/receivables/?{DAY}&overdue=on").context["items"]
    assert [i.number for i in overdue] == ["C", "A"]
    assert client.get(f"/customers/{customer.pk}/receivables/?{DAY}&currency=USD").status_code == 400


def test_the_tab_pages_its_open_items(manager, customer):
    for n in range(51):
        bill(manager, customer, f"P-{n:02d}", "2026-11-01", "2026-12-31", "1.00")
    client = signed_in(manager)
    first = client.get(f"/customers/{customer.pk}/receivables/?{DAY}", headers={"HX-Request": "true"})
    second = client.get(f"/customers/{customer.pk}/receivables/?{DAY}&page=2", headers={"HX-Request": "true"})
    assert (len(first.context["items"]), len(second.context["items"])) == (50, 4)
    assert first.templates[0].name == "customers/tabs/receivables.html"
    assert f'hx-get="/customers/{customer.pk}/receivables/?as_of=2026-11-30&page=2"' in first.content.decode()


def test_a_missing_exchange_rate_is_said_on_the_tab_not_a_500(manager, customer):
    bill(manager, customer, "U-1", "2026-11-01", "2026-11-20", "10.00", currency="USD")
    response = signed_in(manager).get(f"/customers/{customer.pk}/receivables/?{DAY}")
    assert response.status_code == 200
    assert "No exchange rate for USD on or before 2026-11-30." in response.content.decode()
    assert "figures" not in response.context
    assert len(response.context["items"]) == 4


@pytest.mark.parametrize("day", ["2026-13-45", "yesterday", "0001-01-01"])
def test_a_wrong_date_on_the_tab_is_a_400_with_the_reason(manager, customer, day):
    response = signed_in(manager).get(f"/customers/{customer.pk}/receivables/?as_of={day}")
    assert response.status_code == 400
    assert 'id="input-errors"' in response.content.decode()


def test_the_tab_runs_as_many_queries_for_30_invoices_as_for_3(manager, django_assert_max_num_queries):
    customer = CustomerFactory()
    client = signed_in(manager)
    url = f"/customers/{customer.pk}/receivables/?{DAY}"

    def add(first: int, last: int) -> None:
        for n in range(first, last):
            invoice = bill(manager, customer, f"Q-{n}", "2026-09-01", "2026-10-01", "100.00")
            pay(manager, invoice, "40.00", "2026-10-20")

    add(0, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).context["items"]) == 3
    add(3, 30)
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(url).context["items"]) == 30


# --- downloads ------------------------------------------------------------------------------------------------------

def test_the_open_items_export_holds_the_selectors_numbers(manager, customer):
    rows = sheet_values(signed_in(manager).get(f"/receivables/customers/{customer.pk}/open-items.xlsx?{DAY}"))
    assert rows[0] == ["Invoice number", "Invoice date", "Due date", "Days past due", "Currency", "Gross amount",
                       "Open amount", "Disputed"]
    expected = [[i.number, i.invoice_date, i.due_date, i.days_past_due, i.currency_id, i.gross_amount, i.open_then]
                for i in open_items([customer.pk], AS_OF)]
    assert [[r[0], r[1].date(), r[2].date(), r[3], r[4], money(r[5]), money(r[6])] for r in rows[1:]] == expected
    assert [r[6] for r in rows[1:]] == [400, 800, 2260]


def test_the_open_items_export_keeps_the_tab_filters(manager, customer):
    rows = sheet_values(signed_in(manager).get(
        f"/receivables/customers/{customer.pk}/open-items.xlsx?{DAY}&overdue=on"))
    assert [r[0] for r in rows[1:]] == ["C", "A"]


def test_the_statement_is_a_pdf_attachment(manager, customer):
    response = signed_in(manager).get(f"/receivables/customers/{customer.pk}/statement.pdf?{DAY}")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="statement-C000100-2026-11-30.pdf"'


def test_a_wrong_date_for_a_download_is_a_400_with_the_reason(manager, customer):
    response = signed_in(manager).get(f"/receivables/customers/{customer.pk}/statement.pdf?as_of=2026-02-30")
    assert response.status_code == 400
    assert "As of: Enter a valid date." in response.content.decode()


# --- portfolio aging and its drill-down -----------------------------------------------------------------------------

def test_the_aging_report_drills_down_to_a_customers_items(manager, customer, other):
    client = signed_in(manager)
    report = client.get(f"/receivables/aging/?{DAY}")
    assert report.context["report"].amounts == portfolio_aging(
        portfolio_invoices(manager, PortfolioFilter()), AS_OF).amounts
    rows = {row["bucket"].key: row for row in report.context["rows"]}
    assert (rows["1_30"]["amount"], rows["1_30"]["share"]) == (D("900.00"), D("25.3"))
    bucket_url = rows["1_30"]["url"]
    assert bucket_url == f"/receivables/aging/customers/?{DAY}&bucket=1_30"
    assert f'href="{bucket_url.replace("&", "&amp;")}"' in report.content.decode()

    customers = client.get(bucket_url)
    assert [(r["code"], r["amounts"][1], r["total"]) for r in customers.context["rows"]] == [
        ("C000100", D("800.00"), D("3460.00")), ("C000200", D("100.00"), D("100.00"))]
    items_url = customers.context["rows"][0]["url"]
    assert items_url == f"/receivables/aging/customers/{customer.pk}/?{DAY}&bucket=1_30"

    items = client.get(items_url)
    assert [(item.number, item.open_functional, days) for item, days in items.context["rows"]] == [
        ("A", D("800.00"), 30)]
    assert "苏州丝绸有限公司 · 1–30" in items.content.decode()


def test_the_aging_report_by_segment(manager, customer, other):
    client = signed_in(manager)
    customer.owner.first_name = "Fang"
    customer.owner.save()
    response = client.get(f"/receivables/aging/?{DAY}&owner={customer.owner_id}")
    assert (response.context["report"].total, response.context["customers"]) == (D("3460.00"), 1)
    assert client.get(f"/receivables/aging/?{DAY}&owner=999999").status_code == 400


@pytest.mark.parametrize("query", ["as_of=2026-02-30", "as_of=2026-11-30&bucket=2_3", "as_of=2026-11-30&owner=x",
                                   "as_of=2026-11-30&format=pdf"])
def test_wrong_aging_input_is_a_400_with_the_reason(manager, customer, query):
    response = signed_in(manager).get(f"/receivables/aging/customers/?{query}")
    assert response.status_code == 400
    assert 'id="input-errors"' in response.content.decode()


def test_the_aging_exports_hold_the_selectors_numbers(manager, customer, other):
    client = signed_in(manager)
    invoices = portfolio_invoices(manager, PortfolioFilter())
    report = portfolio_aging(invoices, AS_OF)
    rows = sheet_values(client.get(f"/receivables/aging/?{DAY}&format=xlsx"))
    assert rows[0] == ["Bucket", "Amount (CNY)"]
    assert [[r[0], money(r[1])] for r in rows[1:]] == [
        *([b.label, report.amounts[b.key]] for b in report.buckets), ["Total", report.total]]
    assert rows[-1] == ["Total", 3560]

    by_customer = sheet_values(client.get(f"/receivables/aging/customers/?{DAY}&bucket=&format=xlsx"))
    assert by_customer[0][:3] == ["Customer number", "Legal name", "Local-language name"]
    keys = [b.key for b in report.buckets]
    assert [[r[0], *map(money, r[3:])] for r in by_customer[1:]] == [
        [row["customer__code"], *(row[key] for key in keys), row["total"]]
        for row in aging_by_customer(invoices, AS_OF)]

    items = sheet_values(client.get(f"/receivables/aging/customers/{customer.pk}/?{DAY}&bucket=91_180&format=xlsx"))
    assert [[r[1], r[4], money(r[7])] for r in items[1:]] == [["C", 91, D("400.00")]]


def test_a_missing_exchange_rate_is_said_on_the_aging_report(manager, customer):
    bill(manager, customer, "U-1", "2026-11-01", "2026-11-20", "10.00", currency="USD")
    client = signed_in(manager)
    for url in (f"/receivables/aging/?{DAY}", f"/receivables/aging/customers/?{DAY}",
                "/receivables/kpis/?month=2026-11"):
        response = client.get(url)
        assert response.status_code == 200
        assert "No exchange rate for USD on or before" in response.content.decode(), url
    ExchangeRate.objects.create(currency_id="USD", rate_date=dt.date(2026, 1, 1), rate=D("7.10"))
    assert client.get(f"/receivables/aging/?{DAY}").context["report"].amounts["1_30"] == D("871.00")


# --- KPI dashboard ---------------------------------------------------------------------------------------------------

def test_the_kpi_dashboard_and_its_export_hold_the_selectors_numbers(manager, customer, other):
    """October 2026, a month that has ended whatever day the tests run: A (1,130.00, not due) and C (400.00, 61
    days) were open on its last day."""
    client = signed_in(manager)
    invoices = portfolio_invoices(manager, PortfolioFilter())
    expected = monthly_kpis(invoices, dt.date(2026, 10, 31), 24)
    page = client.get("/receivables/kpis/?month=2026-10")
    assert page.context["periods"] == list(reversed(expected))
    chart = json.loads(page.context["trend_chart"])
    assert [s["name"] for s in chart["series"]] == ["DSO", "Count-back DSO", "Best possible DSO",
                                                   "Average days delinquent", "CEI (%)"]
    assert chart["series"][4]["yAxisIndex"] == 1
    aging = json.loads(page.context["aging_chart"])
    assert (aging["xAxis"]["data"][0], aging["xAxis"]["data"][-1]) == ("2025-11", "2026-10")
    assert [s["data"][-1] for s in aging["series"]] == [1130.0, 0.0, 0.0, 400.0, 0.0, 0.0, 0.0]

    rows = sheet_values(client.get("/receivables/kpis/?month=2026-10&format=xlsx"))
    assert rows[0][:3] == ["Month", "Period end", "AR"]
    assert len(rows) == 25
    october, last = expected[-1], rows[-1]
    assert (last[0], last[1].date()) == ("2026-10", dt.date(2026, 10, 31))
    assert [None if v is None else money(v) for v in (*last[2:8], *last[9:12])] == [
        october.ar, october.current_ar, october.opening_ar, october.credit_sales, october.dso,
        october.dso_count_back, october.best_possible_dso, october.average_days_delinquent, october.cei]
    assert (october.ar, october.current_ar) == (D("1530.00"), D("1130.00"))


@pytest.mark.parametrize("month", ["2026-13", "2999-01", "1800-01"])
def test_a_wrong_kpi_month_is_a_400(manager, month):
    response = signed_in(manager).get(f"/receivables/kpis/?month={month}")
    assert response.status_code == 400
    assert 'id="input-errors"' in response.content.decode()


def test_the_figures_the_pages_show_are_the_selectors(manager, customer):
    """The tab's context holds the selector's own result, not a copy worked out again."""
    shown = signed_in(manager).get(f"/customers/{customer.pk}/receivables/?{DAY}").context["figures"]
    assert shown == customer_figures([customer.pk], AS_OF)


def test_the_tab_shows_the_whole_group_when_asked(manager, seller, customer, other):
    """Wuxi Wire becomes Suzhou Silk's subsidiary: the group owes 3,460.00 + 100.00 on open invoices."""
    other.parent = customer
    other.save()
    client = signed_in(manager)
    alone = client.get(f"/customers/{customer.pk}/receivables/?{DAY}")
    grouped = client.get(f"/customers/{customer.pk}/receivables/?{DAY}&group=on")
    assert (alone.context["figures"].open_invoices, grouped.context["figures"].open_invoices) == (
        D("3460.00"), D("3560.00"))
    assert [(i.customer.code, i.number) for i in grouped.context["items"]] == [
        ("C000100", "C"), ("C000100", "A"), ("C000200", "W-1"), ("C000100", "B")]
    assert "<td>C000200</td><td>W-1</td>" in grouped.content.decode()
    assert 'name="group"' in alone.content.decode()
    # the sales user owns Suzhou Silk but not Wuxi Wire: no partial group total
    assert signed_in(seller).get(f"/customers/{customer.pk}/receivables/?{DAY}&group=on").status_code == 403
