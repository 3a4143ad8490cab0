"""Files and JSON batches into the same import machinery the upload page uses."""

import datetime as dt
import json
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from creditdesk.core.api import Page, PageParams, paginate
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest
from creditdesk.imports.models import ImportBatch
from creditdesk.imports.selectors import import_batches
from creditdesk.imports.services import run_import, stage_import

router = Router(tags=["imports"])
MAX_BATCH_ITEMS = 10_000


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    id: int
    kind: str
    file_name: str
    sha256: str
    encoding: str
    mapping: str
    status: str
    row_count: int
    created_count: int
    updated_count: int
    unchanged_count: int
    errors: list[RowErrorOut]
    created_at: dt.datetime
    applied_at: dt.datetime | None



class BatchIn(Schema):
    items: list[dict[str, Any]]
    check_only: bool = False


@router.get("/", response=Page[ImportOut])
def list_imports(request: AuthedRequest, page: Query[PageParams], kind: str = "") -> dict[str, Any]:
    return paginate(import_batches(request.user, kind), page)


@router.get("/{batch_id}", response=ImportOut)
def get_import(request: AuthedRequest, batch_id: int) -> ImportBatch:
    return get_object_or_404(import_batches(request.user), pk=batch_id)


@router.post("/{kind}/file", response={201: ImportOut})
def import_file(request: AuthedRequest, kind: str, file: File[UploadedFile], mapping: Form[str] = "creditdesk",
                encoding: Form[str] = "auto", check_only: Form[bool] = False) -> Status[ImportBatch]:
    """Upload a CSV or XLSX file; it is written only if every row passes."""
    action = stage_import if check_only else run_import
    return Status(201, action(request.user, kind, file.name or "upload", file.read(), encoding, mapping))


@router.post("/{kind}/batch", response={201: ImportOut, 413: dict[str, str]})
def import_batch(request: AuthedRequest, kind: str, payload: BatchIn) -> Status[Any]:
    """Up to 10,000 items as JSON, checked and written all together like a file."""
    require(request.user, "imports.add_importbatch")
    if len(payload.items) > MAX_BATCH_ITEMS:
        return Status(413, {"detail": f"at most {MAX_BATCH_ITEMS} items per batch"})
    content = json.dumps(payload.items, ensure_ascii=False, sort_keys=True).encode()
    action = stage_import if payload.check_only else run_import
    return Status(201, action(request.user, kind, "batch.json", content))
