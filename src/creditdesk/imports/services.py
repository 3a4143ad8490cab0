"""Running an import: record the file, check every row, write all of it or none of it, audit."""

import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.audit.services import record_audit
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor
from creditdesk.imports.kinds import KINDS, ImportKind, Plan, Record, RowError
from creditdesk.imports.models import ImportBatch, ImportStatus
from creditdesk.imports.readers import Table, read_table


def get_kind(name: str) -> ImportKind:
    """A fresh instance of the kind for one file, so concurrent imports never share a file's lookups."""
    if name not in KINDS:
        raise ValidationError(_("Unknown import kind “%(name)s”.") % {"name": name})
    return KINDS[name]()


def normalise_header(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").split()).casefold()


def map_columns(kind: ImportKind, table: Table, mapping: str) -> tuple[list[Record], list[RowError]]:
    """Turn file headers into field names through a preset; a missing required column stops the file."""
    presets = kind.presets()
    if mapping not in presets:
        raise ValidationError(_("Unknown column mapping “%(name)s”.") % {"name": mapping})
    preset = {normalise_header(k): v for k, v in presets[mapping].items()}
    fields = [preset.get(normalise_header(h)) for h in table.headers]
    defaults = kind.preset_defaults.get(mapping, {})
    missing = sorted(kind.required - set(filter(None, fields)) - set(defaults))
    errors = [RowError(1, name, _("Required column is missing.")) for name in missing]
    records = [
        (number, {**defaults, **{f: (cells[i] if i < len(cells) else "") for i, f in enumerate(fields) if f}})
        for number, cells in table.rows
    ]
    return records, errors


def check(kind: ImportKind, batch: ImportBatch, content: bytes) -> Plan:
    """Read and check a file without writing; the batch keeps the counts and errors."""
    try:
        table = read_table(batch.file_name, content, batch.encoding or "auto")
        records, errors = map_columns(kind, table, batch.mapping)
    except ValidationError as error:
        return Plan(errors=[RowError(0, "", message) for message in error.messages])
    batch.encoding = table.encoding
    plan = Plan(errors=errors) if errors else kind.plan(records)
    plan.kind = kind
    batch.row_count = len(records)
    return plan


def record_plan(batch: ImportBatch, plan: Plan) -> None:
    batch.errors = [{"row": e.row, "column": e.column, "message": str(e.message)} for e in plan.errors]
    batch.created_count, batch.updated_count = len(plan.creates), len(plan.updates)
    batch.unchanged_count = plan.unchanged
    batch.status = ImportStatus.INVALID if plan.errors else ImportStatus.STAGED


def stage_import(actor: Actor, kind_name: str, file_name: str, content: bytes,
                 encoding: str = "auto", mapping: str = "creditdesk") -> ImportBatch:
    """Keep the file and check it: the preview shows what applying it would do."""
    return stage(actor, kind_name, file_name, content, encoding, mapping)[0]


@transaction.atomic
def stage(actor: Actor, kind_name: str, file_name: str, content: bytes, encoding: str,
          mapping: str) -> tuple[ImportBatch, Plan]:
    """The batch recorded and audited, with the plan its check produced."""
    kind = get_kind(kind_name)
    require(actor, "imports.add_importbatch", kind.permission)
    batch = ImportBatch(kind=kind.name, file_name=file_name[:255], sha256=hashlib.sha256(content).hexdigest(),
                        encoding="" if encoding == "auto" else encoding, mapping=mapping or "creditdesk",
                        created_by=actor)
    plan = check(kind, batch, content)
    record_plan(batch, plan)
    batch.file.save(f"{batch.sha256[:16]}-{file_name[-80:]}", ContentFile(content), save=False)
    batch.save()
    record_audit(actor, "import.stage", batch, {
        "file_name": [None, batch.file_name], "sha256": [None, batch.sha256], "status": [None, batch.status],
        "rows": [None, batch.row_count], "errors": [None, len(batch.errors)],
    })
    return batch, plan


def apply_import(actor: Actor, batch: ImportBatch, checked: Plan | None = None) -> ImportBatch:
    """Check again against today's data (unless just checked), then write every row in one transaction or none."""
    kind = checked.kind if checked and checked.kind else get_kind(batch.kind)
    require(actor, "imports.add_importbatch", kind.permission)
    if batch.status != ImportStatus.STAGED:
        raise ValidationError(_("Only a checked import without errors can be applied."))
    try:
        with transaction.atomic():
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
        batch.save()
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
