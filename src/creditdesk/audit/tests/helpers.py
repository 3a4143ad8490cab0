"""Running the audit command, sealing as a committed transaction would, and what someone with write access to
the database could do behind the application's back."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase

from creditdesk.audit.chain import GENESIS, Digest, content_digest, link_digest
from creditdesk.audit.models import AuditEntry
from creditdesk.audit.services import SEAL_BATCH, seal_audit_chain


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue().strip()


def command_error(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert caught.value.returncode == 1
    return str(caught.value)


def seal(batch: int = SEAL_BATCH) -> int:
    """Seal, then export the head as happens once the sealing transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return seal_audit_chain(batch)


def exported(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def raw_sql(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def sealed_hashes() -> list[str]:
    return list(AuditEntry.objects.filter(chain_position__isnull=False).order_by("chain_position")
                .values_list("chain_hash", flat=True))


def rehash_everything(digest: Digest) -> None:
    """Recompute every content hash, every link and the head with `digest`, as a forger covering an edit would."""
    previous = GENESIS
    for entry in AuditEntry.objects.filter(chain_position__isnull=False).order_by("chain_position"):
        entry.content_hash = content_digest(entry, digest)
        previous = link_digest(previous, entry, digest)
        raw_sql("UPDATE audit_auditentry SET content_hash = %s, chain_hash = %s WHERE id = %s",
                [entry.content_hash, previous, entry.pk])
    for entry in AuditEntry.objects.filter(chain_position__isnull=True):
        raw_sql("UPDATE audit_auditentry SET content_hash = %s WHERE id = %s",
                [content_digest(entry, digest), entry.pk])
    raw_sql("UPDATE audit_chainhead SET chain_hash = %s WHERE id = 1", [previous])


def roll_back_to(position: int) -> None:
    """Delete every sealed entry after `position` and rewrite the head row to match what is left."""
    raw_sql("DELETE FROM audit_auditentry WHERE chain_position > %s", [position])
    end = AuditEntry.objects.get(chain_position=position).chain_hash if position else GENESIS
    raw_sql("UPDATE audit_chainhead SET position = %s, chain_hash = %s WHERE id = 1", [position, end])
