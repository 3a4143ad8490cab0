"""The chain head always exists, and each seal exports it to a log outside the database, so neither deleting
the head nor rolling back the tail of the chain with the head rewritten to match can pass for intact."""

import datetime as dt
from contextlib import suppress
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from creditdesk.audit.chain import GENESIS
from creditdesk.audit.models import AuditEntry, ChainHead
from creditdesk.audit.selectors import read_head_log, verify_audit_chain
from creditdesk.audit.services import BrokenChain, record_audit, record_audits, seal_audit_chain
from creditdesk.audit.tests.helpers import command_error, exported, raw_sql, roll_back_to, run, seal, sealed_hashes
from creditdesk.testing.factories import CustomerFactory

SEALED_AT = dt.datetime(2026, 11, 30, 22, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Shanghai Steel Trading Co.", local_name="")


@pytest.fixture
def trail(manager, customer):
    """Makes `n` entries about the customer."""
    def make(n: int) -> list[AuditEntry]:
        return [record_audit(manager, "customer.update", customer, {"payment_terms_days": [30, 31 + i]})
                for i in range(n)]
    return make


def head() -> tuple[int, str]:
    row = ChainHead.objects.get(pk=1)
    return row.position, row.chain_hash


# --- the head row --------------------------------------------------------------------------------


def test_a_new_database_has_its_chain_head_at_position_zero(db):
    assert head() == (0, GENESIS)


def test_deleting_the_head_row_and_the_last_77_entries_is_caught(manager, customer, head_log):
    record_audits(manager, "customer.update", [(customer, {"payment_terms_days": [30, n]}) for n in range(1577)])
    assert seal() == 1577
    raw_sql("DELETE FROM audit_chainhead", [])
    raw_sql("DELETE FROM audit_auditentry WHERE chain_position > %s", [1500])

    report = verify_audit_chain()
    assert (report.ok, report.sealed, report.unsealed, report.bad_entry_id, report.problem) == (
        False, 1500, 0, None, "the chain head is missing"
    )
    assert command_error("verify") == "audit chain broken: the chain head is missing"


def test_a_missing_head_is_caught_even_when_nothing_is_sealed_yet(trail):
    trail(2)
    raw_sql("DELETE FROM audit_chainhead", [])
    report = verify_audit_chain()
    assert (report.sealed, report.unsealed, report.problem) == (0, 2, "the chain head is missing")
    assert command_error("verify") == "audit chain broken: the chain head is missing"


def test_an_empty_trail_without_a_head_hides_nothing_and_the_next_seal_recreates_the_head(trail):
    raw_sql("DELETE FROM audit_chainhead", [])
    assert run("verify") == "audit chain intact: 0 sealed, 0 not yet sealed, 0 exported heads matched"
    trail(2)
    assert seal() == 2
    assert head() == (2, sealed_hashes()[-1])
    assert run("verify") == "audit chain intact: 2 sealed, 0 not yet sealed, 1 exported head matched"


def test_sealing_never_restarts_a_chain_whose_head_was_deleted(trail):
    trail(3)
    seal()
    raw_sql("DELETE FROM audit_chainhead", [])
    later = trail(1)[0]
    with pytest.raises(BrokenChain) as caught:
        seal_audit_chain()
    assert str(caught.value) == "the chain head is missing"
    assert command_error("seal") == "audit chain broken: the chain head is missing"
    assert not ChainHead.objects.exists()
    assert AuditEntry.objects.get(pk=later.pk).chain_position is None


# --- exporting the head --------------------------------------------------------------------------


def test_each_seal_that_links_entries_appends_the_new_head_to_the_head_log(trail, head_log):
    trail(2)
    with mock.patch.object(timezone, "now", return_value=SEALED_AT):
        seal()
        assert seal() == 0
        trail(3)
        seal()
    hashes = sealed_hashes()
    assert exported(head_log) == [
        {"position": 2, "chain_hash": hashes[1], "time": "2026-11-30T22:00:00+08:00"},
        {"position": 5, "chain_hash": hashes[4], "time": "2026-11-30T22:00:00+08:00"},
    ]
    assert head_log.read_text().splitlines()[0] == (
        f'{{"position": 2, "chain_hash": "{hashes[1]}", "time": "2026-11-30T22:00:00+08:00"}}'
    )


def test_sealing_in_batches_exports_only_the_final_head(trail, head_log):
    trail(7)
    assert seal(batch=3) == 7
    assert [(line["position"], line["chain_hash"]) for line in exported(head_log)] == [(7, sealed_hashes()[-1])]


def test_the_seal_command_exports_the_head(trail, head_log):
    trail(2)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert run("seal") == "sealed 2 entries"
    assert [line["position"] for line in exported(head_log)] == [2]


def test_the_head_is_exported_only_once_the_seal_commits(trail, head_log):
    trail(2)
    with TestCase.captureOnCommitCallbacks() as pending:
        seal_audit_chain()
    assert not head_log.exists()
    assert len(pending) == 1
    pending[0]()
    assert [line["position"] for line in exported(head_log)] == [2]


def test_a_seal_that_is_rolled_back_exports_nothing(trail, head_log):
    trail(2)
    with TestCase.captureOnCommitCallbacks(execute=True) as pending, suppress(RuntimeError), transaction.atomic():
        seal_audit_chain()
        raise RuntimeError("the surrounding work failed")
    assert pending == []
    assert not head_log.exists()
    assert ChainHead.objects.get(pk=1).position == 0


# --- verifying against the head log --------------------------------------------------------------


def test_verify_checks_the_chain_against_every_exported_head(trail):
    trail(5)
    seal()
    trail(3)
    seal()
    trail(1)
    assert run("verify") == "audit chain intact: 8 sealed, 1 not yet sealed, 2 exported heads matched"


def test_rolling_back_the_tail_with_the_head_rewritten_to_match_is_caught_at_the_exported_head(trail, head_log):
    trail(5)
    seal()
    trail(3)
    seal()
    roll_back_to(5)

    assert verify_audit_chain().ok  # the database alone cannot tell
    report = verify_audit_chain(read_head_log(head_log))
    assert (report.ok, report.sealed, report.bad_entry_id, report.problem) == (
        False, 5, None, "the chain does not contain the head exported at position 8"
    )
    assert command_error("verify") == "audit chain broken: the chain does not contain the head exported at position 8"


def test_rolling_back_and_sealing_other_entries_in_their_place_is_caught_at_the_exported_position(trail):
    trail(5)
    seal()
    trail(3)
    seal()
    roll_back_to(5)
    replacements = trail(3)
    seal()

    assert command_error("verify") == (
        f"audit chain broken at entry {replacements[2].pk}: the chain does not contain the head exported at position 8"
    )


def test_rolling_back_everything_with_the_head_reset_to_zero_is_caught(trail):
    trail(4)
    seal()
    roll_back_to(0)
    assert command_error("verify") == "audit chain broken: the chain does not contain the head exported at position 4"


def test_deleting_the_whole_trail_and_its_head_is_caught_by_the_head_log(trail):
    trail(4)
    seal()
    raw_sql("DELETE FROM audit_auditentry", [])
    raw_sql("DELETE FROM audit_chainhead", [])
    assert command_error("verify") == "audit chain broken: the chain does not contain the head exported at position 4"


def test_a_sealed_chain_with_no_exported_head_fails(trail, head_log):
    trail(2)
    seal()
    head_log.unlink()
    assert command_error("verify") == (
        f"audit chain broken: no chain head has been exported to {head_log}: "
        "a rollback of the chain's tail cannot be ruled out"
    )


def test_a_trail_with_nothing_sealed_needs_no_head_log(trail, head_log):
    trail(2)
    assert run("verify") == "audit chain intact: 0 sealed, 2 not yet sealed, 0 exported heads matched"
    assert not head_log.exists()


def test_verify_reads_the_head_log_named_on_the_command_line(trail, head_log, tmp_path):
    trail(3)
    seal()
    elsewhere = tmp_path / "copied-from-the-log-host.log"
    head_log.rename(elsewhere)
    assert command_error("verify").startswith(f"audit chain broken: no chain head has been exported to {head_log}")
    assert run("verify", "--head-log", str(elsewhere)) == (
        "audit chain intact: 3 sealed, 0 not yet sealed, 1 exported head matched"
    )


def test_an_exported_head_at_position_zero_must_be_the_empty_chain(trail, head_log):
    head_log.write_text(f'{{"position": 0, "chain_hash": "{"1" * 64}", "time": "2026-11-30T22:00:00+08:00"}}\n')
    assert command_error("verify") == "audit chain broken: the chain does not contain the head exported at position 0"
    head_log.write_text(f'{{"position": 0, "chain_hash": "{GENESIS}", "time": "2026-11-30T22:00:00+08:00"}}\n')
    assert run("verify") == "audit chain intact: 0 sealed, 0 not yet sealed, 1 exported head matched"


@pytest.mark.parametrize("line", [
    "not json",
    "[2]",
    '{"position": 2}',
    '{"position": "2", "chain_hash": "HASH"}',
    '{"position": true, "chain_hash": "HASH"}',
    '{"position": -1, "chain_hash": "HASH"}',
    '{"position": 2, "chain_hash": "XYZ"}',
    '{"position": 2, "chain_hash": "HASH0"}',
])
def test_a_line_of_the_head_log_that_is_not_a_chain_head_fails_verification(trail, head_log, line):
    trail(2)
    seal()
    with head_log.open("a") as log:
        log.write("\n" + line.replace("HASH", sealed_hashes()[-1]) + "\n")
    assert command_error("verify") == f"line 3 of the head log {head_log} is not a chain head"


def test_a_head_log_that_cannot_be_read_fails_verification(db, tmp_path):
    assert command_error("verify", "--head-log", str(tmp_path)) == (
        f"cannot read the head log {tmp_path}: [Errno 21] Is a directory: '{tmp_path}'"
    )
