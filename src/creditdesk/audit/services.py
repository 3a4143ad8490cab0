"""Recording audit entries and sealing them into a tamper-evident hash chain.

Requests only insert entries with a hash of their own content, so writers never wait for each
other; `seal_audit_chain` later links unsealed entries, in id order, into one chain under a single
row lock. `verify_audit_chain` (in selectors) walks the chain and names the first bad entry.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal
from enum import Enum
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from creditdesk.audit.models import AuditEntry, ChainHead
from creditdesk.core.types import Viewer

Changes = dict[str, list[Any]]
SEAL_BATCH = 5000


def to_json_value(value: Any) -> Any:
    """Audit values must survive a JSON round trip unchanged so their hash can be checked later."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return to_json_value(value.value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_json_value(v) for v in value]
    return str(value)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The audited values of an object, foreign keys by id, ready to compare."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = to_json_value(getattr(instance, field.attname))  # type: ignore[union-attr]
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> Changes:
    """Only the fields that changed, as [before, after] pairs."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def content_digest(entry: AuditEntry) -> str:
    """A hash of everything an entry says, so any later edit of its row is visible."""
    payload = {
        "created_at": entry.created_at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "customer_id": entry.customer_id,
        "changes": entry.changes,
        "reason": entry.reason,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def link_digest(previous_hash: str, entry: AuditEntry) -> str:
    """Each link binds an entry's id and content to everything sealed before it."""
    return hashlib.sha256(f"{previous_hash}:{entry.pk}:{entry.content_hash}".encode()).hexdigest()


def customer_of(target: models.Model) -> int | None:
    """Entries about a customer or anything hanging off one appear on that customer's history."""
    if target._meta.label_lower == "customers.customer":
        return target.pk  # type: ignore[no-any-return]
    if hasattr(target, "customer_id"):
        return target.customer_id  # type: ignore[no-any-return]
    invoice = getattr(target, "invoice", None)  # an allocation belongs to its invoice's customer
    return getattr(invoice, "customer_id", None)


def audit_entry(
    actor: Viewer | None,
    action: str,
    target: models.Model,
    changes: Changes | None = None,
    reason: str = "",
    customer_id: int | None = None,
) -> AuditEntry:
    """An entry with its content hash, not yet saved."""
    user = actor if actor is not None and actor.is_authenticated else None
    entry = AuditEntry(
        created_at=timezone.now(),
        actor=user,
        actor_name=user.get_username() if user else "system",
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        object_repr=str(target)[:200],
        customer_id=customer_id if customer_id is not None else customer_of(target),
        changes=to_json_value(changes or {}),
        reason=reason or "",
    )
    entry.content_hash = content_digest(entry)
    return entry


def record_audit(
    actor: Viewer | None,
    action: str,
    target: models.Model,
    changes: Changes | None = None,
    reason: str = "",
    customer_id: int | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail; call it inside the write's transaction."""
    entry = audit_entry(actor, action, target, changes, reason, customer_id)
    entry.save()
    return entry


def record_audits(actor: Viewer | None, action: str, changed: Sequence[tuple[models.Model, Changes]],
                  reason: str = "") -> None:
    """One entry per object for a bulk write, inserted together."""
    AuditEntry.objects.bulk_create([audit_entry(actor, action, target, changes, reason) for target, changes in changed],
                                   batch_size=500)


def seal_audit_chain(batch: int = SEAL_BATCH) -> int:
    """Link every unsealed entry into the chain, oldest id first; returns how many were sealed."""
    ChainHead.objects.bulk_create([ChainHead(pk=1)], ignore_conflicts=True)
    sealed = 0
    while True:
        with transaction.atomic():
            head = ChainHead.objects.select_for_update().get(pk=1)
            entries = list(AuditEntry.objects.filter(chain_position__isnull=True).order_by("id")[:batch])
            if not entries:
                return sealed
            now = timezone.now()
            for entry in entries:
                head.position += 1
                head.chain_hash = link_digest(head.chain_hash, entry)
                entry.chain_position, entry.chain_hash, entry.sealed_at = head.position, head.chain_hash, now
            AuditEntry.objects.bulk_update(entries, ["chain_position", "chain_hash", "sealed_at"])
            head.save()
            sealed += len(entries)
