"""Files and JSON batches into the same import machinery the upload page uses."""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from creditdesk.core.api import ErrorOut, Id, Page, PageParams, error_body, paginate
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest
from creditdesk.imports.models import ImportBatch, ImportStatus
from creditdesk.imports.readers import MAX_BATCH_ITEMS, ImportLimitExceeded
from creditdesk.imports.selectors import import_batches
from creditdesk.imports.services import receive_upload, run_import, stage_import

router = Router(tags=["imports"])
# a batch checked (and written) answers 201, one left to the background worker 202, one rejected 422
ANSWERS: dict[str, int] = {ImportStatus.QUEUED: 202, ImportStatus.INVALID: 422, ImportStatus.FAILED: 422}


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    id: int
    kind: str
    file_name: str
    sha256: str
    size: int
    encoding: str
    mapping: str
    status: str
    row_count: int
    rows_checked: int
    created_count: int
    updated_count: int
    unchanged_count: int
    errors: list[RowErrorOut]
    created_at: dt.datetime
    applied_at: dt.datetime | None


class ImportRejectedOut(ImportOut):
    """A file or batch with errors: nothing was written; `id` finds the batch, which keeps its hash and errors."""

    detail: str

    @staticmethod
    def resolve_detail(batch: ImportBatch) -> str:
        return _("Nothing was written; the errors say why.")


class BatchIn(Schema):
    items: list[dict[str, Any]]
    check_only: bool = False


BATCH_ANSWERS: dict[int, Any] = {201: ImportOut, 413: ErrorOut, 422: ImportRejectedOut | ErrorOut}
FILE_ANSWERS = {**BATCH_ANSWERS, 202: ImportOut}


def answer(receive: Callable[[], ImportBatch]) -> Status[Any]:
    """The batch with the status its outcome answers; a file past a limit answers 413 or 422 unrecorded."""
    try:
        batch = receive()
    except ImportLimitExceeded as error:
        return Status(error.status, error_body(error))
    return Status(ANSWERS.get(batch.status, 201), batch)


@router.get("/", response=Page[ImportOut])
def list_imports(request: AuthedRequest, page: Query[PageParams], kind: str = "") -> dict[str, Any]:
    return paginate(import_batches(request.user, kind), page)


@router.get("/{batch_id}", response=ImportOut)
def get_import(request: AuthedRequest, batch_id: Id) -> ImportBatch:
    """One import; a queued or running one says how many of its rows are checked (`rows_checked` of `row_count`)."""
    return get_object_or_404(import_batches(request.user), pk=batch_id)


@router.post("/{kind}/file", response=FILE_ANSWERS)
def import_file(request: AuthedRequest, kind: str, file: File[UploadedFile], mapping: Form[str] = "creditdesk",
                encoding: Form[str] = "auto", check_only: Form[bool] = False) -> Status[Any]:
    """Upload a CSV, XLSX or JSON file; it is written only if every row passes (201), else nothing is (422).

    A file larger than CREDITDESK_IMPORT_BACKGROUND_BYTES is queued for the background worker (202): read its
    progress and outcome at `GET /api/imports/{id}`. A file past the size limit answers 413; past the row or
    cell limit, 422.
    """
    return answer(lambda: receive_upload(request.user, kind=kind, upload=file, encoding=encoding, mapping=mapping,
                                         apply=not check_only))


@router.post("/{kind}/batch", response=BATCH_ANSWERS)
def import_batch(request: AuthedRequest, kind: str, payload: BatchIn) -> Status[Any]:
    """Up to 10,000 items as JSON, checked and written all together like a file (201), or not at all (422)."""
    require(request.user, "imports.add_importbatch")
    if len(payload.items) > MAX_BATCH_ITEMS:
        return Status(413, {"detail": _("at most %(limit)d items per batch") % {"limit": MAX_BATCH_ITEMS}})
    content = json.dumps(payload.items, ensure_ascii=False, sort_keys=True).encode()
    action = stage_import if payload.check_only else run_import
    return answer(lambda: action(request.user, kind, "batch.json", content))
