"""The customer file's assessment tab: the statement history with its ratios and Z'' zone per period, the industry
percentiles, payment behaviour, external ratings and qualitative answers; the forms that add to them, with the
services' refusals shown beside the fields; the page that corrects a statement.

Unless a test says otherwise the customer (wholesale, industry F) has the hand-worked statement for 2025 and a
distressed one for 2024: current assets 200,000 so working capital −50,000, no retained earnings, EBIT 10,000, so
X1 = −0.05, X2 = 0, X3 = 0.01, X4 = 400 / 600 = 0.6667 and Z'' = −0.328 + 0.0672 + 0.7000 = 0.4392.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from creditdesk.assessment.models import ExternalRating, FinancialStatement, QualitativeAnswer
from creditdesk.assessment.selectors import Standing
from creditdesk.assessment.services import answer_factors
from creditdesk.assessment.tests.factories import HAND_WORKED, ExternalRatingFactory, FinancialStatementFactory
from creditdesk.audit.models import AuditEntry
from creditdesk.testing.clients import signed_in
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal
SP_GRADES = ("AAA, AA+, AA, AA-, A+, A, A-, BBB+, BBB, BBB-, BB+, BB, BB-, B+, B, B-, CCC+, CCC, CCC-, CC, C, SD, "
             "D")


@pytest.fixture
def customer(db):
    customer = CustomerFactory(code="C000001", name="Hangzhou Textiles", industry="F")
    FinancialStatementFactory(customer=customer)
    FinancialStatementFactory(customer=customer, period_end=dt.date(2024, 12, 31), current_assets=D("200000"),
                              retained_earnings=D("0"), ebit=D("10000"), revenue=D("1600000"))
    return customer


def tab(customer) -> str:
    return f"/customers/{customer.pk}/assessment/"


def row(context, name: str) -> list:
    return next(r.values for r in context["rows"] if r.name == name)


def statement_post(**changes) -> dict[str, str]:
    """The entry form as an analyst fills it in: the hand-worked statement for 2023."""
    return {"period_end": "2023-12-31", "period_months": "12", "currency": "CNY", "audited": "on",
            "source": "annual_report", **{line: str(value) for line, value in HAND_WORKED.items()}, **changes}


# --- the tab ------------------------------------------------------------------------------------------------------

def test_the_tab_shows_each_periods_ratios_and_zone_newest_first(analyst, customer):
    response = signed_in(analyst).get(tab(customer))

    assert response.status_code == 200
    context = response.context
    assert [a.statement.period_end for a in context["history"]] == [dt.date(2025, 12, 31), dt.date(2024, 12, 31)]
    assert row(context, "current_ratio") == [D("1.6000"), D("0.8000")]  # 400 / 250; 200 / 250
    assert row(context, "net_margin") == [D("0.0350"), D("0.0438")]  # 70 / 2,000; 70 / 1,600
    assert row(context, "revenue_growth") == [D("0.2500"), None]  # (2,000 − 1,600) / 1,600
    assert row(context, "z_score") == [D("3.0772"), D("0.4392")]
    assert row(context, "revenue") == [D("2000000.00"), D("1600000.00")]
    html = response.content.decode()
    for line in ('<tr data-figure="current_ratio"><td>Current ratio</td><td class="num">1.60</td><td class="num">0.80'
                 '</td>',
                 '<tr data-figure="net_margin"><td>Net margin</td><td class="num">3.5%</td><td class="num">4.4%</td>',
                 '<tr data-figure="receivables_days"><td>Receivables days</td><td class="num">27</td>',
                 '<tr data-figure="revenue_growth"><td>Revenue growth</td><td class="num">25.0%</td><td class="num">—'
                 '</td>'):
        assert line in html
    assert '<td class="num">2,000,000.00</td>' in html
    assert '<span class="badge active">Safe</span>' in html and '<span class="badge blocked">Distress</span>' in html
    assert 'data-tab="assessment"' in html


def test_the_tab_places_the_latest_statement_among_the_industry(analyst, customer):
    FinancialStatementFactory(customer=CustomerFactory(industry="F"), current_assets=D("300000"))  # current ratio 1.2
    percentiles = {str(label): standing
                   for label, _kind, standing in signed_in(analyst).get(tab(customer)).context["percentiles"]}
    assert percentiles["Current ratio"] == Standing(D("1.6000"), D("75.0"), 2)  # one below, itself half, of two
    assert percentiles["Altman Z''"] == Standing(D("3.0772"), D("75.0"), 2)  # the peer's X1 0.05: Z'' 2.4212


def test_the_tab_lists_ratings_and_answers_and_the_payment_behaviour(analyst, customer):
    ExternalRatingFactory(customer=customer, entered_by=analyst)
    ExternalRatingFactory(customer=customer, agency="Moody's", grade="Ba1", rating_class=5,
                          rated_on=dt.date(2026, 6, 30), outlook="", entered_by=analyst)
    answer_factors(analyst, customer, {"ownership": "listed"}, {"ownership": "Shenzhen main board."})

    response = signed_in(analyst).get(tab(customer))

    assert [(r.agency, r.grade, r.rating_class) for r in response.context["ratings"]] == [
        ("Moody's", "Ba1", 5), ("S&P", "BBB-", 4)]
    answers = {item.factor.code: item for item in response.context["answers"]}
    assert (answers["ownership"].answer.answer, answers["ownership"].answer.note) == ("listed", "Shenzhen main board.")
    assert answers["legal_events"].answer is None
    behaviour = response.context["behaviour"]
    assert (behaviour.invoices_settled, behaviour.share_paid_late, behaviour.broken_promises) == (0, None, 0)
    html = response.content.decode()
    assert '<td>2026-06-30</td><td>Moody&#x27;s</td><td>Ba1</td><td class="num">5</td>' in html
    assert "<td>Listed company</td><td class=\"wrap\">Shenzhen main board.</td>" in html
    assert 'data-figure="share_paid_late">—</b>' in html
    assert 'data-figure="broken_promises">0</b>' in html
    assert response.context["answers_form"].initial == {"ownership": "listed",
                                                        "ownership__note": "Shenzhen main board."}


def test_a_customer_without_statements_says_so(analyst):
    response = signed_in(analyst).get(tab(CustomerFactory()))
    assert (response.status_code, response.context["history"], response.context["percentiles"]) == (200, [], [])
    assert 'id="no-statements"' in response.content.decode()


def test_htmx_swaps_just_the_tab(analyst, customer):
    html = signed_in(analyst).get(tab(customer), headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<div id="assessment-tab">')


@pytest.mark.parametrize("role", ["sales", "collector"])
def test_roles_without_the_assessment_see_no_tab(db, customer, role):
    user = UserFactory(username=f"u_{role}", role=role)
    customer.owner = user
    customer.save()
    client = signed_in(user)
    assert 'data-tab="assessment"' not in client.get(f"/customers/{customer.pk}/").content.decode()
    assert client.get(tab(customer)).status_code == 403


def test_readers_see_no_forms(db, customer):
    html = signed_in(UserFactory(username="u_auditor", role="auditor")).get(tab(customer)).content.decode()
    assert 'id="statement-form"' not in html and 'id="rating-form"' not in html and 'id="answers-form"' not in html
    assert ">Correct</a>" not in html


# --- the forms ----------------------------------------------------------------------------------------------------

def test_a_statement_entered_on_the_tab_is_saved(analyst, customer):
    response = signed_in(analyst).post(f"/assessment/customers/{customer.pk}/statements", statement_post(),
                                       follow=True)
    assert response.redirect_chain == [(tab(customer), 302)]
    assert [str(m) for m in response.context["messages"]] == ["Statement entered."]
    statement = FinancialStatement.objects.get(customer=customer, period_end=dt.date(2023, 12, 31))
    assert (statement.entered_by, statement.equity, statement.audited) == (analyst, D("400000.00"), True)


def test_a_statement_that_does_not_balance_stays_on_the_tab_with_the_reason_beside_the_field(analyst, customer):
    response = signed_in(analyst).post(f"/assessment/customers/{customer.pk}/statements",
                                       statement_post(equity="300000", cash="500000"))
    assert response.status_code == 422
    assert response.context["statement_form"].errors == {
        "cash": ["Cash and equivalents cannot exceed current assets."],
        "equity": ["Total liabilities plus equity (900000.00) differ from total assets (1000000.00) by more than 1% "
                   "of total assets."]}
    html = response.content.decode()
    assert '<details class="panel" id="statement-entry" open>' in html
    assert FinancialStatement.objects.filter(customer=customer).count() == 2


def test_a_rating_recorded_on_the_tab_and_an_unknown_grade_refused(analyst, customer):
    client = signed_in(analyst)
    url = f"/assessment/customers/{customer.pk}/ratings"
    refused = client.post(url, {"agency": "S&P", "grade": "Baa3", "rated_on": "2026-03-15", "outlook": ""})
    assert refused.status_code == 422
    assert refused.context["rating_form"].errors == {"grade": [
        f"“Baa3” is not a grade of S&P; its grades are: {SP_GRADES}."]}

    response = client.post(url, {"agency": "S&P", "grade": "bbb-", "rated_on": "2026-03-15", "outlook": "stable"})
    assert (response.status_code, response["Location"]) == (302, tab(customer))
    assert ExternalRating.objects.values_list("agency", "grade", "rating_class", "outlook", "entered_by").get() == (
        "S&P", "BBB-", 4, "stable", analyst.pk)


def test_the_rating_form_offers_the_agencies_and_the_customers_documents(analyst, customer):
    form = signed_in(analyst).get(tab(customer)).context["rating_form"]
    assert [choice for choice, _label in form.fields["agency"].choices] == ["Fitch", "Moody's", "S&P"]
    assert form.initial == {"rated_on": timezone.localdate()}


def test_the_qualitative_answers_saved_from_the_tab(analyst, customer):
    client = signed_in(analyst)
    url = f"/assessment/customers/{customer.pk}/qualitative"
    refused = client.post(url, {"management_quality": "", "management_quality__note": "Met the CFO."})
    assert refused.status_code == 422
    assert refused.context["answers_form"].errors == {"management_quality": ["Choose an answer to keep a note on it."]}

    response = client.post(url, {"management_quality": "strong", "management_quality__note": "Met the CFO.",
                                 "legal_events": "none"})
    assert (response.status_code, response["Location"]) == (302, tab(customer))
    assert list(QualitativeAnswer.objects.values_list("factor", "answer", "note")) == [
        ("legal_events", "none", ""), ("management_quality", "strong", "Met the CFO.")]


def test_an_unknown_answer_is_refused_by_the_form(analyst, customer):
    response = signed_in(analyst).post(f"/assessment/customers/{customer.pk}/qualitative", {"ownership": "pirate"})
    assert response.status_code == 422
    assert response.context["answers_form"].errors == {"ownership": [
        "Select a valid choice. pirate is not one of the available choices."]}


# --- correcting a statement ---------------------------------------------------------------------------------------

def test_a_correction_with_its_reason_is_saved_and_audited(analyst, customer):
    statement = FinancialStatement.objects.get(customer=customer, period_end=dt.date(2025, 12, 31))
    url = f"/assessment/statements/{statement.pk}/correct"
    client = signed_in(analyst)
    page = client.get(url)
    assert (page.status_code, page.context["form"].initial["equity"]) == (200, D("400000.00"))

    data = statement_post(period_end="2025-12-31", total_liabilities="605000", equity="395000",
                          reason="Auditor's adjustment.")
    response = client.post(url, data)

    assert (response.status_code, response["Location"]) == (302, tab(customer))
    statement.refresh_from_db()
    assert (statement.total_liabilities, statement.equity) == (D("605000.00"), D("395000.00"))
    entry = AuditEntry.objects.get(action="financial_statement.correct")
    assert entry.changes == {"total_liabilities": ["600000.00", "605000.00"], "equity": ["400000.00", "395000.00"]}
    assert entry.reason == "Auditor's adjustment."


def test_date_pickers_show_their_dates_in_every_language(analyst, customer):
    """A date input shows nothing unless its value is ISO, and Chinese formats dates otherwise."""
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(analyst)
    statement = FinancialStatement.objects.get(customer=customer, period_end=dt.date(2025, 12, 31))
    correction = client.get(f"/assessment/statements/{statement.pk}/correct").content.decode()
    assert 'type="date" name="period_end" value="2025-12-31"' in correction
    assert f'type="date" name="rated_on" value="{timezone.localdate().isoformat()}"' in client.get(
        tab(customer)).content.decode()


def test_a_correction_without_a_reason_is_refused_beside_the_reason(analyst, customer):
    statement = FinancialStatement.objects.get(customer=customer, period_end=dt.date(2025, 12, 31))
    response = signed_in(analyst).post(f"/assessment/statements/{statement.pk}/correct",
                                       statement_post(period_end="2025-12-31", audited=""))
    assert response.status_code == 422
    assert response.context["form"].errors == {"reason": ["Say why the statement is corrected."]}
    statement.refresh_from_db()
    assert statement.audited is True


def test_a_statement_of_a_customer_the_user_may_not_see_is_not_found(customer):
    statement = FinancialStatement.objects.filter(customer=customer).first()
    sales = UserFactory(username="u_sales", role="sales")
    assert signed_in(sales).get(f"/assessment/statements/{statement.pk}/correct").status_code == 404
