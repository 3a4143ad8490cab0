"""Large imports are checked and written by the background worker (`creditdesk db_worker`), not in the request.

A file past CREDITDESK_IMPORT_BACKGROUND_BYTES is stored and its batch queued (the API answers 202, the page
shows the batch); the worker takes it (queued → running), counts the rows checked onto the batch as it goes,
and leaves it applied, checked (staged), invalid or failed. The write is one transaction: a worker stopped
half-way leaves nothing written. The tests run the real worker command over the real task queue.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django_tasks_db.models import DBTaskResult

from creditdesk.audit.models import AuditEntry
from creditdesk.customers.models import Customer
from creditdesk.imports import kinds
from creditdesk.imports.kinds import KINDS
from creditdesk.imports.models import ImportBatch, ImportStatus
from creditdesk.imports.services import check, get_kind
from creditdesk.imports.tests.helpers import run_worker
from creditdesk.testing.clients import api_client, signed_in

NINGBO_PORT = "91330200144071590X"
CSV = ("external_id,name,uscc,country,status\n"
       f"ERP-1,Ningbo Port Logistics Co.,{NINGBO_PORT},中国,active\n"
       "ERP-3,Acme Industrial GmbH,,DE,prospect\n")
BAD_CSV = CSV + "ERP-4,Atlantis Trading,,Atlantis,prospect\n"


# the worker closes a connection it finds inside a transaction, as after any request: its tests commit for real
COMMITTED = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def small_background_threshold(settings) -> None:
    """Every file of these tests counts as large."""
    settings.CREDITDESK_IMPORT_BACKGROUND_BYTES = 10


def post_file(client: Client, content: bytes, **fields: str):
    upload = SimpleUploadedFile("customers.csv", content, content_type="text/csv")
    return client.post("/api/imports/customers/file", {"file": upload, **fields})


def external_ids() -> list[str]:
    return sorted(Customer.objects.values_list("external_id", flat=True))


def outcome(batch_id: int) -> tuple[str, int, int, int]:
    batch = ImportBatch.objects.get(pk=batch_id)
    return batch.status, batch.rows_checked, batch.row_count, batch.created_count


@COMMITTED
def test_a_large_file_is_answered_202_queued_and_applied_by_the_worker(analyst):
    client = api_client(analyst)

    response = post_file(client, CSV.encode())

    body = response.json()
    assert (response.status_code, body["status"], body["rows_checked"], body["size"]) == (
        202, "queued", 0, len(CSV.encode()))
    assert external_ids() == []
    assert client.get(f"/api/imports/{body['id']}").json()["status"] == "queued"

    run_worker()

    read = client.get(f"/api/imports/{body['id']}").json()
    assert (read["status"], read["rows_checked"], read["row_count"], read["created_count"], read["errors"]) == (
        "applied", 2, 2, 2, [])
    assert external_ids() == ["ERP-1", "ERP-3"]
    assert list(DBTaskResult.objects.values_list("status", "return_value")) == [("SUCCESSFUL", "applied")]
    assert list(AuditEntry.objects.filter(action__startswith="import.").order_by("id").values_list(
        "action", flat=True)) == ["import.queue", "import.stage", "import.apply"]


@COMMITTED
def test_a_large_file_checked_only_is_left_checked(analyst):
    batch_id = post_file(api_client(analyst), CSV.encode(), check_only="true").json()["id"]

    run_worker()

    assert outcome(batch_id) == ("staged", 2, 2, 2)
    assert external_ids() == []


@COMMITTED
def test_the_worker_writes_its_progress_where_the_api_reads_it_while_it_checks(analyst, monkeypatch):
    """Each update of the progress is committed at once (outside any transaction) and read back: running."""
    monkeypatch.setattr(kinds, "PROGRESS_EVERY", 1)
    batch_id = post_file(api_client(analyst), CSV.encode()).json()["id"]
    seen = []

    def read_back_progress(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith("UPDATE") and '"rows_checked"' in sql and not connection.in_atomic_block:
            seen.append(ImportBatch.objects.values_list("status", "rows_checked", "row_count").get(pk=batch_id))
        return result

    with connection.execute_wrapper(read_back_progress):
        run_worker()

    assert seen == [("running", 0, 0),  # taken by the worker
                    ("running", 0, 2), ("running", 1, 2), ("running", 2, 2), ("running", 2, 2)]
    assert outcome(batch_id) == ("applied", 2, 2, 2)


@COMMITTED
def test_a_large_file_with_a_bad_row_is_invalid_and_not_kept(analyst, settings):
    batch_id = post_file(api_client(analyst), BAD_CSV.encode()).json()["id"]
    assert any((Path(settings.MEDIA_ROOT) / "imports").rglob("*.csv"))

    run_worker()

    batch = ImportBatch.objects.get(pk=batch_id)
    assert (batch.status, batch.errors, batch.file.name) == (
        "invalid", [{"row": 4, "column": "country", "message": "Unknown country “Atlantis”."}], "")
    assert not any((Path(settings.MEDIA_ROOT) / "imports").rglob("*.csv"))
    assert external_ids() == []


@COMMITTED
def test_a_large_file_past_the_row_limit_is_invalid_naming_the_limit(analyst, settings):
    batch_id = post_file(api_client(analyst), CSV.encode()).json()["id"]
    settings.CREDITDESK_IMPORT_MAX_ROWS = 1

    run_worker()

    batch = ImportBatch.objects.get(pk=batch_id)
    assert (batch.status, batch.errors) == ("invalid", [
        {"row": 0, "column": "", "message": "The file has more than 1 rows, the most an import may have."}])


@COMMITTED
def test_a_worker_stopped_in_the_middle_of_the_write_leaves_nothing_written(analyst, monkeypatch):
    """The worker's second SIGTERM is sys.exit() wherever the task is; here, with every row written, before the
    batch is marked applied: the transaction is rolled back and the batch says so."""
    from creditdesk.imports import services

    def stop_at_the_end(actor, action, *args, **kwargs):
        if action == "import.apply":
            assert Customer.objects.count() == 2  # written, not yet committed
            raise SystemExit(1)
        return record_audit(actor, action, *args, **kwargs)

    record_audit = services.record_audit
    monkeypatch.setattr(services, "record_audit", stop_at_the_end)
    batch_id = post_file(api_client(analyst), CSV.encode()).json()["id"]

    run_worker()

    assert external_ids() == []
    batch = ImportBatch.objects.get(pk=batch_id)
    assert (batch.status, batch.errors) == ("failed", [
        {"row": 0, "column": "", "message": "The import stopped before it finished; nothing was written."}])
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED"]


@pytest.mark.postgres
@COMMITTED
def test_a_worker_process_killed_while_writing_leaves_nothing_written(analyst, settings, tmp_path):
    """A real `creditdesk db_worker` process, sent SIGKILL once every row is checked and the write has begun."""
    if connection.vendor != "postgresql":
        pytest.skip("a second process shares the test database on PostgreSQL only")
    settings.MEDIA_ROOT = tmp_path / "var" / "media"  # where the worker, with CREDITDESK_VAR below, finds the file
    rows = "".join(f"K-{n},Killed Trading {n} GmbH,DE\n" for n in range(5000))
    batch_id = post_file(api_client(analyst), f"external_id,name,country\n{rows}".encode()).json()["id"]
    database = connection.settings_dict
    test_database = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    worker = subprocess.Popen(
        [str(Path(sys.executable).with_name("creditdesk")), "db_worker", "--batch", "--no-reload",
         "--no-startup-delay", "--verbosity", "0"],
        env={**os.environ, "CREDITDESK_VAR": str(tmp_path / "var"), "DATABASE_URL": test_database,
             "CREDITDESK_AUDIT_KEY": settings.CREDITDESK_AUDIT_KEY})
    try:
        deadline = time.monotonic() + 60
        while outcome(batch_id)[:3] != ("running", 5000, 5000) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        assert worker.poll() is None, "the worker finished before it could be stopped"
    finally:
        worker.kill()
        worker.wait()

    assert (external_ids(), outcome(batch_id)) == ([], ("running", 5000, 5000, 0))
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["RUNNING"]


@COMMITTED
def test_a_batch_already_taken_by_another_worker_is_left_alone(analyst):
    batch_id = post_file(api_client(analyst), CSV.encode()).json()["id"]
    ImportBatch.objects.filter(pk=batch_id).update(status=ImportStatus.RUNNING)

    run_worker()

    assert outcome(batch_id) == ("running", 0, 0, 0)
    assert external_ids() == []


# --- the upload page ----------------------------------------------------------------------------------------


def upload_page(client: Client, content: bytes):
    return client.post("/imports/upload", {"kind": "customers", "encoding": "auto", "mapping": "creditdesk",
                                           "upload": SimpleUploadedFile("customers.csv", content)})


@COMMITTED
def test_the_page_of_a_large_file_polls_until_checked_then_applying_it_is_queued_too(analyst):
    client = signed_in(analyst)
    location = upload_page(client, CSV.encode())["Location"]
    batch = ImportBatch.objects.get()

    queued = client.get(location).content.decode()
    assert "Queued for the background worker" in queued
    assert f'hx-get="/imports/{batch.pk}/" hx-trigger="every 2s" hx-select="#import"' in queued
    assert "Apply the import" not in queued

    run_worker()

    checked = client.get(location).content.decode()
    assert ("Checked, ready to apply" in checked, "hx-trigger" in checked, "Apply the import" in checked) == (
        True, False, True)

    response = client.post(f"/imports/{batch.pk}/apply", follow=True)

    assert "The import is written in the background; this page shows how far it has got." in response.content.decode()
    assert (outcome(batch.pk), external_ids()) == (("queued", 0, 2, 2), [])
    run_worker()
    assert (outcome(batch.pk), external_ids()) == (("applied", 2, 2, 2), ["ERP-1", "ERP-3"])
    assert ImportBatch.objects.get().applied_by == analyst


@pytest.mark.parametrize(("rows_checked", "row_count", "apply", "shown"), [
    (0, 0, False, "Reading the file…"),
    (1200, 3000, False, '<progress value="1200" max="3000"></progress> 1,200 of 3,000 rows checked'),
    (3000, 3000, True, "Every row checked; writing…"),
])
def test_a_running_import_shows_how_far_it_has_got(analyst, rows_checked, row_count, apply, shown):
    batch = ImportBatch.objects.create(kind="customers", file_name="customers.csv", sha256="0" * 64,
                                       status=ImportStatus.RUNNING, rows_checked=rows_checked, row_count=row_count,
                                       apply_when_checked=apply, created_by=analyst)

    html = signed_in(analyst).get(f"/imports/{batch.pk}/").content.decode()

    assert f'<dd id="import-progress">{shown}</dd>' in html
    assert 'hx-trigger="every 2s"' in html


# --- every kind tells its progress ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kind_tells_each_row_it_checks(analyst, monkeypatch, name):
    monkeypatch.setattr(kinds, "PROGRESS_EVERY", 1)
    told: list[tuple[int, int]] = []
    kind = get_kind(name, progress=lambda checked, in_all: told.append((checked, in_all)))
    columns = sorted(kind.required)
    content = "\n".join([",".join(columns), *(",".join(["x"] * len(columns)) for _row in range(3))]).encode()

    check(kind, ImportBatch(kind=name, file_name="x.csv", mapping="creditdesk"), content)

    assert told == [(0, 3), (1, 3), (2, 3), (3, 3), (3, 3)]
