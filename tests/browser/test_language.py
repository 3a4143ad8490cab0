"""The sidebar language switch: Simplified Chinese by default, English on request, and back."""

import pytest
from django.utils import translation
from playwright.sync_api import BrowserContext, Page, expect

from creditdesk.testing.factories import CustomerFactory, UserFactory


def in_chinese(text: str) -> str:
    """What the zh-Hans catalogue makes of a source text, whether or not it is compiled yet."""
    with translation.override("zh-hans"):
        return translation.gettext(text)


@pytest.mark.browser
def test_the_language_switch_changes_the_page_language_and_back(
        page: Page, context: BrowserContext, live_server, log_in, screenshot) -> None:
    log_in(UserFactory(role="credit_analyst"))
    customer = CustomerFactory()
    html = page.locator("html")
    switch = page.locator("#language-switch select")
    nav_customers = page.locator(".sidebar nav a[href='/customers/']")
    heading = page.locator("main h1")

    page.goto(f"/customers/{customer.pk}/contacts/")
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(switch).to_have_value("zh-hans")
    expect(switch.locator("option")).to_have_count(2)
    expect(switch.locator("option[value='zh-hans']")).to_have_text("简体中文")
    expect(switch.locator("option[value='en']")).to_have_count(1)
    expect(nav_customers).to_have_text(in_chinese("Customers"))
    expect(page.locator(".tabs a[data-tab=contacts]")).to_have_text(in_chinese("Contacts"))

    screenshot(page, "credit-file-contacts-zh")

    switch.select_option("en")

    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/customers/{customer.pk}/contacts/")
    expect(switch).to_have_value("en")
    expect(nav_customers).to_have_text("Customers")
    expect(page.locator(".sidebar nav a")).to_have_text(
        ["Overview", "Customers", "Receivables aging", "KPIs", "Limit approvals", "Limit reviews", "Blocked orders",
         "Orders to watch", "Rating overrides", "Scorecard", "Imports", "Exchange rates", "Audit trail", "My account"])
    expect(page.locator(".tabs a[data-tab=contacts]")).to_have_text("Contacts")
    expect(page.locator(".tabs a.active")).to_have_attribute("data-tab", "contacts")
    assert {c["name"]: c["value"] for c in context.cookies()}["django_language"] == "en"

    page.goto("/customers/")
    expect(html).to_have_attribute("lang", "en")
    expect(heading).to_have_text("Customers")

    switch.select_option("zh-hans")

    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(f"{live_server.url}/customers/")
    expect(switch).to_have_value("zh-hans")
    expect(nav_customers).to_have_text(in_chinese("Customers"))
    expect(heading).to_have_text(in_chinese("Customers"))
