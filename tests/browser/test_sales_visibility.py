"""Sales people see the credit files they own, and nothing of anyone else's."""

import pytest
from playwright.sync_api import Page, expect

from creditdesk.testing.factories import CustomerFactory, UserFactory


@pytest.mark.browser
def test_sales_sees_only_own_customers_and_gets_404_on_another(page: Page, live_server, log_in, english) -> None:
    sales = UserFactory(role="sales", first_name="Fang", last_name="Zhou")
    colleague = UserFactory(role="sales")
    mine = CustomerFactory(owner=sales, local_name="杭州西湖茶业有限公司")
    theirs = CustomerFactory(owner=colleague, local_name="杭州钱塘纺织有限公司")
    log_in(sales)

    page.goto("/customers/")
    rows = page.locator("#customer-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td").first).to_have_text(mine.code)
    expect(rows.first).to_contain_text("杭州西湖茶业有限公司")
    expect(page.locator("#customer-table")).not_to_contain_text(theirs.code)
    expect(page.locator("#customer-table .pagination")).to_contain_text("1 customer")
    expect(page.locator(".sidebar nav a")).to_have_text(["Overview", "Customers", "Receivables aging", "KPIs",
                                                         "Limit reviews", "Blocked orders", "Orders to watch",
                                                         "Exchange rates", "My account"])

    page.fill("#id_q", "钱塘")
    expect(rows).to_have_text(["No customers match."])

    for path in (f"/customers/{theirs.pk}/", f"/customers/{theirs.pk}/documents/",
                 f"/customers/{theirs.pk}/documents/1/file"):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
        expect(page.locator("body")).not_to_contain_text("杭州钱塘纺织有限公司")

    response = page.goto(f"/customers/{mine.pk}/")
    assert response is not None and response.status == 200
    expect(page.locator("main h1")).to_contain_text("杭州西湖茶业有限公司")
