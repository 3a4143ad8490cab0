"""Recording audit entries and sealing them into a tamper-evident hash chain.

Requests only insert entries with a keyed hash of their own content, so writers never wait for each
other; `seal_audit_chain` later links unsealed entries, in id order, into one chain under a single
row lock, and appends the new head to the head log outside the database. `verify_audit_chain` (in
selectors) walks the chain and names the first bad entry.
"""

import datetime as dt
import json
import logging
import os
from collections.abc import Sequence
from decimal import Decimal
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.audit.chain import ChainPoint, content_digest, link_digest
from creditdesk.audit.models import AuditEntry, ChainHead
from creditdesk.core.types import Viewer

logger = logging.getLogger(__name__)

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


class BrokenChain(Exception):
    """Sealing would extend a chain whose head row was deleted, hiding what was deleted with it."""


def ensure_chain_head() -> None:
    """Recreate the head of a chain with nothing sealed (after a flush); a lost head of a sealed chain stays lost."""
    if ChainHead.objects.filter(pk=1).exists():
        return
    if AuditEntry.objects.filter(chain_position__isnull=False).exists():
        raise BrokenChain(_("the chain head is missing"))
    ChainHead.objects.bulk_create([ChainHead(pk=1)], ignore_conflicts=True)


def link_entries(head: ChainHead, entries: list[AuditEntry]) -> None:
    """Give each entry the next position and a link to the one before, and move the head along."""
    now = timezone.now()
    for entry in entries:
        head.position += 1
        head.chain_hash = link_digest(head.chain_hash, entry)
        entry.chain_position, entry.chain_hash, entry.sealed_at = head.position, head.chain_hash, now
    AuditEntry.objects.bulk_update(entries, ["chain_position", "chain_hash", "sealed_at"])
    head.save()


def seal_batch(batch: int) -> tuple[int, ChainPoint]:
    """Link the oldest unsealed entries under the head's row lock; returns how many and the head after them."""
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().get(pk=1)
        entries = list(AuditEntry.objects.filter(chain_position__isnull=True).order_by("id")[:batch])
        if entries:
            link_entries(head, entries)
    return len(entries), ChainPoint(head.position, head.chain_hash)


def seal_audit_chain(batch: int = SEAL_BATCH) -> int:
    """Link every unsealed entry, oldest id first, then export the head once committed; returns how many."""
    ensure_chain_head()
    sealed = 0
    while True:
        count, head = seal_batch(batch)
        if not count:
            break
        sealed += count
    if sealed:
        transaction.on_commit(partial(export_head, head))
    return sealed


def export_head(head: ChainPoint) -> None:
    """Append the head to a log the database cannot rewrite, so a later rollback of the chain's tail shows."""
    line = json.dumps({"position": head.position, "chain_hash": head.chain_hash, "time": timezone.now().isoformat()})
    with Path(settings.CREDITDESK_AUDIT_HEAD_LOG).open("a", encoding="utf-8") as log:
        log.write(line + "\n")
        log.flush()
        os.fsync(log.fileno())
    logger.info("audit chain head %s", line)
