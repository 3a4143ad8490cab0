"""Imports from other systems (the JSON API) and from people (upload, preview, apply in the browser).

The API writes a clean batch at once and answers 201 with the batch, also when a row is bad (the
batch then says "invalid" and lists the problems; nothing is written). The web flow checks a file
first and shows every problem, or what applying would do and an "Apply" button.
"""

import hashlib
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from creditdesk.accounts.services import create_api_token
from creditdesk.customers.models import Customer
from creditdesk.imports.api import MAX_BATCH_ITEMS
from creditdesk.imports.models import ImportBatch, ImportStatus
from creditdesk.imports.services import stage_import
from creditdesk.testing.factories import CustomerFactory, UserFactory, valid_uscc

NINGBO_PORT = "91330200144071590X"
ITEMS = [
    {"external_id": "ERP-1", "name": "Ningbo Port Logistics Co., Ltd.", "local_name": "宁波港物流有限公司",
     "uscc": NINGBO_PORT, "country": "中国", "industry": "C", "payment_terms_days": 60, "status": "active"},
    {"external_id": "ERP-2", "name": "Ningbo Port Trading Co., Ltd.", "uscc": valid_uscc(2), "country": "CN",
     "status": "active", "parent": "ERP-1"},
    {"external_id": "ERP-3", "name": "Acme Industrial GmbH", "country": "DE", "currency": "EUR",
     "founded_on": "1999-12-31"},
]
CSV = ("external_id,name,uscc,country,status\n"
       f"ERP-1,Ningbo Port Logistics Co.,{NINGBO_PORT},中国,active\n"
       "ERP-3,Acme Industrial GmbH,,DE,prospect\n")
BAD_CSV = CSV + "ERP-4,Atlantis Trading,,Atlantis,prospect\n"


def api_client(user) -> Client:
    _token, plain = create_api_token(user, user, "erp")
    return Client(headers={"Authorization": f"Bearer {plain}", "Accept-Language": "en"})


def web_client(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def post_batch(client: Client, items: list[dict], kind: str = "customers", **extra):
    return client.post(f"/api/imports/{kind}/batch", {"items": items, **extra}, content_type="application/json")


def external_ids() -> list[str]:
    return sorted(Customer.objects.values_list("external_id", flat=True))


def batch_content(items: list[dict]) -> bytes:
    """What the API keeps as the batch's file: the items as JSON, keys sorted."""
    return json.dumps(items, ensure_ascii=False, sort_keys=True).encode()


# --- JSON batches -------------------------------------------------------------------------------------------


def test_a_batch_is_written_and_answered_with_its_counts(analyst):
    response = post_batch(api_client(analyst), ITEMS)

    assert response.status_code == 201, response.content
    body = response.json()
    batch = ImportBatch.objects.get()
    assert {k: v for k, v in body.items() if k not in {"created_at", "applied_at"}} == {
        "id": batch.pk, "kind": "customers", "file_name": "batch.json",
        "sha256": hashlib.sha256(batch_content(ITEMS)).hexdigest(), "encoding": "utf-8", "mapping": "creditdesk",
        "status": "applied", "row_count": 3, "created_count": 3, "updated_count": 0, "unchanged_count": 0,
        "errors": [],
    }
    assert body["applied_at"] is not None
    assert external_ids() == ["ERP-1", "ERP-2", "ERP-3"]
    erp1, erp2 = Customer.objects.get(external_id="ERP-1"), Customer.objects.get(external_id="ERP-2")
    assert (erp1.country.code, erp1.payment_terms_days, erp1.local_name) == ("CN", 60, "宁波港物流有限公司")
    assert erp2.parent == erp1
    assert (batch.created_by, batch.applied_by) == (analyst, analyst)


def test_the_same_batch_again_changes_nothing(analyst):
    client = api_client(analyst)
    post_batch(client, ITEMS)
    stamps = dict(Customer.objects.values_list("external_id", "updated_at"))

    body = post_batch(client, ITEMS).json()

    assert (body["status"], body["created_count"], body["updated_count"], body["unchanged_count"]) == (
        "applied", 0, 0, 3)
    assert dict(Customer.objects.values_list("external_id", "updated_at")) == stamps


def test_check_only_checks_and_writes_nothing(analyst):
    response = post_batch(api_client(analyst), ITEMS, check_only=True)

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["created_count"], body["errors"], body["applied_at"]) == ("staged", 3, [], None)
    assert external_ids() == []
    assert ImportBatch.objects.get().status == ImportStatus.STAGED


def test_a_batch_with_a_bad_item_is_invalid_lists_row_and_column_and_writes_nothing(analyst):
    items = [*ITEMS, {"external_id": "ERP-4", "name": "Atlantis Trading", "country": "Atlantis"},
             {"external_id": "ERP-5", "name": "", "country": "US"}]

    response = post_batch(api_client(analyst), items)

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "invalid"
    # in a batch, rows are the items' numbers counted from 1
    assert body["errors"] == [{"row": 4, "column": "country", "message": "Unknown country “Atlantis”."},
                              {"row": 5, "column": "name", "message": "Required."}]
    assert external_ids() == []


def test_more_than_ten_thousand_items_are_refused_with_413(analyst):
    items = [{"external_id": f"E-{n}", "name": "X", "country": "US"} for n in range(MAX_BATCH_ITEMS + 1)]

    response = post_batch(api_client(analyst), items)

    assert response.status_code == 413
    assert response.json() == {"detail": "at most 10000 items per batch"}
    assert ImportBatch.objects.count() == 0


def test_a_batch_of_exactly_the_limit_is_accepted(analyst, monkeypatch):
    """The boundary, with a small limit: checking 10,000 real items takes seconds."""
    monkeypatch.setattr("creditdesk.imports.api.MAX_BATCH_ITEMS", 3)
    client = api_client(analyst)

    assert post_batch(client, ITEMS, check_only=True).status_code == 201
    assert post_batch(client, [*ITEMS, {"external_id": "E-4", "name": "X", "country": "US"}]).json() == {
        "detail": "at most 3 items per batch"}


def test_an_empty_batch_is_invalid(analyst):
    body = post_batch(api_client(analyst), []).json()

    assert (body["status"], body["errors"]) == ("invalid", [{"row": 0, "column": "", "message": "The file is empty."}])


def test_an_unknown_kind_is_422(analyst):
    response = post_batch(api_client(analyst), ITEMS, kind="invoices-v9")

    assert response.status_code == 422
    assert response.json()["detail"] == "Unknown import kind “invoices-v9”."


def test_rates_come_in_batches_too(db):
    manager = UserFactory(username="zhao.manager", role="credit_manager")

    body = post_batch(api_client(manager), [{"currency": "USD", "rate_date": "2026-11-27", "rate": 7.1234}],
                      kind="rates").json()

    assert (body["kind"], body["status"], body["created_count"]) == ("rates", "applied", 1)


@pytest.mark.parametrize("role", ["sales", "auditor", "collector", "cfo"])
def test_only_credit_file_keepers_may_send_batches(db, role):
    response = post_batch(api_client(UserFactory(username=f"u_{role}", role=role)), ITEMS)

    assert response.status_code == 403
    assert external_ids() == []
    assert ImportBatch.objects.count() == 0


def test_a_batch_without_a_token_is_401(db):
    assert post_batch(Client(), ITEMS).status_code == 401


def test_an_analyst_cannot_send_rates(analyst):
    body = [{"currency": "USD", "rate_date": "2026-11-27", "rate": "7.1"}]
    assert post_batch(api_client(analyst), body, kind="rates").status_code == 403


# --- files through the API ----------------------------------------------------------------------------------


def test_a_csv_file_is_uploaded_and_written(analyst):
    upload = SimpleUploadedFile("customers.csv", CSV.encode(), content_type="text/csv")

    response = api_client(analyst).post("/api/imports/customers/file", {"file": upload})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["file_name"], body["encoding"], body["status"], body["row_count"], body["created_count"]) == (
        "customers.csv", "utf-8", "applied", 2, 2)
    assert body["sha256"] == hashlib.sha256(CSV.encode()).hexdigest()
    assert external_ids() == ["ERP-1", "ERP-3"]


def test_a_gbk_file_with_its_encoding_named_and_check_only(analyst):
    upload = SimpleUploadedFile("客户.csv", CSV.encode("gbk"), content_type="text/csv")

    response = api_client(analyst).post("/api/imports/customers/file",
                                        {"file": upload, "encoding": "gbk", "check_only": "true"})

    body = response.json()
    assert (response.status_code, body["file_name"], body["encoding"], body["status"], body["created_count"]) == (
        201, "客户.csv", "gbk", "staged", 2)
    assert external_ids() == []


def test_an_xlsx_file_is_uploaded(analyst):
    workbook = Workbook()
    workbook.active.append(["external_id", "name", "country", "payment_terms_days"])
    workbook.active.append(["ERP-3", "Acme Industrial GmbH", "DE", 45])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("customers.xlsx", buffer.getvalue())

    body = api_client(analyst).post("/api/imports/customers/file", {"file": upload}).json()

    assert (body["encoding"], body["status"]) == ("xlsx", "applied")
    assert Customer.objects.get(external_id="ERP-3").payment_terms_days == 45


def test_a_bad_file_through_the_api_writes_nothing(analyst):
    upload = SimpleUploadedFile("customers.csv", BAD_CSV.encode(), content_type="text/csv")

    body = api_client(analyst).post("/api/imports/customers/file", {"file": upload}).json()

    assert (body["status"], body["errors"]) == (
        "invalid", [{"row": 4, "column": "country", "message": "Unknown country “Atlantis”."}])
    assert external_ids() == []


def test_the_import_log_is_listed_and_read_through_the_api(analyst):
    client = api_client(analyst)
    first = post_batch(client, ITEMS).json()
    second = post_batch(client, ITEMS, check_only=True).json()

    listed = client.get("/api/imports/?kind=customers").json()
    assert (listed["count"], [item["id"] for item in listed["items"]]) == (2, [second["id"], first["id"]])
    assert client.get(f"/api/imports/{first['id']}").json()["status"] == "applied"
    assert client.get("/api/imports/?kind=rates").json()["count"] == 0


# --- the web flow -------------------------------------------------------------------------------------------


def upload_file(client: Client, name: str, content: bytes, **fields: str):
    data = {"kind": "customers", "encoding": "auto", "mapping": "creditdesk",
            "upload": SimpleUploadedFile(name, content, content_type="text/csv"), **fields}
    return client.post("/imports/upload", data)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_upload_page_offers_kinds_encodings_and_presets(analyst):
    response = web_client(analyst).get("/imports/upload?kind=rates")

    assert response.status_code == 200
    html = text_of(response)
    assert '<option value="customers">Customers</option>' in html
    assert '<option value="rates" selected>Exchange rates</option>' in html
    assert '<option value="gb18030">GBK / GB18030 (Chinese Excel)</option>' in html
    assert '<option value="creditdesk">creditdesk</option>' in html
    assert 'type="file" name="upload"' in html


def test_an_upload_without_a_file_shows_the_form_again(analyst):
    response = web_client(analyst).post("/imports/upload", {"kind": "customers", "encoding": "auto",
                                                            "mapping": "creditdesk"})

    assert response.status_code == 200
    assert "This field is required." in text_of(response)
    assert ImportBatch.objects.count() == 0


def test_a_bad_file_is_shown_with_its_errors_and_no_apply_button(analyst):
    client = web_client(analyst)

    response = upload_file(client, "customers.csv", BAD_CSV.encode())

    batch = ImportBatch.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/imports/{batch.pk}/")
    page = client.get(response["Location"])
    html = text_of(page)
    assert page.status_code == 200
    assert batch.status == ImportStatus.INVALID
    assert 'id="import-errors"' in html
    assert "1 problem — nothing was written" in html
    assert re.search(r"<tr><td>4</td><td>[^<]*country[^<]*</td><td class=\"wrap\">Unknown country “Atlantis”.</td>",
                     html), html
    assert "Apply the import" not in html
    assert external_ids() == []


def test_a_good_file_is_previewed_then_applied(analyst):
    client = web_client(analyst)

    location = upload_file(client, "customers.csv", CSV.encode())["Location"]

    batch = ImportBatch.objects.get()
    assert location == f"/imports/{batch.pk}/"
    html = text_of(client.get(location))
    assert "Checked, ready to apply" in html
    assert "<dt>Would create</dt><dd>2</dd>" in html
    assert f'<form method="post" action="/imports/{batch.pk}/apply"' in html
    assert "Apply the import" in html
    assert 'id="import-errors"' not in html
    assert external_ids() == []

    response = client.post(f"/imports/{batch.pk}/apply")

    assert (response.status_code, response["Location"]) == (302, f"/imports/{batch.pk}/")
    html = text_of(client.get(response["Location"]))
    assert "Import applied: 2 created, 0 updated, 0 unchanged." in html
    assert "<dt>Created</dt><dd>2</dd>" in html
    assert "Apply the import" not in html
    assert external_ids() == ["ERP-1", "ERP-3"]
    assert ImportBatch.objects.get().status == ImportStatus.APPLIED


def test_the_import_list_shows_each_batch(analyst):
    client = web_client(analyst)
    upload_file(client, "customers.csv", CSV.encode())
    upload_file(client, "bad-customers.csv", BAD_CSV.encode())
    good, bad = ImportBatch.objects.order_by("id")

    html = text_of(client.get("/imports/"))

    assert f'<a href="/imports/{good.pk}/">customers.csv</a>' in html
    assert f'<a href="/imports/{bad.pk}/">bad-customers.csv</a>' in html
    assert "Checked, ready to apply" in html
    assert "Has errors, nothing written" in html
    assert html.index("bad-customers.csv") < html.index(">customers.csv<")  # newest first


def test_applying_twice_in_the_browser_says_why_not(analyst):
    client = web_client(analyst)
    upload_file(client, "customers.csv", CSV.encode())
    batch = ImportBatch.objects.get()
    client.post(f"/imports/{batch.pk}/apply")

    html = text_of(client.post(f"/imports/{batch.pk}/apply", follow=True))

    assert "Only a checked import without errors can be applied." in html
    assert Customer.objects.count() == 2


def test_a_file_that_went_stale_before_applying_shows_its_errors(analyst):
    client = web_client(analyst)
    upload_file(client, "customers.csv", CSV.encode())
    batch = ImportBatch.objects.get()
    CustomerFactory(external_id="OTHER", uscc=NINGBO_PORT)

    html = text_of(client.post(f"/imports/{batch.pk}/apply", follow=True))

    assert "Nothing was written: see the errors below." in html
    assert "This code belongs to another customer." in html
    assert external_ids() == ["OTHER"]
    assert ImportBatch.objects.get().status == ImportStatus.INVALID


def test_a_wrong_encoding_choice_is_shown_as_a_file_error(analyst):
    client = web_client(analyst)

    location = upload_file(client, "customers.csv", CSV.encode("gbk"), encoding="utf-8")["Location"]

    html = text_of(client.get(location))
    assert re.search(r"The file is not valid utf-8 \(byte \d+\)\.", html)


def test_get_on_apply_is_not_allowed(analyst):
    batch = stage_import(analyst, "customers", "customers.csv", CSV.encode())

    assert web_client(analyst).get(f"/imports/{batch.pk}/apply").status_code == 405
    assert ImportBatch.objects.get().status == ImportStatus.STAGED


def test_an_auditor_reads_the_preview_but_cannot_apply(analyst):
    batch = stage_import(analyst, "customers", "customers.csv", CSV.encode())
    auditor = web_client(UserFactory(username="sun.auditor", role="auditor"))

    page = auditor.get(f"/imports/{batch.pk}/")

    assert page.status_code == 200
    assert "Apply the import" not in text_of(page)
    assert auditor.post(f"/imports/{batch.pk}/apply").status_code == 403
    assert auditor.get("/imports/upload").status_code == 403
    assert external_ids() == []


def test_sales_cannot_see_or_apply_imports(analyst):
    batch = stage_import(analyst, "customers", "customers.csv", CSV.encode())
    sales = web_client(UserFactory(username="li.sales", role="sales"))

    assert sales.get("/imports/").status_code == 403
    assert sales.get(f"/imports/{batch.pk}/").status_code == 403
    assert sales.post(f"/imports/{batch.pk}/apply").status_code == 403
    assert upload_file(sales, "customers.csv", CSV.encode()).status_code == 403
    assert ImportBatch.objects.count() == 1
    assert external_ids() == []
