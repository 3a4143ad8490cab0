"""The audit trail is append-only, and the sealed hash chain proves that nobody rewrote it."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from creditdesk.audit.models import AuditEntry, ChainHead
from creditdesk.audit.selectors import GENESIS, verify_audit_chain
from creditdesk.audit.services import content_digest, link_digest, record_audit, seal_audit_chain
from creditdesk.testing.factories import ContactFactory, CustomerFactory, UserFactory


@pytest.fixture
def manager(db):
    return UserFactory(username="li.manager", role="credit_manager")


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Shanghai Steel Trading Co.", local_name="上海钢铁贸易有限公司")


def record(actor, target, n: int, **kwargs) -> AuditEntry:
    return record_audit(actor, "customer.update", target, {"payment_terms_days": [30 + n, 31 + n]}, **kwargs)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue().strip()


def raw_sql(sql: str, params: list) -> None:
    """What someone with database access could do behind the application's back."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_command_error() -> str:
    with pytest.raises(CommandError) as caught:
        run("verify")
    assert caught.value.returncode == 1
    return str(caught.value)


# --- recording -----------------------------------------------------------------------------------


def test_an_entry_records_who_did_what_to_which_object_why_and_for_which_customer(manager, customer):
    before = timezone.now()
    entry = record_audit(
        manager, "customer.update", customer,
        {"status": ["active", "on_hold"], "payment_terms_days": [30, 60]}, reason="Cheque bounced twice",
    )
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor == manager
    assert entry.actor_name == "li.manager"
    assert entry.action == "customer.update"
    assert entry.object_type == "customers.customer"
    assert entry.object_id == str(customer.pk)
    assert entry.object_repr == f"{customer.code} 上海钢铁贸易有限公司"
    assert entry.customer_id == customer.pk
    assert entry.changes == {"status": ["active", "on_hold"], "payment_terms_days": [30, 60]}
    assert entry.reason == "Cheque bounced twice"
    assert before <= entry.created_at <= timezone.now()
    assert entry.content_hash == content_digest(entry)
    assert (entry.chain_position, entry.chain_hash, entry.sealed_at) == (None, "", None)


def test_an_entry_about_something_of_a_customer_appears_on_that_customers_history(manager, customer):
    contact = ContactFactory(customer=customer)
    entry = record_audit(manager, "contact.create", contact, {"name": [None, contact.name]})
    assert (entry.object_type, entry.object_id, entry.customer_id) == (
        "customers.contact", str(contact.pk), customer.pk
    )


def test_the_customer_can_be_named_explicitly(manager, customer):
    other = CustomerFactory()
    entry = record_audit(manager, "customer.merge", customer, customer_id=other.pk)
    assert entry.customer_id == other.pk
    assert entry.changes == {}
    assert entry.reason == ""


def test_an_entry_without_a_user_is_recorded_as_the_system(customer):
    entry = record_audit(None, "customer.import", customer)
    assert entry.actor is None
    assert entry.actor_name == "system"


def test_values_are_stored_as_json_that_survives_a_round_trip(manager, customer):
    when = timezone.now()
    entry = record_audit(manager, "exchange_rate.update", customer, {
        "rate": [Decimal("7.1000000000"), Decimal("7.2345")],
        "valid_to": [None, when.date()],
        "changed_at": [None, when],
        "owner": [None, manager],
    })
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.changes == {
        "rate": ["7.1000000000", "7.2345"],
        "valid_to": [None, when.date().isoformat()],
        "changed_at": [None, when.isoformat()],
        "owner": [None, str(manager.pk)],
    }
    assert content_digest(stored) == stored.content_hash


# --- append-only ---------------------------------------------------------------------------------


def test_an_entry_cannot_be_saved_again(manager, customer):
    entry = record(manager, customer, 1)
    entry.reason = "rewritten"
    with pytest.raises(PermissionError, match="cannot be changed"):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_an_entry_cannot_be_deleted(manager, customer):
    entry = record(manager, customer, 1)
    with pytest.raises(PermissionError, match="cannot be deleted"):
        entry.delete()
    with pytest.raises(PermissionError, match="cannot be deleted"):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError, match="cannot be deleted"):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "change",
    [
        {"changes": {}},
        {"reason": "nothing happened"},
        {"actor_name": "someone else"},
        {"action": "customer.view"},
        {"created_at": timezone.now()},
        {"content_hash": "0" * 64},
        {"chain_hash": "0" * 64, "reason": "slipped in with a chain column"},
    ],
)
def test_a_queryset_update_of_content_fields_is_refused(manager, customer, change):
    entry = record(manager, customer, 1)
    with pytest.raises(PermissionError, match="cannot be changed"):
        AuditEntry.objects.filter(pk=entry.pk).update(**change)
    assert AuditEntry.objects.get(pk=entry.pk).content_hash == entry.content_hash


def test_bulk_update_of_content_fields_is_refused(manager, customer):
    entry = record(manager, customer, 1)
    entry.reason = "rewritten"
    with pytest.raises(PermissionError, match="cannot be changed"), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["reason"])
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_a_user_with_audit_entries_cannot_be_deleted(manager, customer):
    record(manager, customer, 1)
    with pytest.raises(ProtectedError):
        manager.delete()


# --- sealing -------------------------------------------------------------------------------------


def test_sealing_links_entries_in_id_order_with_positions_one_to_n(manager, customer):
    entries = [record(manager, customer, n) for n in range(5)]
    assert seal_audit_chain() == 5
    sealed = list(AuditEntry.objects.order_by("id"))
    assert [e.pk for e in sealed] == [e.pk for e in entries]
    assert [e.chain_position for e in sealed] == [1, 2, 3, 4, 5]
    previous = GENESIS
    for entry in sealed:
        previous = link_digest(previous, entry)
        assert entry.chain_hash == previous
        assert entry.sealed_at is not None
    head = ChainHead.objects.get(pk=1)
    assert (head.position, head.chain_hash) == (5, sealed[-1].chain_hash)


def test_each_link_depends_on_the_previous_one(manager, customer):
    first, second = record(manager, customer, 1), record(manager, customer, 2)
    seal_audit_chain()
    first, second = AuditEntry.objects.get(pk=first.pk), AuditEntry.objects.get(pk=second.pk)
    assert first.chain_hash == link_digest(GENESIS, first)
    assert second.chain_hash == link_digest(first.chain_hash, second)
    assert second.chain_hash != link_digest(GENESIS, second)


def test_sealing_in_small_batches_gives_the_same_chain(manager, customer):
    for n in range(7):
        record(manager, customer, n)
    assert seal_audit_chain(batch=3) == 7
    assert list(AuditEntry.objects.order_by("id").values_list("chain_position", flat=True)) == list(range(1, 8))
    assert verify_audit_chain().ok


def test_sealing_twice_seals_nothing_new(manager, customer):
    record(manager, customer, 1)
    record(manager, customer, 2)
    assert seal_audit_chain() == 2
    hashes = list(AuditEntry.objects.order_by("id").values_list("chain_hash", flat=True))
    assert seal_audit_chain() == 0
    assert list(AuditEntry.objects.order_by("id").values_list("chain_hash", flat=True)) == hashes
    assert ChainHead.objects.get(pk=1).position == 2


def test_entries_added_after_a_seal_get_the_next_positions(manager, customer):
    record(manager, customer, 1)
    record(manager, customer, 2)
    seal_audit_chain()
    later = [record(manager, customer, n) for n in (3, 4, 5)]
    assert seal_audit_chain() == 3
    positions = dict(AuditEntry.objects.values_list("pk", "chain_position"))
    assert [positions[e.pk] for e in later] == [3, 4, 5]
    assert ChainHead.objects.get(pk=1).position == 5
    assert verify_audit_chain().ok


def test_the_seal_command_says_how_many_entries_it_sealed(manager, customer):
    record(manager, customer, 1)
    record(manager, customer, 2)
    assert run("seal") == "sealed 2 entries"
    assert run("seal") == "sealed 0 entries"


def test_sealing_an_empty_trail_seals_nothing(db):
    assert seal_audit_chain() == 0
    assert (ChainHead.objects.get(pk=1).position, ChainHead.objects.get(pk=1).chain_hash) == (0, GENESIS)
    assert verify_audit_chain().ok


# --- verifying -----------------------------------------------------------------------------------


def test_an_intact_chain_verifies(manager, customer):
    for n in range(4):
        record(manager, customer, n)
    seal_audit_chain()
    record(manager, customer, 9)  # not yet sealed
    report = verify_audit_chain()
    assert report.ok
    assert (report.sealed, report.unsealed, report.bad_entry_id, report.problem) == (4, 1, None, "")
    assert run("verify") == "audit chain intact: 4 sealed, 1 not yet sealed"


def test_an_empty_trail_verifies(db):
    assert run("verify") == "audit chain intact: 0 sealed, 0 not yet sealed"


def test_editing_a_sealed_entrys_changes_in_sql_is_caught_and_named(manager, customer):
    entries = [record(manager, customer, n) for n in range(5)]
    seal_audit_chain()
    victim = entries[2]
    raw_sql("UPDATE audit_auditentry SET changes = %s WHERE id = %s",
            [json.dumps({"payment_terms_days": [32, 120]}), victim.pk])
    assert AuditEntry.objects.get(pk=victim.pk).changes == {"payment_terms_days": [32, 120]}

    report = verify_audit_chain()
    assert not report.ok
    assert (report.bad_entry_id, report.problem, report.sealed) == (
        victim.pk, "content does not match its hash", 2
    )
    assert verify_command_error() == f"audit chain broken at entry {victim.pk}: content does not match its hash"


def test_rewriting_content_and_its_hash_together_still_breaks_the_chain(manager, customer):
    entries = [record(manager, customer, n) for n in range(3)]
    seal_audit_chain()
    victim = AuditEntry.objects.get(pk=entries[1].pk)
    raw_sql("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["approved by the board", victim.pk])
    forged = AuditEntry.objects.get(pk=victim.pk)
    raw_sql("UPDATE audit_auditentry SET content_hash = %s WHERE id = %s", [content_digest(forged), victim.pk])

    report = verify_audit_chain()
    assert (report.bad_entry_id, report.problem) == (victim.pk, "chain hash does not match")
    assert verify_command_error() == f"audit chain broken at entry {victim.pk}: chain hash does not match"


def test_deleting_a_sealed_entry_in_sql_is_caught_as_a_missing_link(manager, customer):
    entries = [record(manager, customer, n) for n in range(4)]
    seal_audit_chain()
    raw_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])

    report = verify_audit_chain()
    assert (report.bad_entry_id, report.problem, report.sealed) == (entries[2].pk, "link 2 is missing", 1)
    assert verify_command_error() == f"audit chain broken at entry {entries[2].pk}: link 2 is missing"


def test_deleting_the_first_sealed_entry_is_caught(manager, customer):
    entries = [record(manager, customer, n) for n in range(3)]
    seal_audit_chain()
    raw_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[0].pk])
    report = verify_audit_chain()
    assert (report.bad_entry_id, report.problem) == (entries[1].pk, "link 1 is missing")


def test_deleting_the_last_sealed_entry_is_caught_by_the_chain_head(manager, customer):
    entries = [record(manager, customer, n) for n in range(3)]
    seal_audit_chain()
    raw_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])

    report = verify_audit_chain()
    assert not report.ok
    assert (report.bad_entry_id, report.problem, report.sealed) == (
        None, "the chain ends before its recorded head", 2
    )
    assert verify_command_error() == "audit chain broken at the chain ends before its recorded head"


def test_tampering_with_an_unsealed_entry_is_caught(manager, customer):
    sealed = record(manager, customer, 1)
    seal_audit_chain()
    unsealed = [record(manager, customer, n) for n in (2, 3)]
    raw_sql("UPDATE audit_auditentry SET actor_name = %s WHERE id = %s", ["nobody", unsealed[1].pk])

    report = verify_audit_chain()
    assert (report.bad_entry_id, report.problem, report.sealed, report.unsealed) == (
        unsealed[1].pk, "content does not match its hash", 1, 2
    )
    assert sealed.pk != report.bad_entry_id
    assert verify_command_error() == f"audit chain broken at entry {unsealed[1].pk}: content does not match its hash"


def test_verify_stops_at_the_first_bad_entry(manager, customer):
    entries = [record(manager, customer, n) for n in range(4)]
    seal_audit_chain()
    for victim in (entries[1], entries[3]):
        raw_sql("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["edited", victim.pk])
    assert verify_audit_chain().bad_entry_id == entries[1].pk
