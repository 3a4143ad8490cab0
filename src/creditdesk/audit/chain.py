"""The hash chain's arithmetic, free of queries, so `audit verify` and the upgrade of old chains share it.

Content hashes and links are HMAC-SHA256 under CREDITDESK_AUDIT_KEY, which is kept outside the database:
whoever can write to the database but does not hold the key cannot recompute a hash after an edit.
"""

import hashlib
import hmac
import json
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from creditdesk.audit.models import AuditEntry

GENESIS = "0" * 64
Digest = Callable[[bytes], str]


def keyed(message: bytes) -> str:
    """HMAC-SHA256 under the audit key: write access to the database is not enough to recompute it."""
    return hmac.new(settings.CREDITDESK_AUDIT_KEY.encode(), message, hashlib.sha256).hexdigest()


def unkeyed(message: bytes) -> str:
    """Plain SHA-256, as chains were hashed before they were keyed; anyone can recompute it."""
    return hashlib.sha256(message).hexdigest()


def content_digest(entry: AuditEntry, digest: Digest = keyed) -> str:
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
    return digest(canonical.encode())


def link_digest(previous_hash: str, entry: AuditEntry, digest: Digest = keyed) -> str:
    """Each link binds an entry's id and content to everything sealed before it."""
    return digest(f"{previous_hash}:{entry.pk}:{entry.content_hash}".encode())


@dataclass(frozen=True)
class ChainPoint:
    """A position in the chain with the link hash there: the head row, or a head exported to the head log."""

    position: int
    chain_hash: str


@dataclass(frozen=True)
class ChainReport:
    """What a check found: how much was checked and the first problem, if any."""

    sealed: int
    unsealed: int
    bad_entry_id: int | None = None
    problem: str = ""
    exported: int = 0

    @property
    def ok(self) -> bool:
        return self.bad_entry_id is None and not self.problem

    def summary(self) -> str:
        """One line for the operator: intact with the counts, or where the chain broke and why."""
        if self.bad_entry_id is not None:
            return _("audit chain broken at entry %(id)d: %(problem)s") % {
                "id": self.bad_entry_id, "problem": self.problem}
        if self.problem:
            return _("audit chain broken: %(problem)s") % {"problem": self.problem}
        return ngettext(
            "audit chain intact: %(sealed)d sealed, %(unsealed)d not yet sealed, %(exported)d exported head matched",
            "audit chain intact: %(sealed)d sealed, %(unsealed)d not yet sealed, %(exported)d exported heads matched",
            self.exported,
        ) % {"sealed": self.sealed, "unsealed": self.unsealed, "exported": self.exported}


def not_contained(position: int) -> str:
    """The problem when the chain no longer holds what an earlier seal exported."""
    return _("the chain does not contain the head exported at position %(n)d") % {"n": position}


def mismatched(pending: deque[ChainPoint], reached: ChainPoint) -> bool:
    """Take the exported heads at the position just reached; true if any of them names another hash."""
    wrong = False
    while pending and pending[0].position == reached.position:
        wrong = pending.popleft() != reached or wrong
    return wrong


def check_links(sealed: Iterable[AuditEntry], pending: deque[ChainPoint],
                digest: Digest) -> tuple[ChainPoint, ChainReport | None]:
    """Walk the sealed entries in chain order; returns where the walk ended and the first problem, if any."""
    end = ChainPoint(0, GENESIS)
    if mismatched(pending, end):
        return end, ChainReport(0, 0, None, not_contained(0))
    for entry in sealed:
        position = end.position + 1
        if entry.chain_position != position:
            return end, ChainReport(end.position, 0, entry.pk, _("link %(n)d is missing") % {"n": position})
        if content_digest(entry, digest) != entry.content_hash:
            return end, ChainReport(end.position, 0, entry.pk, _("content does not match its hash"))
        link = ChainPoint(position, link_digest(end.chain_hash, entry, digest))
        if link.chain_hash != entry.chain_hash:
            return end, ChainReport(end.position, 0, entry.pk, _("chain hash does not match"))
        if mismatched(pending, link):
            return end, ChainReport(end.position, 0, entry.pk, not_contained(position))
        end = link
    return end, None


def check_unsealed(unsealed: Iterable[AuditEntry], sealed: int, digest: Digest) -> tuple[int, ChainReport | None]:
    """Entries not yet linked still carry a hash of their content; returns how many there are."""
    count = 0
    for entry in unsealed:
        count += 1
        if content_digest(entry, digest) != entry.content_hash:
            return count, ChainReport(sealed, count, entry.pk, _("content does not match its hash"))
    return count, None


def end_problem(end: ChainPoint, head: ChainPoint | None, pending: deque[ChainPoint], entries: int) -> str:
    """The chain ends at its head row (missing only while there are no entries) and reaches every exported head."""
    if head is None and entries:
        return _("the chain head is missing")
    if head is not None and head != end:
        return _("the chain ends before its recorded head")
    return not_contained(pending[0].position) if pending else ""


def check_chain(sealed: Iterable[AuditEntry], unsealed: Iterable[AuditEntry], head: ChainPoint | None,
                exported: Sequence[ChainPoint] = (), digest: Digest = keyed) -> ChainReport:
    """Recompute every content hash and link, then hold the chain's end against its head and each exported head."""
    pending = deque(sorted(exported, key=attrgetter("position")))
    end, broken = check_links(sealed, pending, digest)
    if broken:
        return broken
    count, broken = check_unsealed(unsealed, end.position, digest)
    if broken:
        return broken
    problem = end_problem(end, head, pending, end.position + count)
    return ChainReport(end.position, count, None, problem, 0 if problem else len(exported))
