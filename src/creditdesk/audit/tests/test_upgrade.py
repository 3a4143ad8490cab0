"""Upgrading a database whose chain was hashed with plain SHA-256: `migrate` re-keys the chain only after it
verifies as it was, and refuses, changing nothing, when it does not."""

import datetime as dt
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from creditdesk.audit.chain import GENESIS, Digest, content_digest, keyed, link_digest, unkeyed
from creditdesk.audit.models import AuditEntry, ChainHead
from creditdesk.audit.selectors import verify_audit_chain
from creditdesk.audit.tests.helpers import exported, raw_sql, run, seal

SHANGHAI = ZoneInfo("Asia/Shanghai")
MIGRATED_AT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
pytestmark = pytest.mark.django_db(transaction=True)


def migrate(target: str) -> None:
    call_command("migrate", "audit", target, verbosity=0)


def applied() -> str:
    out = StringIO()
    call_command("showmigrations", "audit", stdout=out)
    return out.getvalue()


@pytest.fixture
def before_keying():
    """The database as the release before keyed chains left it; afterwards, back to the current schema."""
    migrate("0001")
    yield
    raw_sql("DELETE FROM audit_auditentry", [])
    raw_sql("DELETE FROM audit_chainhead", [])
    migrate("0002")


def an_entry(n: int, digest: Digest = unkeyed) -> AuditEntry:
    entry = AuditEntry(created_at=dt.datetime(2026, 11, 2, 1, n, tzinfo=dt.UTC), actor_name="system",
                       action="customer.update", object_type="customers.customer", object_id="1",
                       object_repr="C000001 Alpha Steel", customer_id=1, changes={"payment_terms_days": [30, 31 + n]})
    entry.content_hash = content_digest(entry, digest)
    entry.save()
    return entry


def legacy_trail(sealed: int, unsealed: int) -> list[AuditEntry]:
    """Entries hashed, linked and headed with plain SHA-256, as the old `audit seal` did."""
    entries = [an_entry(n) for n in range(sealed + unsealed)]
    previous = GENESIS
    for position, entry in enumerate(entries[:sealed], 1):
        previous = link_digest(previous, entry, unkeyed)
        raw_sql("UPDATE audit_auditentry SET chain_position = %s, chain_hash = %s, sealed_at = %s WHERE id = %s",
                [position, previous, timezone.now(), entry.pk])
    ChainHead.objects.all().delete()
    ChainHead.objects.create(pk=1, position=sealed, chain_hash=previous)
    return entries


def stored(entries: list[AuditEntry]) -> list[tuple[int | None, str, str]]:
    return [AuditEntry.objects.values_list("chain_position", "content_hash", "chain_hash").get(pk=e.pk)
            for e in entries]


def test_an_intact_unkeyed_chain_is_re_keyed_and_its_head_exported(before_keying, head_log):
    entries = legacy_trail(sealed=4, unsealed=1)
    with mock.patch.object(timezone, "now", return_value=MIGRATED_AT):
        migrate("0002")

    rows = {e.pk: e for e in AuditEntry.objects.all()}
    previous = GENESIS
    for entry in entries[:4]:
        row = rows[entry.pk]
        previous = link_digest(previous, row)
        assert (row.content_hash, row.chain_hash) == (content_digest(row), previous)
    assert [rows[e.pk].chain_position for e in entries] == [1, 2, 3, 4, None]
    assert rows[entries[4].pk].content_hash == content_digest(rows[entries[4].pk])
    assert (ChainHead.objects.get(pk=1).position, ChainHead.objects.get(pk=1).chain_hash) == (4, previous)
    assert exported(head_log) == [{"position": 4, "chain_hash": previous, "time": "2026-12-01T09:00:00+08:00"}]
    report = verify_audit_chain()
    assert (report.ok, report.sealed, report.unsealed) == (True, 4, 1)
    assert run("verify") == "audit chain intact: 4 sealed, 1 not yet sealed, 1 exported head matched"


def test_a_trail_never_sealed_gets_its_head_and_keyed_content_hashes(before_keying, head_log):
    entries = legacy_trail(sealed=0, unsealed=2)
    ChainHead.objects.all().delete()
    migrate("0002")
    assert (ChainHead.objects.get(pk=1).position, ChainHead.objects.get(pk=1).chain_hash) == (0, GENESIS)
    assert stored(entries) == [(None, content_digest(entry), "") for entry in entries]
    assert not head_log.exists()
    assert seal() == 2
    assert verify_audit_chain().ok


def test_an_empty_database_gets_its_head_at_position_zero(before_keying, head_log):
    ChainHead.objects.all().delete()
    migrate("0002")
    assert (ChainHead.objects.get(pk=1).position, ChainHead.objects.get(pk=1).chain_hash) == (0, GENESIS)
    assert not head_log.exists()


def edit_the_second_entry(entries: list[AuditEntry]) -> str:
    raw_sql("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["approved by the board", entries[1].pk])
    return f"audit chain broken at entry {entries[1].pk}: content does not match its hash"


def delete_the_head_and_the_last_entry(entries: list[AuditEntry]) -> str:
    raw_sql("DELETE FROM audit_chainhead", [])
    raw_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
    return "audit chain broken: the chain head is missing"


def delete_the_last_entry(entries: list[AuditEntry]) -> str:
    raw_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
    return "audit chain broken: the chain ends before its recorded head"


@pytest.mark.parametrize("tamper", [edit_the_second_entry, delete_the_head_and_the_last_entry, delete_the_last_entry])
def test_a_broken_unkeyed_chain_is_not_re_keyed_and_nothing_changes(before_keying, head_log, tamper):
    entries = legacy_trail(sealed=3, unsealed=0)
    broken = tamper(entries)
    left = [e for e in entries if AuditEntry.objects.filter(pk=e.pk).exists()]
    before = stored(left)

    with pytest.raises(CommandError) as caught:
        migrate("0002")
    assert str(caught.value) == (
        f"The audit chain was not keyed, because before keying it is already broken: {broken}. Nothing was "
        "changed; find out what happened with the previous release's `creditdesk audit verify`."
    )
    assert stored(left) == before
    assert "[ ] 0002_keyed_chain" in applied()
    assert not head_log.exists()


def test_migrating_a_keyed_chain_again_changes_nothing(transactional_db, head_log):
    ChainHead.objects.get_or_create(pk=1)
    entries = [an_entry(n, keyed) for n in range(3)]
    seal()
    an_entry(3, keyed)  # not yet sealed
    before, log = stored(entries), head_log.read_text()
    migrate("0001")
    migrate("0002")
    assert stored(entries) == before
    assert head_log.read_text() == log
    report = verify_audit_chain()
    assert (report.ok, report.sealed, report.unsealed) == (True, 3, 1)
