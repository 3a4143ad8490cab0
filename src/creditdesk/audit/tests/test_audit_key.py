"""The audit key lives outside the database: given to production, generated once and kept owner-only elsewhere."""

import stat

import pytest

from creditdesk.settings import load_audit_key


def test_the_key_given_in_the_environment_is_used_and_nothing_is_written(tmp_path):
    key_file = tmp_path / "audit_key"
    assert load_audit_key({"CREDITDESK_AUDIT_KEY": "from the vault"}, True, key_file) == "from the vault"
    assert load_audit_key({"CREDITDESK_AUDIT_KEY": "from the vault"}, False, key_file) == "from the vault"
    assert not key_file.exists()


def test_production_refuses_to_start_without_a_key(tmp_path):
    for environ in ({}, {"CREDITDESK_AUDIT_KEY": ""}):
        with pytest.raises(RuntimeError) as caught:
            load_audit_key(environ, True, tmp_path / "audit_key")
        assert str(caught.value) == "CREDITDESK_AUDIT_KEY must be set when CREDITDESK_PRODUCTION is on"
    assert not (tmp_path / "audit_key").exists()


def test_outside_production_a_key_is_generated_once_readable_only_by_its_owner(tmp_path):
    key_file = tmp_path / "audit_key"
    key = load_audit_key({}, False, key_file)
    assert len(key) == 67
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_audit_key({}, False, key_file) == key
    assert key_file.read_text() == key


def test_a_kept_key_file_is_read_as_it_is(tmp_path):
    key_file = tmp_path / "audit_key"
    key_file.write_text("kept from last year\n")
    assert load_audit_key({}, False, key_file) == "kept from last year"


def test_an_empty_key_file_is_refused(tmp_path):
    key_file = tmp_path / "audit_key"
    key_file.write_text("\n")
    with pytest.raises(RuntimeError) as caught:
        load_audit_key({}, False, key_file)
    assert str(caught.value) == f"{key_file} is empty: an empty key would let anyone recompute the audit chain"

