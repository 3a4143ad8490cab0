"""The credit file in the browser: live search, the file page and its HTMX tabs, documents."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from creditdesk.customers import services
from creditdesk.customers.models import Document
from creditdesk.testing.factories import CommunicationFactory, ContactFactory, CustomerFactory, UserFactory

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
       b"trailer << /Root 1 0 R >>\n%%EOF\n")


def mark_page(page: Page) -> None:
    """A flag on `window` that survives HTMX swaps and is gone after a full page load."""
    page.evaluate("window.__sameDocument = true")


def still_same_document(page: Page) -> bool:
    return page.evaluate("window.__sameDocument === true")


@pytest.mark.browser
def test_live_search_opens_the_credit_file_and_its_tabs_load_in_place(
        page: Page, live_server, log_in, english, screenshot) -> None:
    analyst = UserFactory(role="credit_analyst")
    target = CustomerFactory(name="Shanghai Morning Star Trading Co., Ltd.", local_name="上海晨星贸易有限公司")
    CustomerFactory(name="Shanghai Morning Light Electronics Co., Ltd.", local_name="上海晨光电子有限公司")
    CustomerFactory(name="Beijing Yuanhang Logistics Co., Ltd.", local_name="北京远航物流有限公司")
    ContactFactory(customer=target, name="王建国", email="wang.jianguo@example.cn")
    CommunicationFactory(customer=target, summary="Called about the November statement.")
    services.update_customer(analyst, target, {"payment_terms_days": 45}, "Terms agreed with the buyer")
    log_in(analyst)

    page.goto("/customers/")
    rows = page.locator("#customer-table tbody tr")
    expect(rows).to_have_count(3)
    mark_page(page)

    page.fill("#id_q", "晨星")
    expect(rows).to_have_count(1)
    cells = rows.first.locator("td")
    expect(cells).to_have_text([
        target.code, "上海晨星贸易有限公司Shanghai Morning Star Trading Co., Ltd.", target.uscc, "China",
        "Wholesale and retail trade", "—", "Active"])
    expect(cells.nth(1).get_by_role("link")).to_have_text("上海晨星贸易有限公司")
    expect(cells.nth(1).locator(".muted")).to_have_text("Shanghai Morning Star Trading Co., Ltd.")
    expect(page.locator("#customer-table .pagination")).to_contain_text("1 customer")
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("q") == ["晨星"])
    assert urlsplit(page.url).path == "/customers/"
    assert still_same_document(page), "the search reloaded the page instead of swapping #customer-table"

    rows.first.get_by_role("link", name=target.code).click()
    expect(page).to_have_url(f"{live_server.url}/customers/{target.pk}/")
    expect(page.locator("main h1")).to_contain_text("上海晨星贸易有限公司")
    expect(page.locator("main h1 .badge")).to_have_text("Active")
    expect(page.locator("main > p.muted")).to_have_text(
        f"{target.code} · Shanghai Morning Star Trading Co., Ltd. · {target.uscc}")
    expect(page.locator(".tabs a.active")).to_have_attribute("data-tab", "overview")
    expect(page.locator("#tab-content dl.facts")).to_contain_text("45 days")
    screenshot(page, "credit-file")

    mark_page(page)
    expected = {
        "contacts": ["王建国", "wang.jianguo@example.cn"],
        "documents": ["No documents yet.", "Upload a document"],
        "communications": ["Called about the November statement.", "Log a communication"],
        "history": ["Customer changed", "Terms agreed with the buyer"],
    }
    for tab, texts in expected.items():
        page.locator(f".tabs a[data-tab={tab}]").click()
        expect(page).to_have_url(f"{live_server.url}/customers/{target.pk}/{tab}/")
        for text in texts:
            expect(page.locator("#tab-content")).to_contain_text(text)
        expect(page.locator(".tabs a.active")).to_have_attribute("data-tab", tab)
        expect(page.locator("aside.sidebar")).to_have_count(1)
        expect(page.locator("#tab-content h1")).to_have_count(0)
        assert still_same_document(page), f"the {tab} tab reloaded the page instead of swapping #tab-content"

    page.reload()
    expect(page.locator(".tabs a.active")).to_have_attribute("data-tab", "history")
    expect(page.locator("#audit-entries")).to_contain_text("Terms agreed with the buyer")


@pytest.mark.browser
def test_an_uploaded_document_is_listed_and_downloads_as_an_attachment(
        page: Page, context: BrowserContext, live_server, log_in, english, screenshot) -> None:
    analyst = UserFactory(role="credit_analyst")
    customer = CustomerFactory()
    log_in(analyst)

    page.goto(f"/customers/{customer.pk}/documents/")
    expect(page.locator("#tab-content")).to_contain_text("No documents yet.")
    page.select_option("#id_doc_type", "business_licence")
    page.fill("#id_title", "Business licence 2026")
    page.fill("#id_issued_on", "2026-01-15")
    page.set_input_files("#id_upload", files=[{"name": "licence.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.locator(f"form[action='/customers/{customer.pk}/documents/upload'] button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/customers/{customer.pk}/documents/")
    expect(page.locator(".messages li.success")).to_have_text("Document uploaded.")
    row = page.locator("#tab-content table.data tr", has_text="Business licence 2026")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text("Business licence")
    expect(row.locator("td").nth(3)).to_have_text(f"{len(PDF)}\u00a0bytes")
    link = row.get_by_role("link", name="licence.pdf")
    document = Document.objects.get(customer=customer)
    expect(link).to_have_attribute("href", f"/customers/{customer.pk}/documents/{document.pk}/file")

    screenshot(page, "credit-file-documents")

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "licence.pdf"
    assert Path(download.path()).read_bytes() == PDF

    response = context.request.get(f"/customers/{customer.pk}/documents/{document.pk}/file")
    assert response.status == 200
    assert response.headers["content-disposition"] == 'attachment; filename="licence.pdf"'
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.body() == PDF
