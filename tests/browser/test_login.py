"""Logging in through the form: a wrong password stays on the form, the right one opens the overview."""

import pytest
from playwright.sync_api import Page, expect

from creditdesk.testing.factories import UserFactory

PASSWORD = "secret-pass-1"  # what UserFactory sets


@pytest.mark.browser
def test_an_analyst_logs_in_and_lands_on_the_overview(page: Page, live_server, english) -> None:
    analyst = UserFactory(role="credit_analyst", first_name="Wei", last_name="Li")
    submit = page.locator("form.stacked button[type=submit]")

    page.goto("/login/")
    expect(page.locator("aside.sidebar")).to_have_count(0)
    page.fill("#id_username", analyst.username)
    page.fill("#id_password", "not-the-password")
    submit.click()

    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.locator("p.errorlist")).to_have_text("Your user name and password did not match. Please try again.")
    expect(page.locator("aside.sidebar")).to_have_count(0)
    expect(page.locator("#id_username")).to_have_value(analyst.username)

    page.fill("#id_password", PASSWORD)
    submit.click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("main h1")).to_have_text("Overview")
    expect(page.locator(".sidebar nav a.active")).to_have_text("Overview")
    expect(page.locator(".sidebar .who > div").first).to_have_text("Wei Li")
    expect(page.locator(".sidebar nav a")).to_have_text(
        ["Overview", "Customers", "Receivables aging", "KPIs", "Limit approvals", "Limit reviews", "Blocked orders",
         "Orders to watch", "Rating overrides", "Scorecard", "Imports", "Exchange rates", "Audit trail", "My account"])
