"""Credit assessment in the browser: an analyst enters a statement on the Assessment tab, runs an assessment, sees
each factor's contribution drawn and tabled, and requests the recommended limit from it."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from creditdesk.assessment.models import CreditAssessment
from creditdesk.assessment.tests.factories import HAND_WORKED
from creditdesk.limits.models import CreditLimit, LimitStatus
from creditdesk.testing.factories import CustomerFactory, UserFactory


@pytest.mark.browser
def test_a_statement_is_entered_assessed_and_its_recommended_limit_requested(
        page: Page, live_server, log_in, english, screenshot) -> None:
    analyst = UserFactory(username="chen.analyst", role="credit_analyst")
    customer = CustomerFactory(local_name="杭州纺织有限公司", currency_id="CNY")

    log_in(analyst)
    page.goto(f"/customers/{customer.pk}/assessment/")
    expect(page.locator("#no-assessment")).to_be_visible()
    page.locator("#statement-entry summary").click()
    form = page.locator("#statement-form")
    form.locator('[name="period_end"]').fill("2025-12-31")
    form.locator('[name="source"]').select_option("annual_report")
    for line, value in HAND_WORKED.items():
        form.locator(f'[name="{line}"]').fill(str(value))
    form.get_by_role("button", name="Enter statement").click()
    expect(page.locator(".messages li.success")).to_have_text("Statement entered.")

    page.locator("#run-assessment").get_by_role("button", name="Run assessment").click()
    # no qualitative answers, no ledger, no agency rating: 16.0 + 7.0 + 7.0 + 2.5 + 1.5 + 2.5 + 2.5 + 2.5 + 3.0
    # + 7.5 + 2.5 + 5.0 = 59.5, class 4
    expect(page.locator(".messages li.success")).to_have_text("Assessment run: score 59.5, rating 4.")
    expect(page.locator('[data-figure="score"]')).to_have_text("59.5")
    expect(page.locator('[data-figure="rating"]')).to_have_text("4")
    expect(page.locator("#contributions-chart canvas")).to_have_count(1)
    expect(page.locator("#contributions tr")).to_have_count(14)  # header, twelve factors, total
    expect(page.locator('#contributions tr[data-factor="z_score"] td')).to_have_text(
        ["Altman Z''", "3.0772", "2.6 – 4", "80", "0.20", "16.0"])
    assessment = CreditAssessment.objects.get(customer=customer)
    binding = page.locator(f'#recommendation tr[data-rule="{assessment.binding_rule}"]')
    expect(binding).to_have_class("binding")
    screenshot(page, "assessment-tab")

    page.locator("#request-recommended").click()
    expect(page).to_have_url(f"{live_server.url}/customers/{customer.pk}/limits/?amount={assessment.recommended_limit}")
    form = page.locator("#limit-request")
    expect(form.locator('[name="amount"]')).to_have_value(str(assessment.recommended_limit))
    form.locator('[name="justification"]').fill("As the assessment recommends.")
    form.get_by_role("button", name="Request limit").click()
    expect(page.locator(".messages li.success")).to_have_text("Limit requested; it now waits for approval.")
    expect(page.locator("#open-requests tr")).to_have_count(2)
    requested = CreditLimit.objects.get(customer=customer)
    assert (requested.status, requested.amount) == (LimitStatus.REQUESTED, assessment.recommended_limit)
    assert requested.amount == Decimal("37500.00")
