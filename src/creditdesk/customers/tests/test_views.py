"""The credit file pages: search, filters, sorting, paging, forms and tabs, as a credit manager sees them."""

import datetime as dt
import html
import re
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from creditdesk.audit.models import AuditEntry
from creditdesk.customers.forms import CustomerForm
from creditdesk.customers.models import Communication, Contact, Customer, Document
from creditdesk.customers.services import save_contact, update_customer, upload_document
from creditdesk.customers.uscc import ALPHABET, uscc_check_character
from creditdesk.testing.clients import signed_in
from creditdesk.testing.factories import ContactFactory, CustomerFactory, UserFactory, valid_uscc

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def web(manager):
    return signed_in(manager)


def codes(response) -> list[str]:
    return [customer.code for customer in response.context["page"].object_list]


def edit_data(customer: Customer, **changes: object) -> dict[str, object]:
    """What the edit form posts back unchanged, with some fields changed."""
    initial = CustomerForm(instance=customer).initial
    data = {name: "" if value is None else value for name, value in initial.items()}
    return {**data, "reason": "", **changes}


def document_upload(name: str = "FY2025.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- the list ------------------------------------------------------------------------------------------


@pytest.fixture
def two_customers(db):
    east = CustomerFactory(code="C000101", name="Eastern Steel Trading Co., Ltd.", local_name="华东钢铁贸易有限公司",
                           uscc=valid_uscc(424242), external_id="ERP-77")
    west = CustomerFactory(code="C000202", name="Western Paper Mill", local_name="西部造纸厂",
                           uscc=valid_uscc(515151), external_id="ERP-778")
    return east, west


@pytest.mark.parametrize(("term", "expected"), [
    ("钢铁", ["C000101"]),
    ("  造纸  ", ["C000202"]),
    ("steel", ["C000101"]),
    ("PAPER MILL", ["C000202"]),
    ("Co., Ltd", ["C000101"]),
    ("c0001", ["C000101"]),
    ("C000", ["C000101", "C000202"]),
    ("000101", []),
    ("913100000004", ["C000101"]),
    ("9131000000051", ["C000202"]),
    ("91310000000", ["C000101", "C000202"]),
    ("0004242", []),
    ("ERP-77", ["C000101"]),
    ("ERP-778", ["C000202"]),
    ("ERP-7", []),
    ("nothing like it", []),
])
def test_the_list_searches_names_customer_numbers_credit_codes_and_external_ids(web, two_customers, term, expected):
    response = web.get("/customers/", {"q": term})
    assert response.status_code == 200
    assert codes(response) == expected


def test_the_search_shows_both_names_and_the_count(web, two_customers):
    content = web.get("/customers/", {"q": "钢铁"}).content.decode()
    assert "华东钢铁贸易有限公司" in content
    assert "Eastern Steel Trading Co., Ltd." in content
    assert "Western Paper Mill" not in content
    assert "1 customer\n" in content


def test_an_empty_result_says_so(web, two_customers):
    response = web.get("/customers/", {"q": "nothing like it"})
    assert "No customers match." in response.content.decode()
    assert "0 customers" in response.content.decode()


@pytest.fixture
def three_customers(db):
    return [
        CustomerFactory(code="K2", name="Beta Chemicals", local_name="", country="CN", industry="F", status="active"),
        CustomerFactory(code="K3", name="Alpha Maschinenbau", local_name="", uscc=None, country="DE", industry="C",
                        status="on_hold"),
        CustomerFactory(code="K1", name="Gamma Handel", local_name="", uscc=None, country="DE", industry="F",
                        status="prospect"),
    ]


@pytest.mark.parametrize(("query", "expected"), [
    ({}, ["K3", "K2", "K1"]),
    ({"status": "on_hold"}, ["K3"]),
    ({"status": "blocked"}, []),
    ({"country": "DE"}, ["K3", "K1"]),
    ({"country": "de"}, ["K3", "K1"]),
    ({"industry": "F"}, ["K2", "K1"]),
    ({"country": "DE", "industry": "F"}, ["K1"]),
    ({"country": "DE", "status": "active"}, []),
    ({"q": "Handel", "country": "DE"}, ["K1"]),
])
def test_the_list_narrows_by_status_country_and_industry(web, three_customers, query, expected):
    assert codes(web.get("/customers/", query)) == expected


@pytest.mark.parametrize(("sort", "expected"), [
    ("name", ["K3", "K2", "K1"]),
    ("-name", ["K1", "K2", "K3"]),
    ("code", ["K1", "K2", "K3"]),
    ("-code", ["K3", "K2", "K1"]),
    ("status", ["K2", "K3", "K1"]),
    ("-status", ["K1", "K3", "K2"]),
    ("", ["K3", "K2", "K1"]),
    ("owner__password", ["K3", "K2", "K1"]),
])
def test_the_list_sorts_by_name_code_and_status(web, three_customers, sort, expected):
    response = web.get("/customers/", {"sort": sort})
    assert codes(response) == expected


def link(response, label: str) -> str:
    """The list URL behind a link on the page, found by the link's text."""
    found = re.findall(rf'<a href="(\?[^"]*)">{re.escape(label)}</a>', response.content.decode())
    assert len(found) == 1, found
    return "/customers/" + html.unescape(found[0])


def test_a_sorted_column_header_links_to_the_reverse_order_keeping_the_filters(web, three_customers):
    by_name = web.get("/customers/?country=DE&sort=name")
    assert codes(by_name) == ["K3", "K1"]
    reverse = web.get(link(by_name, "Name"))
    assert codes(reverse) == ["K1", "K3"]
    assert codes(web.get(link(reverse, "Name"))) == ["K3", "K1"]
    assert codes(web.get(link(reverse, "Customer number"))) == ["K1", "K3"]
    assert codes(web.get(link(reverse, "Status"))) == ["K3", "K1"]


@pytest.fixture
def fifty_five(db):
    return [CustomerFactory(code=f"P{n:03d}", name=f"Firm {n:02d}", local_name="") for n in range(55)]


def test_the_list_shows_fifty_customers_a_page(web, fifty_five):
    first = web.get("/customers/")
    assert codes(first) == [f"P{n:03d}" for n in range(50)]
    content = first.content.decode()
    assert "55 customers" in content
    assert "Page 1 of 2" in content
    assert 'href="?&sort=name&page=2"' in content

    second = web.get("/customers/", {"page": 2})
    assert codes(second) == [f"P{n:03d}" for n in range(50, 55)]
    assert "Page 2 of 2" in second.content.decode()
    assert 'href="?&sort=name&page=1"' in second.content.decode()


def test_paging_keeps_the_sort_order(web, fifty_five):
    first = web.get("/customers/?sort=-name")
    assert codes(first) == [f"P{n:03d}" for n in range(54, 4, -1)]
    second = web.get(link(first, "Next →"))
    assert codes(second) == [f"P{n:03d}" for n in range(4, -1, -1)]
    assert codes(web.get(link(second, "← Previous"))) == codes(first)


def test_paging_keeps_the_search_and_survives_a_bad_page_number(web, fifty_five):
    response = web.get("/customers/", {"q": "Firm", "page": 1})
    assert 'href="?q=Firm&sort=name&page=2"' in response.content.decode()
    response = web.get("/customers/?q=Firm&sort=-code&page=1")
    assert 'href="?q=Firm&sort=-code&page=2"' in response.content.decode()
    assert codes(web.get("/customers/", {"q": "Firm", "page": 99})) == [f"P{n:03d}" for n in range(50, 55)]
    assert codes(web.get("/customers/", {"q": "Firm", "page": "x"})) == [f"P{n:03d}" for n in range(50)]


def test_an_htmx_request_gets_only_the_table(web, two_customers):
    response = web.get("/customers/", {"q": "steel"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates if t.name.startswith(("customers/", "base"))] == [
        "customers/_table.html"
    ]
    assert "<html" not in content
    assert "<form" not in content
    assert content.lstrip().startswith('<table class="data">')
    assert "Eastern Steel Trading Co., Ltd." in content
    assert "Western Paper Mill" not in content


def test_a_normal_request_gets_the_whole_page(web, two_customers):
    content = web.get("/customers/").content.decode()
    assert content.startswith("<!doctype html>")
    assert '<div id="customer-table">' in content


# --- opening and changing a credit file ----------------------------------------------------------------


def new_customer(**changes: object) -> dict[str, object]:
    data = {
        "name": "Suzhou Precision Parts Co., Ltd.", "local_name": "苏州精密零件有限公司", "code": "", "external_id": "",
        "uscc": valid_uscc(777), "registration_number": "", "tax_number": "", "country": "CN", "industry": "C",
        "size": "medium", "founded_on": "2009-05-12", "address": "88 Xinghu Street, Suzhou", "language": "zh-hans",
        "currency": "CNY", "payment_terms_days": 60, "status": "active", "owner": "", "analyst": "",
        "collector": "", "parent": "", "reason": "",
    }
    return {**data, **changes}


def test_a_customer_is_opened_through_the_form(web, manager):
    sales = UserFactory(username="li.sales", role="sales")
    response = web.post("/customers/new", new_customer(owner=sales.pk, reason="New distributor"))
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/"
    assert (customer.code, customer.name, customer.local_name, customer.uscc, str(customer.country)) == (
        "C000001", "Suzhou Precision Parts Co., Ltd.", "苏州精密零件有限公司", valid_uscc(777), "CN"
    )
    assert (customer.industry, customer.size, str(customer.founded_on), customer.payment_terms_days) == (
        "C", "medium", "2009-05-12", 60
    )
    assert (customer.owner, customer.status, customer.external_id, customer.parent) == (sales, "active", None, None)
    entry = AuditEntry.objects.get(customer_id=customer.pk)
    assert (entry.actor, entry.action, entry.reason) == (manager, "customer.create", "New distributor")
    assert entry.changes["name"] == [None, "Suzhou Precision Parts Co., Ltd."]
    assert entry.changes["owner"] == [None, sales.pk]

    page = web.get(response["Location"]).content.decode()
    assert "Saved." in page
    assert "苏州精密零件有限公司" in page


def test_a_wrong_check_character_is_shown_with_the_expected_one(web):
    body = valid_uscc(778)[:17]
    expected = uscc_check_character(body)
    wrong = ALPHABET[(ALPHABET.index(expected) + 1) % len(ALPHABET)]
    response = web.post("/customers/new", new_customer(uscc=body + wrong))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "uscc": [f"Wrong check character “{wrong}”: for {body} it should be “{expected}”."]
    }
    assert f"for {body} it should be “{expected}”." in response.content.decode()
    assert not Customer.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_group_circle_is_refused_on_edit(web):
    top = CustomerFactory(code="G1", name="Group Holding", local_name="")
    mid = CustomerFactory(code="G2", name="Group Trading", local_name="", parent=top)
    leaf = CustomerFactory(code="G3", name="Group Factory", local_name="", parent=mid)
    response = web.post(f"/customers/{top.pk}/edit", edit_data(top, parent=leaf.pk))
    assert response.status_code == 200
    assert response.context["form"].errors == {"parent": ["This parent would make the group a circle."]}
    assert "This parent would make the group a circle." in response.content.decode()
    top.refresh_from_db()
    assert top.parent is None
    assert not AuditEntry.objects.exists()


def test_putting_a_customer_on_hold_needs_a_reason(web, manager):
    customer = CustomerFactory(status="active")
    response = web.post(f"/customers/{customer.pk}/edit", edit_data(customer, status="on_hold"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Say why the status changes to “On hold”."]}
    assert "Say why the status changes to “On hold”." in response.content.decode()
    customer.refresh_from_db()
    assert customer.status == "active"

    response = web.post(f"/customers/{customer.pk}/edit",
                        edit_data(customer, status="on_hold", reason="Invoices 90 days overdue"))
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/"
    customer.refresh_from_db()
    assert customer.status == "on_hold"
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.changes, entry.reason) == (
        manager, "customer.update", {"status": ["active", "on_hold"]}, "Invoices 90 days overdue"
    )


def test_the_edit_form_shows_the_current_values(web):
    customer = CustomerFactory(name="Eastern Steel Trading Co., Ltd.", payment_terms_days=45)
    content = web.get(f"/customers/{customer.pk}/edit").content.decode()
    assert 'value="Eastern Steel Trading Co., Ltd."' in content
    assert 'name="payment_terms_days" value="45"' in content


def test_a_date_is_filled_in_iso_form_for_the_date_picker_in_chinese_too(manager):
    customer = CustomerFactory(founded_on=dt.date(2009, 5, 12))
    client = signed_in(manager)
    client.cookies["django_language"] = "zh-hans"
    content = client.get(f"/customers/{customer.pk}/edit", headers={"Accept-Language": "zh-CN"}).content.decode()
    assert 'lang="zh-hans"' in content
    assert '<input type="date" name="founded_on" value="2009-05-12"' in content


# --- the detail page ----------------------------------------------------------------------------------------


@pytest.fixture
def group(db):
    top = CustomerFactory(code="G1", name="Group Holding", local_name="")
    mid = CustomerFactory(code="G2", name="Group Trading", local_name="", parent=top)
    sibling = CustomerFactory(code="G4", name="Group Logistics", local_name="", parent=top)
    leaf = CustomerFactory(code="G3", name="Group Factory", local_name="", parent=mid)
    return top, mid, sibling, leaf


def test_the_detail_page_shows_the_whole_group_from_the_top(web, group):
    top, mid, sibling, leaf = group
    response = web.get(f"/customers/{leaf.pk}/")
    assert [(depth, member.code) for depth, member in response.context["group"]] == [
        (0, "G1"), (1, "G4"), (1, "G2"), (2, "G3")
    ]
    content = response.content.decode()
    assert "<h2>Group</h2>" in content
    assert f'<li style="padding-left: 0em" class=""><a href="/customers/{top.pk}/">G1 Group Holding</a></li>' in content
    assert f'<li style="padding-left: 1em" class=""><a href="/customers/{mid.pk}/">G2 Group Trading</a></li>' in content
    assert (f'<li style="padding-left: 1em" class=""><a href="/customers/{sibling.pk}/">G4 Group Logistics</a></li>'
            in content)
    assert (f'<li style="padding-left: 2em" class="current"><a href="/customers/{leaf.pk}/">G3 Group Factory</a></li>'
            in content)
    assert f'<dd><a href="/customers/{mid.pk}/">G2 Group Trading</a></dd>' in content


def test_the_top_company_shows_the_same_group(web, group):
    top = group[0]
    response = web.get(f"/customers/{top.pk}/overview/")
    assert [(depth, member.code) for depth, member in response.context["group"]] == [
        (0, "G1"), (1, "G4"), (1, "G2"), (2, "G3")
    ]


def test_a_standalone_customer_shows_no_group(web):
    customer = CustomerFactory()
    response = web.get(f"/customers/{customer.pk}/")
    assert response.context["group"] == []
    assert "<h2>Group</h2>" not in response.content.decode()


def test_an_unknown_tab_is_not_found(web):
    customer = CustomerFactory()
    response = web.get(f"/customers/{customer.pk}/secrets/")
    assert response.status_code == 404


def test_an_htmx_tab_request_gets_only_the_tab(web):
    customer = CustomerFactory()
    ContactFactory(customer=customer, name="Zhang Wei")
    response = web.get(f"/customers/{customer.pk}/contacts/", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "<html" not in content
    assert '<nav class="tabs"' not in content
    assert "Zhang Wei" in content


# --- contacts ----------------------------------------------------------------------------------------------


def test_a_contact_is_added(web, manager):
    customer = CustomerFactory()
    response = web.post(f"/customers/{customer.pk}/contacts/add", {
        "name": "Li Lei", "title": "Finance manager", "role": "finance", "email": "lilei@example.cn",
        "phone": "+86 21 5555 0101", "language": "zh-hans", "is_primary": "on",
    })
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/contacts/"
    contact = Contact.objects.get()
    assert (contact.customer, contact.name, contact.title, contact.email, contact.is_primary) == (
        customer, "Li Lei", "Finance manager", "lilei@example.cn", True
    )
    assert AuditEntry.objects.get().action == "contact.create"
    content = web.get(response["Location"]).content.decode()
    assert '<a href="mailto:lilei@example.cn">lilei@example.cn</a>' in content


def test_a_contact_with_a_bad_e_mail_is_shown_again_with_the_error(web):
    customer = CustomerFactory()
    response = web.post(f"/customers/{customer.pk}/contacts/add",
                        {"name": "Li Lei", "role": "finance", "language": "zh-hans", "email": "not-an-address"})
    assert response.status_code == 422
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}
    assert "Enter a valid email address." in response.content.decode()
    assert not Contact.objects.exists()


# --- communications ------------------------------------------------------------------------------------------


def test_a_communication_is_logged(web, manager):
    customer = CustomerFactory()
    contact = ContactFactory(customer=customer, name="Zhang Wei")
    response = web.post(f"/customers/{customer.pk}/communications/add", {
        "kind": "call", "occurred_on": "2026-11-20", "contact": contact.pk,
        "summary": "Promised to pay the October invoices.", "follow_up_on": "2026-11-27",
    })
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/communications/"
    entry = Communication.objects.get()
    assert (entry.user, entry.contact, str(entry.occurred_on), str(entry.follow_up_on)) == (
        manager, contact, "2026-11-20", "2026-11-27"
    )
    content = web.get(response["Location"]).content.decode()
    assert "Promised to pay the October invoices." in content


def test_a_follow_up_before_the_communication_is_refused_with_422(web):
    customer = CustomerFactory()
    response = web.post(f"/customers/{customer.pk}/communications/add", {
        "kind": "call", "occurred_on": "2026-11-20", "summary": "Chased.", "follow_up_on": "2026-11-19",
    })
    assert response.status_code == 422
    assert response.context["form"].errors == {"follow_up_on": ["The follow-up date is before the communication."]}
    assert "The follow-up date is before the communication." in response.content.decode()
    assert not Communication.objects.exists()
    assert not AuditEntry.objects.exists()


# --- documents -----------------------------------------------------------------------------------------------


def test_a_document_is_uploaded_and_downloaded_as_an_attachment(web, manager):
    customer = CustomerFactory()
    response = web.post(f"/customers/{customer.pk}/documents/upload", {
        "doc_type": "financial_statement", "title": "FY2025 accounts", "issued_on": "2026-03-31",
        "upload": document_upload(),
    })
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/documents/"
    document = Document.objects.get()
    assert (document.title, document.doc_type, document.original_name, document.size, document.uploaded_by) == (
        "FY2025 accounts", "financial_statement", "FY2025.pdf", len(PDF), manager
    )
    tab = web.get(response["Location"]).content.decode()
    assert "Document uploaded." in tab
    assert f'<a href="/customers/{customer.pk}/documents/{document.pk}/file">FY2025.pdf</a>' in tab

    download = web.get(f"/customers/{customer.pk}/documents/{document.pk}/file")
    try:
        assert download.status_code == 200
        assert download["Content-Disposition"] == 'attachment; filename="FY2025.pdf"'
        assert download["Content-Type"] == "application/octet-stream"
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert b"".join(download.streaming_content) == PDF
    finally:
        download.close()


def test_a_chinese_file_name_is_kept_in_the_download(web, manager):
    customer = CustomerFactory()
    document = upload_document(manager, customer, document_upload("财务报表.pdf"),
                               {"doc_type": "financial_statement", "title": "Accounts"})
    download = web.get(f"/customers/{customer.pk}/documents/{document.pk}/file")
    download.close()
    assert download["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('财务报表.pdf')}"


def test_an_html_file_is_refused_with_422(web):
    customer = CustomerFactory()
    response = web.post(f"/customers/{customer.pk}/documents/upload", {
        "doc_type": "other", "title": "Page", "upload": document_upload("page.html", b"<script>alert(1)</script>"),
    })
    assert response.status_code == 422
    assert "Files of type “.html” are not accepted." in response.content.decode()
    assert not Document.objects.exists()


def test_removing_a_document_needs_a_reason_and_hides_it(web, manager):
    customer = CustomerFactory()
    document = upload_document(manager, customer, document_upload(), {"doc_type": "contract", "title": "Contract"})
    url = f"/customers/{customer.pk}/documents/{document.pk}/delete"

    response = web.post(url, {"reason": "  "})
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/documents/"
    tab = web.get(response["Location"])
    assert "Say why the document is removed." in tab.content.decode()
    assert list(tab.context["documents"]) == [document]
    document.refresh_from_db()
    assert document.deleted_at is None

    response = web.post(url, {"reason": "Superseded by the signed copy"})
    assert response.status_code == 302
    tab = web.get(response["Location"])
    assert "Document removed." in tab.content.decode()
    assert list(tab.context["documents"]) == []
    assert "No documents yet." in tab.content.decode()
    document.refresh_from_db()
    assert document.deleted_at is not None
    entry = AuditEntry.objects.get(action="document.delete")
    assert (entry.actor, entry.reason, entry.customer_id) == (manager, "Superseded by the signed copy", customer.pk)
    assert web.get(f"/customers/{customer.pk}/documents/{document.pk}/file").status_code == 404
    assert web.post(url, {"reason": "again"}).status_code == 404


# --- history -----------------------------------------------------------------------------------------------


def test_the_history_tab_lists_the_customers_entries_newest_first(web, manager):
    customer = CustomerFactory(status="active")
    other = CustomerFactory()
    update_customer(manager, customer, {"payment_terms_days": 45})
    save_contact(manager, other, {"name": "Not this one"})
    save_contact(manager, customer, {"name": "Li Lei"})
    update_customer(manager, customer, {"status": "blocked"}, "Cheque bounced")

    response = web.get(f"/customers/{customer.pk}/history/")
    entries = response.context["entries"].object_list
    assert [(e.action, e.customer_id) for e in entries] == [
        ("customer.update", customer.pk), ("contact.create", customer.pk), ("customer.update", customer.pk)
    ]
    content = response.content.decode()
    assert "Not this one" not in content
    assert content.index("Cheque bounced") < content.index("<ins>Li Lei</ins>") < content.index("<ins>45</ins>")
    assert "<b>status</b>: <del>active</del> → <ins>blocked</ins>" in content
