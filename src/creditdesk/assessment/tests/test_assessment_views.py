"""The credit assessment on the customer's assessment tab: the run button, the latest assessment with its
contributions (chart and table) and limit rules (the binding one marked), the limit request pre-filled with the
recommendation, the rating override and its approval; the override report and the scorecard page.

The customer has the hand-worked statement and five qualitative answers, so (see test_rating) the card gives
67.8 points, class 3 (PD 0.25 %, 90 days), and the working-capital rule binds at 37,500.00.
"""

import json
from decimal import Decimal
from unittest.mock import patch

import pytest

from creditdesk.assessment.models import CreditAssessment
from creditdesk.assessment.rating import request_override, run_assessment
from creditdesk.assessment.tests.factories import customer_on_file
from creditdesk.audit.models import AuditEntry
from creditdesk.testing.clients import signed_in
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal


@pytest.fixture
def customer(analyst):
    return customer_on_file(analyst, name="Hangzhou Textiles", industry="F")


def tab(customer) -> str:
    return f"/customers/{customer.pk}/assessment/"


def test_the_run_button_creates_an_assessment_shown_on_the_tab(analyst, customer):
    client = signed_in(analyst)
    assert '<p class="muted" id="no-assessment">No assessment yet.</p>' in client.get(tab(customer)).content.decode()

    response = client.post(f"/assessment/customers/{customer.pk}/assessments", follow=True)

    assessment = CreditAssessment.objects.get(customer=customer)
    assert (assessment.score, assessment.rating, assessment.run_by) == (D("67.8"), 3, analyst)
    assert response.redirect_chain == [(tab(customer), 302)]
    html = response.content.decode()
    assert "Assessment run: score 67.8, rating 3." in html
    for part in ('<b data-figure="score">67.8</b>', '<b data-figure="rating">3</b>', '<b data-figure="pd">0.25%</b>',
                 '<b data-figure="terms_days">90 days</b>', '<b data-figure="recommended_limit">37,500.00 CNY</b>',
                 "Model expert-1, run by chen.analyst on"):
        assert part in html


def test_the_tab_shows_the_contributions_as_a_chart_and_a_table(analyst, customer):
    run_assessment(analyst, customer)

    response = signed_in(analyst).get(tab(customer))

    chart = json.loads(response.context["contributions_chart"])
    assert chart["yAxis"]["data"][:4] == ["Altman Z''", "Current ratio", "Debt ratio", "Net margin"]
    assert [bar["value"] for bar in chart["series"][0]["data"]] == [
        16.0, 7.0, 7.0, 2.5, 5.0, 3.0, 3.8, 3.5, 5.0, 7.5, 2.5, 5.0]
    assert chart["series"][0]["data"][0]["itemStyle"] == {"color": "#1e7b4f"}  # 80 points
    html = response.content.decode()
    assert 'id="contributions-chart" data-chart="' in html
    for row in ('<tr data-factor="z_score"><td>Altman Z&#x27;&#x27;</td><td>3.0772</td><td>2.6 – 4</td>'
                '<td class="num">80</td><td class="num">0.20</td><td class="num">16.0</td></tr>',
                '<tr data-factor="years_in_business"><td>Years in business</td><td>over_10</td><td>over_10</td>'
                '<td class="num">100</td><td class="num">0.05</td><td class="num">5.0</td></tr>',
                '<tr data-factor="days_beyond_terms"><td>Days beyond terms (12 months)</td><td>—</td><td>missing</td>'
                '<td class="num">50</td><td class="num">0.15</td><td class="num">7.5</td></tr>',
                '<tr class="total"><td colspan="5">Score</td><td class="num">67.8</td></tr>'):
        assert row in html


def test_the_tab_shows_every_rule_and_marks_the_binding_one(analyst, customer):
    run_assessment(analyst, customer)

    response = signed_in(analyst).get(tab(customer))

    rules = {rule["code"]: (rule["amount"], rule["binding"]) for rule in response.context["rules"]}
    assert rules == {"net_worth": (D("64000.00"), False), "working_capital": (D("37500.00"), True),
                     "sales": (None, False), "rating_cap": (D("10000000.00"), False), "own_equity": (None, False),
                     "portfolio": (None, False), "insurer_cover": (None, False)}
    html = response.content.decode()
    assert '<tr data-rule="working_capital" class="binding">' in html
    assert '<td class="num"><b>37,500.00</b></td>' in html
    assert '<tr data-rule="net_worth">' in html and '<td class="num">64,000.00</td>' in html
    assert (f'<a class="button" id="request-recommended" href="/customers/{customer.pk}/limits/?amount=37500.00">'
            "Request this limit</a>") in html


def test_the_limits_tab_pre_fills_the_requested_amount(analyst, customer):
    client = signed_in(analyst)

    response = client.get(f"/customers/{customer.pk}/limits/?amount=37500.00")

    assert response.context["form"]["amount"].value() == D("37500.00")
    assert 'name="amount" value="37500.00"' in response.content.decode()
    assert client.get(f"/customers/{customer.pk}/limits/?amount=lots").context["form"]["amount"].value() is None
    assert client.get(f"/customers/{customer.pk}/limits/").context["form"]["amount"].value() is None


def test_an_override_is_requested_and_approved_from_the_tab(analyst, manager, customer):
    assessment = run_assessment(analyst, customer)

    response = signed_in(analyst).post(f"/assessment/assessments/{assessment.pk}/override",
                                       {"rating": "5", "reason": "Main customer went bankrupt."}, follow=True)

    assert "Override requested; it now waits for approval." in response.content.decode()
    assessment.refresh_from_db()
    assert (assessment.override_status, assessment.override_rating, assessment.final_rating) == ("requested", 5, 3)
    assert "Approve override" not in signed_in(UserFactory(role="auditor")).get(tab(customer)).content.decode()

    refused = signed_in(analyst).post(f"/assessment/assessments/{assessment.pk}/override/approve", {}, follow=True)
    assert "The maker of an override cannot approve or reject it." in refused.content.decode()

    response = signed_in(manager).post(f"/assessment/assessments/{assessment.pk}/override/approve",
                                       {"reason": "Agreed."}, follow=True)

    html = response.content.decode()
    assert "Override approved: the rating is now 5." in html
    assert '<b data-figure="rating">5</b> <span class="muted" data-figure="card_rating">overridden; the card gave 3' \
           "</span>" in html
    assessment.refresh_from_db()
    assert (assessment.override_status, assessment.override_decided_by, assessment.final_rating) == (
        "approved", manager, 5)
    assert AuditEntry.objects.filter(action="assessment.override_approved").count() == 1


def test_an_override_without_a_reason_is_refused_beside_the_field(analyst, customer):
    assessment = run_assessment(analyst, customer)

    response = signed_in(analyst).post(f"/assessment/assessments/{assessment.pk}/override", {"rating": "3",
                                                                                            "reason": "Same."})

    assert response.status_code == 422
    assert response.context["override_form"].errors == {
        "rating": ["Choose a class of the scale other than the one the card gave."]}


def test_an_override_is_rejected_from_the_report_with_a_reason(analyst, manager, customer):
    assessment = request_override(analyst, run_assessment(analyst, customer), 2, "Strong parent.")
    client = signed_in(manager)

    page = client.get("/assessment/overrides/")
    html = page.content.decode()
    assert f'<tr data-assessment="{assessment.pk}">' in html
    assert '<td class="num">67.8</td><td class="num">3</td><td class="num">2</td>' in html
    assert "Strong parent." in html and '<span class="badge on_hold">Requested</span>' in html

    refused = client.post(f"/assessment/assessments/{assessment.pk}/override/reject", {"back": "report"}, follow=True)
    assert refused.redirect_chain == [("/assessment/overrides/", 302)]
    assert "Say why the override is rejected." in refused.content.decode()

    done = client.post(f"/assessment/assessments/{assessment.pk}/override/reject",
                       {"reason": "No guarantee.", "back": "report"}, follow=True)
    assert "Override rejected." in done.content.decode()
    assessment.refresh_from_db()
    assert (assessment.override_status, assessment.final_rating) == ("rejected", 3)
    assert [item.pk for item in client.get("/assessment/overrides/?status=rejected").context["page"]] == [
        assessment.pk]
    assert list(client.get("/assessment/overrides/?status=approved").context["page"]) == []


def test_earlier_assessments_are_listed_below_the_latest(analyst, customer):
    first = run_assessment(analyst, customer)
    latest = run_assessment(analyst, customer)

    response = signed_in(analyst).get(tab(customer))

    assert response.context["latest"] == latest
    assert list(response.context["earlier"]) == [first]
    assert f'<tr data-assessment="{first.pk}"><td>' in response.content.decode()


def test_earlier_assessments_come_a_page_at_a_time(analyst, customer):
    runs = [run_assessment(analyst, customer) for _ in range(4)]
    with patch("creditdesk.assessment.views.PAGE_SIZE", 2):
        response = signed_in(analyst).get(tab(customer) + "?page=2")
    page = response.context["earlier"]
    assert ([item.pk for item in page], page.paginator.count) == ([runs[0].pk], 3)
    assert "Page 2 of 2" in response.content.decode()


def test_the_scorecard_page_shows_the_card_the_scale_and_the_drift(analyst, customer):
    run_assessment(analyst, customer)
    run_assessment(analyst, CustomerFactory())  # nothing on file: 41.0, class 7

    response = signed_in(analyst).get("/assessment/scorecard/")

    html = response.content.decode()
    assert '<span class="muted" id="card-version">Version expert-1</span>' in html
    assert ('<tr data-factor="z_score">\n    <td>Altman Z&#x27;&#x27;</td><td class="num">0.20</td>\n    <td><table '
            'class="compact"><tr><td>&lt; 1.1</td><td class="num">0</td></tr><tr><td>1.1 – 2.6</td><td class="num">40'
            '</td></tr><tr><td>2.6 – 4</td><td class="num">80</td></tr><tr><td>≥ 4</td><td class="num">100</td></tr>'
            '</table></td>\n    <td class="num">30</td></tr>') in html
    assert ('<tr data-class="3"><td class="num">3</td><td class="num">65</td><td class="num">0.25%</td>'
            '<td class="num">90</td></tr>') in html
    # both customers' only assessments are the development sample and the current population alike
    assert '<b data-figure="psi">0.0000</b>' in html
    assert response.context["verdict"] == "stable"
    assert response.context["drift"].development == 2 and response.context["drift"].current == 2
    assert ("z_score", "Altman Z''", D("0.0000"), "stable") in [
        (code, str(label), value, reading) for code, label, value, reading in response.context["factor_drift"]]


def test_sales_see_no_assessment_pages(customer):
    client = signed_in(UserFactory(role="sales"))
    assert client.get("/assessment/scorecard/").status_code == 403
    assert client.get("/assessment/overrides/").status_code == 403
