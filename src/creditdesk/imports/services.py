"""Running an import: record the file, check every row, write all of it or none of it, audit.

A file larger than CREDITDESK_IMPORT_BACKGROUND_BYTES (an XLSX by its unpacked size) is not checked in the
request that brings it: it is stored, its batch queued, and `creditdesk db_worker` checks it (and writes it,
when asked), counting the rows checked onto the batch as it goes. The check runs outside any transaction, so
its progress is seen; the write is one transaction, so a worker stopped half-way leaves nothing written. A
rejected file is not kept; its batch keeps the hash, the counts and the errors.
"""

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from creditdesk.audit.services import record_audit
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor
from creditdesk.imports.kinds import KINDS, ImportKind, Plan, Progress, Record, RowError
from creditdesk.imports.models import ImportBatch, ImportStatus
from creditdesk.imports.readers import ImportLimitExceeded, Table, admit, read_size, read_table, refuse_too_large


def get_kind(name: str, progress: Progress | None = None) -> ImportKind:
    """A fresh instance of the kind for one file, so concurrent imports never share a file's lookups."""
    if name not in KINDS:
        raise ValidationError(_("Unknown import kind “%(name)s”.") % {"name": name})
    return KINDS[name](progress)


def normalise_header(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").split()).casefold()


def map_columns(kind: ImportKind, table: Table, mapping: str) -> tuple[list[Record], list[RowError]]:
    """Turn file headers into field names through a preset; a missing column or an unreadable cell stops the file."""
    presets = kind.presets()
    if mapping not in presets:
        raise ValidationError(_("Unknown column mapping “%(name)s”.") % {"name": mapping})
    preset = {normalise_header(k): v for k, v in presets[mapping].items()}
    fields = [preset.get(normalise_header(h)) for h in table.headers]
    defaults = kind.preset_defaults.get(mapping, {})
    missing = sorted(kind.required - set(filter(None, fields)) - set(defaults))
    errors = [RowError(1, name, _("Required column is missing.")) for name in missing]
    errors += [RowError(row, field_name, message) for (row, index), message in sorted(table.problems.items())
               if (field_name := fields[index] if index < len(fields) else None)]
    records = [
        (number, {**defaults, **{f: (cells[i] if i < len(cells) else "") for i, f in enumerate(fields) if f}})
        for number, cells in table.rows
    ]
    return records, errors


def check(kind: ImportKind, batch: ImportBatch, content: bytes) -> Plan:
    """Read and check a file without writing; the batch keeps the counts and errors. A limit passed is raised."""
    try:
        table = read_table(batch.file_name, content, batch.encoding or "auto")
        records, errors = map_columns(kind, table, batch.mapping)
    except ImportLimitExceeded:
        raise
    except ValidationError as error:
        return file_errors(error)
    batch.encoding, batch.row_count = table.encoding, len(records)
    plan = Plan(errors=errors) if errors else kind.check_all(records)
    plan.kind, batch.rows_checked = kind, kind.rows_checked
    return plan


def file_errors(error: ValidationError) -> Plan:
    """What stops a whole file (unreadable, empty, past a limit) is reported as row 0."""
    return Plan(errors=[RowError(0, "", message) for message in error.messages])


def record_plan(batch: ImportBatch, plan: Plan) -> None:
    batch.errors = [{"row": e.row, "column": e.column, "message": str(e.message)} for e in plan.errors]
    batch.created_count, batch.updated_count = len(plan.creates), len(plan.updates)
    batch.unchanged_count = plan.unchanged
    batch.status = ImportStatus.INVALID if plan.errors else ImportStatus.STAGED


def new_batch(actor: Actor, kind: ImportKind, file_name: str, content: bytes, encoding: str,
              mapping: str) -> ImportBatch:
    """The record of a file as it arrived, once it is within the size an import may be."""
    return ImportBatch(kind=kind.name, file_name=file_name[:255], sha256=hashlib.sha256(content).hexdigest(),
                       size=admit(file_name, content), encoding="" if encoding == "auto" else encoding,
                       mapping=mapping or "creditdesk", created_by=actor)


def keep_file(batch: ImportBatch, content: bytes) -> None:
    batch.file.save(f"{batch.sha256[:16]}-{batch.file_name[-80:]}", ContentFile(content), save=False)


def save_outcome(batch: ImportBatch) -> None:
    """A rejected file is deleted from storage; its batch stays, with the hash, the counts and the errors."""
    if batch.status == ImportStatus.INVALID and batch.file:
        batch.file.delete(save=False)
    batch.save()


def audit_check(actor: Actor, batch: ImportBatch) -> None:
    record_audit(actor, "import.stage", batch, {
        "file_name": [None, batch.file_name], "sha256": [None, batch.sha256], "status": [None, batch.status],
        "rows": [None, batch.row_count], "errors": [None, len(batch.errors)],
    })


def stage_import(actor: Actor, kind_name: str, file_name: str, content: bytes,
                 encoding: str = "auto", mapping: str = "creditdesk") -> ImportBatch:
    """Keep the file and check it: the preview shows what applying it would do."""
    return stage(actor, kind_name, file_name, content, encoding, mapping)[0]


@transaction.atomic
def stage(actor: Actor, kind_name: str, file_name: str, content: bytes, encoding: str,
          mapping: str) -> tuple[ImportBatch, Plan]:
    """The batch recorded and audited, with the plan its check produced; a file past a limit is refused unrecorded."""
    kind = get_kind(kind_name)
    require(actor, "imports.add_importbatch", kind.permission)
    batch = new_batch(actor, kind, file_name, content, encoding, mapping)
    plan = check(kind, batch, content)
    record_plan(batch, plan)
    if batch.status != ImportStatus.INVALID:
        keep_file(batch, content)
    batch.save()
    audit_check(actor, batch)
    return batch, plan


def ready_to_apply(actor: Actor, batch: ImportBatch, checked: Plan | None = None) -> ImportKind:
    """The batch's kind, once the actor may write it and the batch is checked without errors."""
    kind = checked.kind if checked and checked.kind else get_kind(batch.kind)
    require(actor, "imports.add_importbatch", kind.permission)
    if batch.status != ImportStatus.STAGED:
        raise ValidationError(_("Only a checked import without errors can be applied."))
    return kind


def apply_import(actor: Actor, batch: ImportBatch, checked: Plan | None = None) -> ImportBatch:
    """Check again against today's data (unless just checked), then write every row in one transaction or none."""
    return write(actor, ready_to_apply(actor, batch, checked), batch, checked)


def write(actor: Actor, kind: ImportKind, batch: ImportBatch, checked: Plan | None) -> ImportBatch:
    """Every row in one transaction, or none: a failure or a file gone stale leaves the batch saying why."""
    try:
        with transaction.atomic():
            require(actor, "imports.add_importbatch", kind.permission)  # the worker writes for whoever asked
            plan = checked or recheck(kind, batch)
            record_plan(batch, plan)
            if plan.errors:
                raise ValidationError(_("The file no longer passes the checks."))
            kind.apply(actor, plan, _("Import #%(id)s %(file)s") % {"id": batch.pk, "file": batch.file_name})
            batch.status, batch.applied_by, batch.applied_at = ImportStatus.APPLIED, actor, timezone.now()
            batch.save()
            record_audit(actor, "import.apply", batch, counts(batch))
    except (ValidationError, PermissionDenied, IntegrityError) as error:
        if batch.status != ImportStatus.INVALID:
            batch.status = ImportStatus.FAILED
            batch.errors = [*batch.errors, *({"row": 0, "column": "", "message": m} for m in error_messages(error))]
        save_outcome(batch)
    return batch


def recheck(kind: ImportKind, batch: ImportBatch) -> Plan:
    with batch.file.open("rb") as stored:
        return check(kind, batch, stored.read())


def error_messages(error: Exception) -> list[str]:
    return list(error.messages) if isinstance(error, ValidationError) else [str(error)]


def counts(batch: ImportBatch) -> dict[str, Any]:
    return {"status": [ImportStatus.STAGED, batch.status], "created": [None, batch.created_count],
            "updated": [None, batch.updated_count], "unchanged": [None, batch.unchanged_count]}


def run_import(actor: Actor, kind_name: str, file_name: str, content: bytes,
               encoding: str = "auto", mapping: str = "creditdesk") -> ImportBatch:
    """Check once and, when every row passes, apply at once: the command line and the API work this way."""
    batch, plan = stage(actor, kind_name, file_name, content, encoding, mapping)
    return apply_import(actor, batch, plan) if batch.status == ImportStatus.STAGED else batch


def in_background(size: int) -> bool:
    return size > settings.CREDITDESK_IMPORT_BACKGROUND_BYTES


def receive_upload(actor: Actor, *, kind: str, upload: File, encoding: str = "auto", mapping: str = "creditdesk",
                   apply: bool) -> ImportBatch:
    """A file from the API or the upload page: refused unread when too large, checked now when small, else queued."""
    require(actor, "imports.add_importbatch", get_kind(kind).permission)
    refuse_too_large(upload.size or 0)
    content, file_name = upload.read(), upload.name or "upload"
    if in_background(read_size(file_name, content)):
        return queue_upload(actor, kind=kind, file_name=file_name, content=content, encoding=encoding,
                            mapping=mapping, apply=apply)
    action = run_import if apply else stage_import
    return action(actor, kind, file_name, content, encoding, mapping)


@transaction.atomic
def queue_upload(actor: Actor, *, kind: str, file_name: str, content: bytes, encoding: str, mapping: str,
                 apply: bool) -> ImportBatch:
    """Store a large file and leave its check (and its write, when asked) to the background worker."""
    batch = new_batch(actor, get_kind(kind), file_name, content, encoding, mapping)
    keep_file(batch, content)
    return queue(actor, batch, apply=apply)


def apply_staged(actor: Actor, batch: ImportBatch) -> ImportBatch:
    """The upload page's Apply: written now for a small file, by the background worker for a large one."""
    if not in_background(batch.size):
        return apply_import(actor, batch)
    ready_to_apply(actor, batch)
    return queue(actor, batch, apply=True)


@transaction.atomic
def queue(actor: Actor, batch: ImportBatch, *, apply: bool) -> ImportBatch:
    """Hand a stored batch to the worker: the task is recorded in the same transaction as the batch, or neither is."""
    before = batch.status or None
    batch.status, batch.apply_when_checked, batch.rows_checked = ImportStatus.QUEUED, apply, 0
    batch.save()
    record_audit(actor, "import.queue", batch, {
        "file_name": [None, batch.file_name], "sha256": [None, batch.sha256], "size": [None, batch.size],
        "status": [before, batch.status], "apply_when_checked": [None, apply],
    })
    run_queued_import.enqueue(batch.pk, actor.pk)
    return batch


@task()
def run_queued_import(batch_id: int, actor_id: int) -> str:
    """What `creditdesk db_worker` runs for a queued batch; the batch's status is the task's result."""
    return process_queued(batch_id=batch_id, actor_id=actor_id).status


def process_queued(*, batch_id: int, actor_id: int) -> ImportBatch:
    """Take a queued batch (once: a second worker finds it taken) and see it through; a stop marks it failed."""
    if not ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.QUEUED).update(
            status=ImportStatus.RUNNING, rows_checked=0, row_count=0):
        return ImportBatch.objects.get(pk=batch_id)
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        return check_and_write(get_user_model().objects.get(pk=actor_id), batch)
    except BaseException:  # the worker stopped, or a fault: the write's transaction is rolled back, so say so
        ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED, errors=[*batch.errors, {
                "row": 0, "column": "", "message": _("The import stopped before it finished; nothing was written.")}])
        raise


def check_and_write(actor: Actor, batch: ImportBatch) -> ImportBatch:
    """The check, counting its progress onto the batch while it stays running; then the write, when asked."""
    kind = get_kind(batch.kind, progress=progress_on(batch.pk))
    with batch.file.open("rb") as stored:
        content = stored.read()
    try:
        plan = check(kind, batch, content)
    except ImportLimitExceeded as error:
        plan = file_errors(error)
    record_plan(batch, plan)
    audit_check(actor, batch)
    if batch.status == ImportStatus.STAGED and batch.apply_when_checked:
        return write(actor, kind, batch, plan)
    save_outcome(batch)
    return batch


def progress_on(batch_id: int) -> Progress:
    """Progress written straight to the batch, outside any transaction, where the API and the page read it."""
    def report(checked: int, in_all: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(rows_checked=checked, row_count=in_all)
    return report
