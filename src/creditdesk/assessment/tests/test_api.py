"""`/api/assessment`: statements with their ratios and Z'' (list, enter, correct), the agencies' scales, external
ratings (list, record), the qualitative factors in force and a customer's answers (read, replace)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from creditdesk.accounts.services import create_api_token
from creditdesk.assessment.models import FinancialStatement, QualitativeAnswer
from creditdesk.assessment.services import answer_factors
from creditdesk.assessment.tests.factories import HAND_WORKED, ExternalRatingFactory, FinancialStatementFactory
from creditdesk.customers.services import upload_document
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal
LINES = {line: f"{value}" for line, value in HAND_WORKED.items()}
RATIOS_2025 = {
    "current_ratio": "1.6000", "quick_ratio": "1.1200", "cash_ratio": "0.2000", "debt_ratio": "0.6000",
    "debt_to_equity": "1.5000", "equity_ratio": "0.4000", "gross_margin": "0.2500", "ebit_margin": "0.0600",
    "net_margin": "0.0350", "return_on_assets": "0.0700", "return_on_equity": "0.1750", "asset_turnover": "2.0000",
    "receivables_days": "27.3750", "inventory_days": "21.9000", "interest_coverage": "4.0000",
    "cash_flow_to_current_liabilities": "0.4000", "revenue_growth": "0.2500", "net_income_growth": "-0.1250",
}
ALTMAN_2025 = {"x1": "0.1500", "x2": "0.1800", "x3": "0.1200", "x4": "0.6667", "z": "3.0772",
               "emerging_market_score": "6.3272", "zone": "safe"}


def client_for(user) -> Client:
    _token, plain = create_api_token(user, user, "erp")
    return Client(headers={"Authorization": f"Bearer {plain}", "Accept-Language": "en"})


@pytest.fixture
def seller(db):
    return UserFactory(username="li.sales", role="sales")


@pytest.fixture
def customer(seller):
    """Statements for 2025 (the hand-worked one) and 2024 (revenue 1,600,000, net income 80,000)."""
    customer = CustomerFactory(code="C000001", owner=seller)
    FinancialStatementFactory(customer=customer)
    FinancialStatementFactory(customer=customer, period_end=dt.date(2024, 12, 31), revenue=D("1600000"),
                              net_income=D("80000"))
    return customer


def json_post(client: Client, url: str, body: dict, method: str = "post"):
    return getattr(client, method)(url, body, content_type="application/json")


# --- statements ---------------------------------------------------------------------------------------------------

def test_statements_are_listed_newest_first_with_their_ratios_and_z(analyst, customer):
    body = client_for(analyst).get(f"/api/assessment/customers/{customer.pk}/statements?page_size=1").json()

    assert (body["count"], body["page"], body["page_size"]) == (2, 1, 1)
    (item,) = body["items"]
    assert item | {"id": 0, "entered_at": ""} == {
        "id": 0, "customer_id": customer.pk, "period_end": "2025-12-31", "period_months": 12, "currency": "CNY",
        "audited": True, "source": "annual_report", "lines": LINES, "ratios": RATIOS_2025, "altman": ALTMAN_2025,
        "entered_by": FinancialStatement.objects.get(period_end="2025-12-31").entered_by.username, "entered_at": ""}
    second = client_for(analyst).get(f"/api/assessment/customers/{customer.pk}/statements?page=2&page_size=1").json()
    assert [(i["period_end"], i["ratios"]["revenue_growth"]) for i in second["items"]] == [("2024-12-31", None)]


def test_a_statement_entered_over_the_api(analyst, customer):
    response = json_post(client_for(analyst), f"/api/assessment/customers/{customer.pk}/statements", {
        "period_end": "2023-12-31", "source": "tax_filing", "total_assets": "1000000", "total_liabilities": "600000",
        "equity": "400000", "ebit": "-20000.5"})

    assert response.status_code == 201
    body = response.json()
    assert (body["currency"], body["period_months"], body["audited"], body["lines"]["ebit"],
            body["lines"]["revenue"]) == ("CNY", 12, False, "-20000.50", None)
    assert (body["altman"]["x3"], body["altman"]["z"], body["entered_by"]) == ("-0.0200", None, analyst.username)
    assert FinancialStatement.objects.filter(customer=customer).count() == 3


def test_a_statement_that_fails_the_checks_is_refused_with_the_fields(analyst, customer):
    response = json_post(client_for(analyst), f"/api/assessment/customers/{customer.pk}/statements", {
        "period_end": "2025-12-31", "source": "annual_report", "total_assets": "1000000",
        "total_liabilities": "600000", "equity": "300000"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"equity": [
        "Total liabilities plus equity (900000.00) differ from total assets (1000000.00) by more than 1% of total "
        "assets."]}


def test_a_correction_changes_what_is_sent_with_the_reason(analyst, customer):
    statement = FinancialStatement.objects.get(period_end="2025-12-31")
    client = client_for(analyst)

    refused = json_post(client, f"/api/assessment/statements/{statement.pk}", {"audited": False}, "patch")
    assert (refused.status_code, refused.json()["errors"]) == (422, {"reason": ["Say why the statement is corrected."]})

    response = json_post(client, f"/api/assessment/statements/{statement.pk}", {
        "total_liabilities": "650000", "equity": "350000", "reason": "Restated."}, "patch")
    assert response.status_code == 200
    body = response.json()
    assert (body["lines"]["equity"], body["ratios"]["debt_ratio"], body["ratios"]["revenue_growth"]) == (
        "350000.00", "0.6500", "0.2500")
    statement.refresh_from_db()
    assert (statement.equity, statement.audited) == (D("350000.00"), True)


def test_sales_see_their_customer_but_not_its_statements(seller, customer):
    client = client_for(seller)
    assert client.get(f"/api/assessment/customers/{customer.pk}/statements").status_code == 403
    other = FinancialStatementFactory()
    assert client.get(f"/api/assessment/customers/{other.customer_id}/statements").status_code == 404
    assert json_post(client, f"/api/assessment/statements/{other.pk}", {"reason": "x"}, "patch").status_code == 404


# --- ratings ------------------------------------------------------------------------------------------------------

def test_the_agencies_scales_best_first(analyst):
    body = client_for(analyst).get("/api/assessment/agencies").json()
    assert [agency["agency"] for agency in body] == ["Fitch", "Moody's", "S&P"]
    assert body[1]["grades"][:5] == [{"grade": "Aaa", "rating_class": 1}, {"grade": "Aa1", "rating_class": 1},
                                     {"grade": "Aa2", "rating_class": 1}, {"grade": "Aa3", "rating_class": 1},
                                     {"grade": "A1", "rating_class": 2}]
    assert body[1]["grades"][-1] == {"grade": "C", "rating_class": 10}


def test_a_rating_recorded_and_listed(analyst, customer):
    client = client_for(analyst)
    report = upload_document(analyst, customer, SimpleUploadedFile("r.pdf", b"%PDF-1.4 r"),
                             {"doc_type": "credit_report", "title": "Moody's 2026"})
    ExternalRatingFactory(customer=customer, rated_on=dt.date(2025, 3, 15))

    response = json_post(client, f"/api/assessment/customers/{customer.pk}/ratings", {
        "agency": "moody's", "grade": "BA2", "rated_on": "2026-04-30", "outlook": "negative",
        "document_id": report.pk})

    assert response.status_code == 201
    assert response.json() | {"id": 0, "entered_at": ""} == {
        "id": 0, "customer_id": customer.pk, "agency": "Moody's", "grade": "Ba2", "rating_class": 5,
        "rated_on": "2026-04-30", "outlook": "negative", "source": "entered", "document_id": report.pk,
        "entered_by": analyst.username, "entered_at": ""}
    listed = client.get(f"/api/assessment/customers/{customer.pk}/ratings").json()
    assert (listed["count"], [(r["agency"], r["rated_on"]) for r in listed["items"]]) == (
        2, [("Moody's", "2026-04-30"), ("S&P", "2025-03-15")])


def test_an_unknown_grade_or_another_customers_report_is_refused(analyst, customer):
    client = client_for(analyst)
    url = f"/api/assessment/customers/{customer.pk}/ratings"
    unknown = json_post(client, url, {"agency": "Fitch", "grade": "Baa1", "rated_on": "2026-04-30"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"]["grade"][0].startswith("“Baa1” is not a grade of Fitch; its grades are: AAA, AA+")
    elsewhere = upload_document(analyst, CustomerFactory(), SimpleUploadedFile("r.pdf", b"%PDF-1.4 r"),
                                {"doc_type": "credit_report", "title": "Report"})
    assert json_post(client, url, {"agency": "Fitch", "grade": "A", "rated_on": "2026-04-30",
                                   "document_id": elsewhere.pk}).status_code == 404


# --- qualitative factors ------------------------------------------------------------------------------------------

def test_the_factors_in_force_with_their_answers(analyst):
    body = client_for(analyst).get("/api/assessment/qualitative-factors").json()
    assert [factor["code"] for factor in body] == ["years_in_business", "management_quality", "market_position",
                                                   "industry_risk", "ownership", "legal_events"]
    assert body[1] == {"code": "management_quality", "label": "Management quality", "answers": [
        {"code": "strong", "label": "Strong: experienced, transparent, succession planned"},
        {"code": "adequate", "label": "Adequate"},
        {"code": "weak", "label": "Weak: inexperienced, opaque or often changing"}]}


def test_the_answers_read_and_replaced_as_a_whole(analyst, customer):
    answer_factors(analyst, customer, {"ownership": "listed", "legal_events": "minor"}, {"legal_events": "Fined."})
    client = client_for(analyst)
    url = f"/api/assessment/customers/{customer.pk}/qualitative"

    read = client.get(url).json()
    assert [(a["factor"], a["answer"], a["label"], a["note"]) for a in read] == [
        ("years_in_business", None, None, ""), ("management_quality", None, None, ""),
        ("market_position", None, None, ""), ("industry_risk", None, None, ""),
        ("ownership", "listed", "Listed company", ""),
        ("legal_events", "minor", "Minor: small claims or settled disputes", "Fined.")]
    assert read[4]["answered_by"] == analyst.username

    replaced = json_post(client, url, {"answers": {"ownership": "private", "industry_risk": "high"},
                                       "notes": {"industry_risk": "Textiles."}}, "put")
    assert replaced.status_code == 200
    assert [(a["factor"], a["answer"], a["note"]) for a in replaced.json() if a["answer"]] == [
        ("industry_risk", "high", "Textiles."), ("ownership", "private", "")]
    assert QualitativeAnswer.objects.filter(factor="legal_events").exists() is False  # left out: cleared


def test_a_wrong_answer_is_refused_under_its_factor(analyst, customer):
    response = json_post(client_for(analyst), f"/api/assessment/customers/{customer.pk}/qualitative",
                         {"answers": {"ownership": "pirate"}, "notes": {"luck": "good"}}, "put")
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "ownership": ["“pirate” is not an answer to Ownership; choose one of: state_owned, listed, group_subsidiary, "
                      "private, individual."],
        "luck": ["A note needs the factor's answer beside it."]}
