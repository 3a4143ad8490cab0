"""Imports from other systems (the JSON API) and from people (upload, preview, apply in the browser).

The API writes a clean batch at once and answers 201 with the batch; when a row is bad it answers 422
with the batch (it says "invalid", lists the problems and keeps its id and hash; nothing is written, and
the file is not kept). A file past the size limit answers 413, past the row or cell limit 422, unrecorded.
The web flow checks a file first and shows every problem, or what applying would do and an "Apply" button.
"""

import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from creditdesk.api import api
from creditdesk.customers.models import Customer
from creditdesk.imports.api import MAX_BATCH_ITEMS
from creditdesk.imports.models import ImportBatch, ImportStatus
from creditdesk.imports.services import stage_import
from creditdesk.testing.clients import api_client, signed_in
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
        "sha256": hashlib.sha256(batch_content(ITEMS)).hexdigest(), "size": len(batch_content(ITEMS)),
        "encoding": "utf-8", "mapping": "creditdesk", "status": "applied", "row_count": 3, "rows_checked": 3,
        "created_count": 3, "updated_count": 0, "unchanged_count": 0, "errors": [],
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

    assert response.status_code == 422
    body = response.json()
    batch = ImportBatch.objects.get()
    assert (body["id"], body["status"], body["detail"], body["row_count"]) == (
        batch.pk, "invalid", "Nothing was written; the errors say why.", 5)
    # in a batch, rows are the items' numbers counted from 1
    assert body["errors"] == [{"row": 4, "column": "country", "message": "Unknown country “Atlantis”."},
                              {"row": 5, "column": "name", "message": "Required."}]
    assert external_ids() == []


def test_more_than_ten_thousand_items_are_refused_with_413(analyst):
    items = [{"external_id": f"E-{n}", "name": "X", "country": "US"} for n in range(MAX_BATCH_ITEMS + 1)]

    response = post_batch(api_client(analyst), items)

    assert response.status_code == 413
    assert response.json() == {"detail": "at most 10000 items per batch", "errors": {}}
    assert ImportBatch.objects.count() == 0


def test_a_batch_of_exactly_the_limit_is_accepted(analyst, monkeypatch):
    """The boundary, with a small limit: checking 10,000 real items takes seconds."""
    monkeypatch.setattr("creditdesk.imports.api.MAX_BATCH_ITEMS", 3)
    client = api_client(analyst)

    assert post_batch(client, ITEMS, check_only=True).status_code == 201
    assert post_batch(client, [*ITEMS, {"external_id": "E-4", "name": "X", "country": "US"}]).json() == {
        "detail": "at most 3 items per batch", "errors": {}}


def test_an_empty_batch_is_invalid(analyst):
    response = post_batch(api_client(analyst), [])

    assert (response.status_code, response.json()["status"], response.json()["errors"]) == (
        422, "invalid", [{"row": 0, "column": "", "message": "The file is empty."}])


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

    response = api_client(analyst).post("/api/imports/customers/file", {"file": upload})

    assert (response.status_code, response.json()["status"], response.json()["errors"]) == (
        422, "invalid", [{"row": 4, "column": "country", "message": "Unknown country “Atlantis”."}])
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
    response = signed_in(analyst).get("/imports/upload?kind=rates")

    assert response.status_code == 200
    html = text_of(response)
    assert '<option value="customers">Customers</option>' in html
    assert '<option value="rates" selected>Exchange rates</option>' in html
    assert '<option value="gb18030">GBK / GB18030 (Chinese Excel)</option>' in html
    assert '<option value="creditdesk">creditdesk</option>' in html
    assert 'type="file" name="upload"' in html


def test_an_upload_without_a_file_shows_the_form_again(analyst):
    response = signed_in(analyst).post("/imports/upload", {"kind": "customers", "encoding": "auto",
                                                            "mapping": "creditdesk"})

    assert response.status_code == 200
    assert "This field is required." in text_of(response)
    assert ImportBatch.objects.count() == 0


def test_a_bad_file_is_shown_with_its_errors_and_no_apply_button(analyst):
    client = signed_in(analyst)

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
    client = signed_in(analyst)

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
    client = signed_in(analyst)
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
    client = signed_in(analyst)
    upload_file(client, "customers.csv", CSV.encode())
    batch = ImportBatch.objects.get()
    client.post(f"/imports/{batch.pk}/apply")

    html = text_of(client.post(f"/imports/{batch.pk}/apply", follow=True))

    assert "Only a checked import without errors can be applied." in html
    assert Customer.objects.count() == 2


def test_a_file_that_went_stale_before_applying_shows_its_errors(analyst):
    client = signed_in(analyst)
    upload_file(client, "customers.csv", CSV.encode())
    batch = ImportBatch.objects.get()
    CustomerFactory(external_id="OTHER", uscc=NINGBO_PORT)

    html = text_of(client.post(f"/imports/{batch.pk}/apply", follow=True))

    assert "Nothing was written: see the errors below." in html
    assert "This code belongs to another customer." in html
    assert external_ids() == ["OTHER"]
    assert ImportBatch.objects.get().status == ImportStatus.INVALID


def test_a_wrong_encoding_choice_is_shown_as_a_file_error(analyst):
    client = signed_in(analyst)

    location = upload_file(client, "customers.csv", CSV.encode("gbk"), encoding="utf-8")["Location"]

    html = text_of(client.get(location))
    assert re.search(r"The file is not valid utf-8 \(byte \d+\)\.", html)


def test_get_on_apply_is_not_allowed(analyst):
    batch = stage_import(analyst, "customers", "customers.csv", CSV.encode())

    assert signed_in(analyst).get(f"/imports/{batch.pk}/apply").status_code == 405
    assert ImportBatch.objects.get().status == ImportStatus.STAGED


def test_an_auditor_reads_the_preview_but_cannot_apply(analyst):
    batch = stage_import(analyst, "customers", "customers.csv", CSV.encode())
    auditor = signed_in(UserFactory(username="sun.auditor", role="auditor"))

    page = auditor.get(f"/imports/{batch.pk}/")

    assert page.status_code == 200
    assert "Apply the import" not in text_of(page)
    assert auditor.post(f"/imports/{batch.pk}/apply").status_code == 403
    assert auditor.get("/imports/upload").status_code == 403
    assert external_ids() == []


def test_sales_cannot_see_or_apply_imports(analyst):
    batch = stage_import(analyst, "customers", "customers.csv", CSV.encode())
    sales = signed_in(UserFactory(username="li.sales", role="sales"))

    assert sales.get("/imports/").status_code == 403
    assert sales.get(f"/imports/{batch.pk}/").status_code == 403
    assert sales.post(f"/imports/{batch.pk}/apply").status_code == 403
    assert upload_file(sales, "customers.csv", CSV.encode()).status_code == 403
    assert ImportBatch.objects.count() == 1
    assert external_ids() == []


# --- what is kept of a file -----------------------------------------------------------------------------------


def stored_files(settings) -> list[str]:
    imports = Path(settings.MEDIA_ROOT) / "imports"
    return sorted(path.name for path in imports.rglob("*") if path.is_file()) if imports.exists() else []


def test_a_rejected_file_is_not_kept_but_its_batch_is_with_hash_counts_and_errors(analyst, settings):
    upload = SimpleUploadedFile("customers.csv", BAD_CSV.encode(), content_type="text/csv")

    body = api_client(analyst).post("/api/imports/customers/file", {"file": upload}).json()

    batch = ImportBatch.objects.get()
    assert (body["id"], batch.status, batch.sha256, batch.row_count, len(batch.errors)) == (
        batch.pk, "invalid", hashlib.sha256(BAD_CSV.encode()).hexdigest(), 3, 1)
    assert (batch.file.name, stored_files(settings)) == ("", [])


def test_a_checked_file_is_kept_until_applied(analyst, settings):
    batch = stage_import(analyst, "customers", "customers.csv", CSV.encode())

    assert stored_files(settings) == [f"{batch.sha256[:16]}-customers.csv"]


def test_a_file_gone_stale_before_applying_is_deleted(analyst, settings):
    batch = stage_import(analyst, "customers", "customers.csv", CSV.encode())
    CustomerFactory(external_id="OTHER", uscc=NINGBO_PORT)

    signed_in(analyst).post(f"/imports/{batch.pk}/apply")

    batch.refresh_from_db()
    assert (batch.status, batch.file.name, stored_files(settings)) == ("invalid", "", [])


# --- cells a batch cannot hold ------------------------------------------------------------------------------


def test_a_list_or_an_object_in_a_batch_is_a_row_error_naming_its_column(analyst):
    items = [{**ITEMS[0], "name": ["Ningbo Port"]}, {**ITEMS[2], "local_name": {"zh": "阿克米"}}]

    response = post_batch(api_client(analyst), items)

    problem = "A cell holds text, a number, true, false or null, not a list or an object."
    assert (response.status_code, response.json()["errors"]) == (
        422, [{"row": 1, "column": "name", "message": problem}, {"row": 2, "column": "local_name", "message": problem}])
    assert external_ids() == []


def test_a_control_character_in_a_cell_is_a_row_error_naming_its_column(analyst):
    response = post_batch(api_client(analyst), [{**ITEMS[2], "name": "Acme\u0000 GmbH"}])

    assert response.json()["errors"] == [
        {"row": 1, "column": "name", "message": "The cell holds the control character U+0000."}]


# --- limits -------------------------------------------------------------------------------------------------


def post_file(client: Client, name: str, content: bytes, **fields: str):
    return client.post("/api/imports/customers/file", {"file": SimpleUploadedFile(name, content), **fields})


def test_a_file_larger_than_the_limit_is_refused_with_413_unread_and_unrecorded(analyst, settings):
    settings.CREDITDESK_IMPORT_MAX_BYTES = 100

    response = post_file(api_client(analyst), "customers.csv", CSV.encode())

    message = f"The file is {len(CSV.encode())}\u00a0bytes, more than 100\u00a0bytes, the most an import may be."
    assert (response.status_code, response.json()) == (413, {"detail": message, "errors": {"__all__": [message]}})
    assert (ImportBatch.objects.count(), stored_files(settings)) == (0, [])


def test_a_workbook_unpacking_past_the_limit_is_refused_with_413(analyst, settings):
    workbook = Workbook()
    workbook.active.append(["external_id", "name", "country"])
    for n in range(2000):
        workbook.active.append([f"ERP-{n}", "Acme Industrial GmbH", "DE"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    settings.CREDITDESK_IMPORT_MAX_BYTES = len(buffer.getvalue()) + 1

    response = post_file(api_client(analyst), "customers.xlsx", buffer.getvalue())

    assert response.status_code == 413
    assert re.fullmatch(r"The workbook unpacks to [\d.]+\xa0KB, more than [\d.]+\xa0KB, the most an import may be\.",
                        response.json()["detail"])
    assert ImportBatch.objects.count() == 0


def test_a_file_of_more_rows_than_the_limit_is_refused_with_422_unrecorded(analyst, settings):
    settings.CREDITDESK_IMPORT_MAX_ROWS = 1

    response = post_file(api_client(analyst), "customers.csv", CSV.encode(), check_only="true")

    message = "The file has more than 1 rows, the most an import may have."
    assert (response.status_code, response.json()) == (422, {"detail": message, "errors": {"__all__": [message]}})
    assert (ImportBatch.objects.count(), external_ids()) == (0, [])


def test_a_cell_larger_than_the_limit_is_refused_with_422(analyst):
    content = CSV.encode() + b"ERP-9,Big Co," + b"x" * 200_000 + b",,DE\n"  # past csv's own limit too

    response = post_file(api_client(analyst), "customers.csv", content)

    assert (response.status_code, response.json()["detail"]) == (
        422, "Row 4 has a cell longer than 32,767 characters, the most a cell may hold.")


def test_a_json_file_of_more_items_than_a_batch_may_hold_is_refused_with_422(analyst):
    items = [{"external_id": f"E-{n}", "name": "X", "country": "US"} for n in range(MAX_BATCH_ITEMS + 1)]

    response = post_file(api_client(analyst), "customers.json", json.dumps(items).encode())

    assert (response.status_code, response.json()["detail"]) == (
        422, "A batch holds at most 10,000 items; this one holds 10,001.")
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize(("limit", "value", "status", "message"), [
    ("CREDITDESK_IMPORT_MAX_BYTES", 100, 413,
     "The file is 142\u00a0bytes, more than 100\u00a0bytes, the most an import may be."),
    ("CREDITDESK_IMPORT_MAX_ROWS", 1, 422, "The file has more than 1 rows, the most an import may have."),
    ("CREDITDESK_IMPORT_MAX_CELL_CHARS", 20, 422,
     "Row 2 has a cell longer than 20 characters, the most a cell may hold."),
])
def test_the_upload_page_answers_a_limit_with_its_status_and_message(analyst, settings, limit, value, status,
                                                                      message):
    setattr(settings, limit, value)

    response = upload_file(signed_in(analyst), "customers.csv", CSV.encode())

    assert response.status_code == status
    assert message in response.content.decode()
    assert ImportBatch.objects.count() == 0


# --- the API document ---------------------------------------------------------------------------------------


def test_the_import_operations_document_every_status_they_answer_with_its_schema(analyst):
    paths = api_client(analyst).get("/api/openapi.json").json()["paths"]

    documented = {(path, method): operation["responses"] for path, operations in paths.items()
                  if path.startswith("/api/imports") for method, operation in operations.items()}
    assert {operation: sorted(responses) for operation, responses in documented.items()} == {
        ("/api/imports/", "get"): ["200", "401", "403", "422"],
        ("/api/imports/{batch_id}", "get"): ["200", "401", "403", "404", "422"],
        ("/api/imports/{kind}/file", "post"): ["201", "202", "400", "401", "403", "404", "413", "422"],
        ("/api/imports/{kind}/batch", "post"): ["201", "400", "401", "403", "404", "413", "422"],
    }
    assert all(answer["content"]["application/json"]["schema"] for responses in documented.values()
               for answer in responses.values())
    for path in ("/api/imports/{kind}/file", "/api/imports/{kind}/batch"):
        own = api.get_openapi_schema()["paths"][path]["post"]["responses"]
        assert [ref["$ref"] for ref in own[422]["content"]["application/json"]["schema"]["anyOf"]] == [
            "#/components/schemas/ImportRejectedOut", "#/components/schemas/ErrorOut"]
        assert own[413]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
