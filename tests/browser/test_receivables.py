"""Receivables in the browser: the aging chart is drawn, clicking a bucket's bar leads to its customers and on to
their items, and the customer file's receivables tab draws its charts after the HTMX swap."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from creditdesk.receivables.services import record_invoice
from creditdesk.testing.factories import CustomerFactory, UserFactory


def bill(actor, customer, number: str, due: dt.date, gross: str) -> None:
    record_invoice(actor, {"customer": customer, "number": number, "invoice_date": due - dt.timedelta(days=30),
                           "due_date": due, "currency_id": "CNY", "net_amount": Decimal(gross),
                           "tax_amount": Decimal("0.00"), "gross_amount": Decimal(gross)})


@pytest.mark.browser
def test_the_aging_chart_draws_and_a_bucket_leads_to_a_customers_items(
        page: Page, live_server, log_in, english, screenshot) -> None:
    manager = UserFactory(role="credit_manager")
    ningbo = CustomerFactory(local_name="宁波港口物流有限公司")
    today = timezone.localdate()
    bill(manager, ningbo, "NB-LATE", today - dt.timedelta(days=40), "1200.00")
    bill(manager, ningbo, "NB-NEW", today + dt.timedelta(days=20), "800.00")
    bill(manager, CustomerFactory(), "OTHER-1", today + dt.timedelta(days=5), "50.00")
    log_in(manager)

    page.goto("/receivables/aging/")
    expect(page.locator(".sidebar nav a.active")).to_have_text("Receivables aging")
    canvas = page.locator("#aging-chart canvas")
    expect(canvas).to_have_count(1)
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
    expect(page.locator('#aging-buckets tr[data-bucket="31_60"] td').nth(1)).to_have_text("1,200.00")
    screenshot(page, "receivables-aging")

    # the 31–60 bar of the chart, halfway up: the chart opens the bucket's customers like the table's link does
    x, y = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById("aging-chart"))
                                      .convertToPixel({seriesIndex: 0}, [2, 600])""")
    canvas.click(position={"x": x, "y": y})
    expect(page).to_have_url(re.compile(r"/receivables/aging/customers/\?.*bucket=31_60"))
    rows = page.locator("#aging-customers tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("宁波港口物流有限公司")

    rows.nth(1).locator("a").first.click()
    expect(page).to_have_url(re.compile(rf"/receivables/aging/customers/{ningbo.pk}/\?.*bucket=31_60"))
    items = page.locator("#aging-items tr")
    expect(items).to_have_count(2)
    expect(items.nth(1).locator("td").first).to_have_text("NB-LATE")
    expect(items.nth(1).locator("td").nth(3)).to_have_text("40")

    page.goto(f"/customers/{ningbo.pk}/")
    page.locator('.tabs a[data-tab="receivables"]').click()
    expect(page).to_have_url(f"{live_server.url}/customers/{ningbo.pk}/receivables/")
    expect(page.locator('[data-figure="overdue"]')).to_have_text("1,200.00")
    expect(page.locator("#aging-chart canvas")).to_have_count(1)
    expect(page.locator("#history-chart canvas")).to_have_count(1)
    screenshot(page, "receivables-tab")
