"""The audit trail is append-only, and the sealed hash chain proves that nobody rewrote it."""

import datetime as dt
import hashlib
import hmac
import json
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from creditdesk.audit.chain import GENESIS, content_digest, link_digest, unkeyed
from creditdesk.audit.models import AuditEntry, ChainHead
from creditdesk.audit.selectors import verify_audit_chain
from creditdesk.audit.services import record_audit, seal_audit_chain
from creditdesk.audit.tests.conftest import KEY
from creditdesk.audit.tests.helpers import command_error, raw_sql, rehash_everything, run, seal
from creditdesk.testing.factories import ContactFactory, CustomerFactory, UserFactory


@pytest.fixture
def manager(db):
    return UserFactory(username="li.manager", role="credit_manager")


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Shanghai Steel Trading Co.", local_name="上海钢铁贸易有限公司")


def record(actor, target, n: int, **kwargs) -> AuditEntry:
    return record_audit(actor, "customer.update", target, {"payment_terms_days": [30 + n, 31 + n]}, **kwargs)


def verify_command_error() -> str:
    return command_error("verify")


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
    record(manager, customer, 3)
    assert run("seal") == "sealed 1 entry"


def test_sealing_an_empty_trail_seals_nothing(db):
    assert seal_audit_chain() == 0
    assert (ChainHead.objects.get(pk=1).position, ChainHead.objects.get(pk=1).chain_hash) == (0, GENESIS)
    assert verify_audit_chain().ok


# --- verifying -----------------------------------------------------------------------------------


def test_an_intact_chain_verifies(manager, customer):
    for n in range(4):
        record(manager, customer, n)
    seal()
    record(manager, customer, 9)  # not yet sealed
    report = verify_audit_chain()
    assert report.ok
    assert (report.sealed, report.unsealed, report.bad_entry_id, report.problem) == (4, 1, None, "")
    assert run("verify") == "audit chain intact: 4 sealed, 1 not yet sealed, 1 exported head matched"


def test_an_empty_trail_verifies(db):
    assert run("verify") == "audit chain intact: 0 sealed, 0 not yet sealed, 0 exported heads matched"


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
    assert verify_command_error() == "audit chain broken: the chain ends before its recorded head"


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


# --- keyed hashes --------------------------------------------------------------------------------


def an_entry() -> AuditEntry:
    return AuditEntry(
        pk=7, created_at=dt.datetime(2026, 11, 2, 4, 0, tzinfo=dt.UTC), actor_name="system",
        action="customer.update", object_type="customers.customer", object_id="3", object_repr="C000003 Alpha Steel",
        customer_id=3, changes={"status": ["active", "on_hold"]}, reason="90 days overdue",
    )


CANONICAL = ('{"action":"customer.update","actor_id":null,"actor_name":"system","changes":{"status":["active",'
             '"on_hold"]},"created_at":"2026-11-02T04:00:00+00:00","customer_id":3,"object_id":"3",'
             '"object_repr":"C000003 Alpha Steel","object_type":"customers.customer","reason":"90 days overdue"}')


def test_content_hashes_are_hmac_sha256_of_the_canonical_content_under_the_audit_key(db):
    assert content_digest(an_entry()) == hmac.new(KEY.encode(), CANONICAL.encode(), hashlib.sha256).hexdigest()
    assert content_digest(an_entry()) == "750ec0764caea1fd9e7058a2434200e331ff951e5c80203292b8f7a9012163ee"


def test_links_are_hmac_sha256_of_the_previous_link_the_id_and_the_content_hash_under_the_audit_key(db):
    entry = an_entry()
    entry.content_hash = content_digest(entry)
    message = f"{GENESIS}:7:{entry.content_hash}".encode()
    assert link_digest(GENESIS, entry) == hmac.new(KEY.encode(), message, hashlib.sha256).hexdigest()
    assert link_digest(GENESIS, entry) == "dc946fc9530c938c94cccd4d2cecec8ce1be2d169cb73abab36451dc66f50401"


def test_another_key_gives_other_hashes_and_plain_sha256_is_not_what_is_stored(settings, db):
    keyed_here = content_digest(an_entry())
    settings.CREDITDESK_AUDIT_KEY = "another key"
    assert content_digest(an_entry()) != keyed_here
    assert content_digest(an_entry(), unkeyed) == hashlib.sha256(CANONICAL.encode()).hexdigest()
    assert content_digest(an_entry(), unkeyed) not in {keyed_here, content_digest(an_entry())}


def test_recording_and_sealing_use_the_key(manager, customer):
    entry = record(manager, customer, 1)
    seal_audit_chain()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.content_hash == content_digest(entry)
    assert entry.chain_hash == link_digest(GENESIS, entry)
    assert entry.content_hash != content_digest(entry, unkeyed)


def wrong_key(message: bytes) -> str:
    return hmac.new(b"a guessed key", message, hashlib.sha256).hexdigest()


@pytest.mark.parametrize("digest", [unkeyed, wrong_key], ids=["plain sha-256", "a wrong key"])
def test_editing_an_entry_and_recomputing_every_hash_without_the_key_is_caught(manager, customer, digest):
    entries = [record(manager, customer, n) for n in range(4)]
    seal()
    record(manager, customer, 9)  # not yet sealed
    raw_sql("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["approved by the board", entries[2].pk])
    rehash_everything(digest)
    forged = AuditEntry.objects.get(pk=entries[2].pk)
    assert forged.content_hash == content_digest(forged, digest)

    report = verify_audit_chain()
    assert (report.bad_entry_id, report.problem, report.sealed) == (
        entries[0].pk, "content does not match its hash", 0
    )
    assert verify_command_error() == f"audit chain broken at entry {entries[0].pk}: content does not match its hash"


def test_recomputing_only_the_links_without_the_key_is_caught_at_the_first_link(manager, customer):
    entries = [record(manager, customer, n) for n in range(3)]
    seal()
    previous = GENESIS
    for entry in AuditEntry.objects.order_by("chain_position"):
        previous = link_digest(previous, entry, unkeyed)
        raw_sql("UPDATE audit_auditentry SET chain_hash = %s WHERE id = %s", [previous, entry.pk])
    raw_sql("UPDATE audit_chainhead SET chain_hash = %s WHERE id = 1", [previous])

    report = verify_audit_chain()
    assert (report.bad_entry_id, report.problem) == (entries[0].pk, "chain hash does not match")


def test_a_chain_sealed_under_one_key_does_not_verify_under_another(manager, customer, settings):
    first = record(manager, customer, 1)
    record(manager, customer, 2)
    seal()
    assert verify_audit_chain().ok
    settings.CREDITDESK_AUDIT_KEY = "a new key"
    report = verify_audit_chain()
    assert (report.bad_entry_id, report.problem) == (first.pk, "content does not match its hash")
