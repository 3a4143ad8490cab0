"""Credit limits in the browser: an analyst requests a limit on the customer's tab, a credit manager approves it
from the inbox, and releases an over-limit order that the credit check blocked, from the blocked-orders queue."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from creditdesk.audit.models import AuditEntry
from creditdesk.limits.checks import check_order
from creditdesk.limits.models import CheckStatus, CreditCheck, CreditLimit, LimitStatus
from creditdesk.testing.factories import CustomerFactory, UserFactory


@pytest.mark.browser
def test_a_limit_is_requested_approved_and_an_over_limit_order_released(
        page: Page, live_server, log_in, english, screenshot) -> None:
    analyst = UserFactory(username="chen.analyst", role="credit_analyst")
    manager = UserFactory(username="wang.manager", role="credit_manager")
    suzhou = CustomerFactory(local_name="苏州精密机械有限公司")
    today = timezone.localdate()

    log_in(analyst)
    page.goto(f"/customers/{suzhou.pk}/")
    page.locator('.tabs a[data-tab="limits"]').click()
    expect(page).to_have_url(f"{live_server.url}/customers/{suzhou.pk}/limits/")
    expect(page.locator("#no-limit")).to_be_visible()
    form = page.locator("#limit-request")
    form.locator('[name="amount"]').fill("100000.00")
    form.locator('[name="currency"]').select_option("CNY")
    form.locator('[name="review_on"]').fill((today + dt.timedelta(days=180)).isoformat())
    form.locator('[name="justification"]').fill("Three years of prompt payment.")
    form.get_by_role("button", name="Request limit").click()
    expect(page.locator(".messages li.success")).to_have_text("Limit requested; it now waits for approval.")
    expect(page.locator("#open-requests tr")).to_have_count(2)
    requested = CreditLimit.objects.get(customer=suzhou)
    assert (requested.status, requested.amount) == (LimitStatus.REQUESTED, Decimal("100000.00"))

    log_in(manager)
    page.goto("/limits/approvals/")
    row = page.locator(f'#approvals tr[data-limit="{requested.pk}"]')
    expect(row).to_contain_text("苏州精密机械有限公司")
    row.locator('.approve-form [name="comment"]').fill("Accounts checked.")
    row.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages li.success")).to_have_text("Approved. The limit is now: Active.")
    expect(page.locator("#approvals tr")).to_have_count(2)  # the header and "nothing waits"
    requested.refresh_from_db()
    assert requested.status == LimitStatus.ACTIVE

    page.goto(f"/customers/{suzhou.pk}/limits/")
    expect(page.locator('[data-figure="limit"]')).to_have_text("100,000.00 CNY")
    expect(page.locator("#utilisation-chart canvas")).to_have_count(1)
    screenshot(page, "limits-tab")

    blocked = check_order(analyst, suzhou, "SO-BIG", Decimal("150000.00"), "CNY")
    assert blocked.status == CheckStatus.BLOCKED
    page.goto("/limits/blocked-orders/")
    row = page.locator(f'#blocked-orders tr[data-check="{blocked.pk}"]')
    expect(row).to_contain_text("The order is more than the available credit of 100,000.00 CNY.")
    screenshot(page, "limits-blocked-orders")
    release = row.locator(".release-form")
    release.locator('[name="reason"]').fill("Prepayment of 50,000 received.")
    release.locator('[name="valid_until"]').fill((today + dt.timedelta(days=7)).isoformat())
    release.get_by_role("button", name="Release").click()
    expect(page.locator(".messages li.success")).to_have_text("Order SO-BIG released.")
    expect(page.locator(f'#blocked-orders tr[data-check="{blocked.pk}"]')).to_have_count(0)
    assert CreditCheck.objects.get(pk=blocked.pk).status == CheckStatus.RELEASED
    assert AuditEntry.objects.filter(action="credit_check.release", object_id=str(blocked.pk)).count() == 1
