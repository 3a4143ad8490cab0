"""Reading the audit trail: filtered lists for people, a full walk for `audit verify`."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from creditdesk.audit.models import AuditEntry, ChainHead
from creditdesk.audit.services import content_digest, link_digest

GENESIS = "0" * 64


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


@dataclass(frozen=True)
class ChainReport:
    """What `audit verify` found: how much was checked and the first problem, if any."""

    sealed: int
    unsealed: int
    bad_entry_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.bad_entry_id is None and not self.problem


def verify_audit_chain() -> ChainReport:
    """Recompute every content hash and every link; stop at the first entry that does not match."""
    previous, position = GENESIS, 0
    sealed = AuditEntry.objects.filter(chain_position__isnull=False).order_by("chain_position")
    for entry in sealed.iterator(chunk_size=2000):
        position += 1
        if entry.chain_position != position:
            return ChainReport(position - 1, 0, entry.pk, _("link %(n)d is missing") % {"n": position})
        if content_digest(entry) != entry.content_hash:
            return ChainReport(position - 1, 0, entry.pk, _("content does not match its hash"))
        previous = link_digest(previous, entry)
        if previous != entry.chain_hash:
            return ChainReport(position - 1, 0, entry.pk, _("chain hash does not match"))
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.position, head.chain_hash) != (position, previous):
        return ChainReport(position, 0, None, _("the chain ends before its recorded head"))
    unsealed = 0
    for entry in AuditEntry.objects.filter(chain_position__isnull=True).order_by("id").iterator(chunk_size=2000):
        unsealed += 1
        if content_digest(entry) != entry.content_hash:
            return ChainReport(position, unsealed, entry.pk, _("content does not match its hash"))
    return ChainReport(position, unsealed)
