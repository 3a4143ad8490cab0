"""Reading the audit trail: filtered lists for people, a full walk for `audit verify`."""

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from creditdesk.audit.chain import ChainPoint, ChainReport, check_chain
from creditdesk.audit.models import AuditEntry, ChainHead

HASH = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class AuditFilter:
    """The filters the audit screen and API offer."""

    customer_id: int | None = None
    actor: str = ""
    action: str = ""
    object_type: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def audit_entries(filters: AuditFilter) -> QuerySet[AuditEntry]:
    """Entries newest first, narrowed by the filters that are set."""
    entries = AuditEntry.objects.select_related("actor").order_by("-id")
    if filters.customer_id is not None:
        entries = entries.filter(customer_id=filters.customer_id)
    if filters.actor:
        entries = entries.filter(actor_name=filters.actor)
    if filters.action:
        entries = entries.filter(action__startswith=filters.action)
    if filters.object_type:
        entries = entries.filter(object_type=filters.object_type)
    if filters.date_from:
        entries = entries.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(created_at__date__lte=filters.date_to)
    return entries


def audit_actions() -> list[str]:
    """Distinct action names, for the filter menu."""
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())


def verify_audit_chain(exported: Sequence[ChainPoint] = ()) -> ChainReport:
    """Recompute every content hash and link under the key; stop at the first entry that does not match."""
    sealed = AuditEntry.objects.filter(chain_position__isnull=False).order_by("chain_position")
    unsealed = AuditEntry.objects.filter(chain_position__isnull=True).order_by("id")
    row = ChainHead.objects.filter(pk=1).first()
    head = ChainPoint(row.position, row.chain_hash) if row is not None else None
    return check_chain(sealed.iterator(chunk_size=2000), unsealed.iterator(chunk_size=2000), head, exported)


class HeadLogError(Exception):
    """The head log cannot be read, or holds a line that is not an exported head."""


def well_formed(head: ChainPoint) -> bool:
    """A position is a whole number from 0 up, a hash 64 lower-case hex digits."""
    return (type(head.position) is int and head.position >= 0
            and isinstance(head.chain_hash, str) and HASH.fullmatch(head.chain_hash) is not None)


def parsed_head(line: str, number: int, path: Path) -> ChainPoint:
    """One line of the head log as the position and hash it exported."""
    try:
        record: Any = json.loads(line)
        head = ChainPoint(record["position"], record["chain_hash"])
    except (ValueError, TypeError, KeyError):
        head = None
    if head is None or not well_formed(head):
        raise HeadLogError(_("line %(line)d of the head log %(path)s is not a chain head") % {
            "line": number, "path": path})
    return head


def read_head_log(path: Path) -> list[ChainPoint]:
    """Every head `audit seal` exported to the log; none while no seal has written it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise HeadLogError(_("cannot read the head log %(path)s: %(error)s") % {"path": path, "error": error}) \
            from error
    return [parsed_head(line, number, path) for number, line in enumerate(lines, 1) if line.strip()]


def verify_audit_trail(head_log: Path) -> ChainReport:
    """What `audit verify` checks: every hash, the head row, and each exported head, which no rollback can fake."""
    exported = read_head_log(head_log)
    report = verify_audit_chain(exported)
    if report.ok and report.sealed and not exported:
        return replace(report, problem=_(
            "no chain head has been exported to %(path)s: a rollback of the chain's tail cannot be ruled out"
        ) % {"path": head_log})
    return report
