"""The policy's model in the browser: an analyst uploads a trained scorecard on the Scorecard page and asks for its
activation; the credit manager approves it on the model's page; the next assessment is scored on its tables."""

import json

import pytest
from playwright.sync_api import Page, expect

from creditdesk.assessment.tests.test_scoring_models import trained_card
from creditdesk.testing.factories import CustomerFactory, UserFactory


@pytest.mark.browser
def test_a_trained_model_is_uploaded_approved_by_someone_else_and_scores_the_next_assessment(
        page: Page, live_server, log_in, english, screenshot, tmp_path) -> None:
    analyst = UserFactory(username="chen.analyst", role="credit_analyst")
    manager = UserFactory(username="wang.manager", role="credit_manager")
    customer = CustomerFactory(currency_id="CNY")
    model_file = tmp_path / "portfolio-2025.json"
    model_file.write_text(json.dumps(trained_card()), encoding="utf-8")

    log_in(analyst)
    page.goto("/assessment/scorecard/")
    form = page.locator("#register-model")
    form.locator('[name="code"]').fill("portfolio-2025")
    form.locator('[name="note"]').fill("Own portfolio, 90 days past due within 12 months.")
    form.locator('[name="file"]').set_input_files(str(model_file))
    form.get_by_role("button", name="Register as a draft").click()
    expect(page.locator(".messages li.success")).to_have_text("Model portfolio-2025 registered as a draft.")
    expect(page.locator('#points-table tr[data-factor="current_ratio"] td').first).to_have_text("Current ratio")
    change = page.locator("#model-change")
    change.locator('[name="reason"]').fill("Validates better than the expert card.")
    change.get_by_role("button", name="Ask for activation").click()
    expect(page.locator("#model-status")).to_have_text("Activation requested")

    log_in(manager)
    page.goto("/assessment/models/portfolio-2025/")
    page.locator("#model-decision").get_by_role("button", name="Approve as the policy's model").click()
    expect(page.locator("#model-status")).to_have_text("Policy's model")
    screenshot(page, "model-page")

    log_in(analyst)
    page.goto(f"/customers/{customer.pk}/assessment/")
    page.locator("#run-assessment").get_by_role("button", name="Run assessment").click()
    # nothing on file: 600 base points, current ratio missing −5, management missing −3
    expect(page.locator('[data-figure="score"]')).to_have_text("592.0")
    expect(page.locator("#base-points td").last).to_have_text("600.0")
    expect(page.locator("#assessment-run")).to_contain_text("Model portfolio-2025")
    screenshot(page, "assessment-on-trained-model")
