"""API tokens are shown once, stored only as a digest, revocable and audited; roles hold exactly their permissions."""

import datetime as dt
import hashlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from creditdesk.accounts.models import ApiToken
from creditdesk.accounts.roles import ROLES
from creditdesk.accounts.services import (
    TOKEN_PREFIX,
    authenticate_token,
    create_api_token,
    revoke_api_token,
    sync_roles,
    token_digest,
)
from creditdesk.audit.models import AuditEntry
from creditdesk.testing.factories import UserFactory


@pytest.fixture
def analyst(db):
    return UserFactory(username="zhao.analyst", role="credit_analyst")


@pytest.fixture
def admin(db):
    return UserFactory(username="root.admin", role="admin")


def group_permissions(name: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


# --- issuing ---------------------------------------------------------------------------------------


def test_a_new_token_is_returned_once_in_plain_text_and_stored_only_as_its_digest(analyst):
    token, plain = create_api_token(analyst, analyst, "  ERP nightly feed  ")
    assert plain.startswith(TOKEN_PREFIX)
    assert len(plain) >= len(TOKEN_PREFIX) + 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(plain.encode()).hexdigest() == token_digest(plain)
    assert stored.prefix == plain[:10]
    assert (stored.user, stored.name, stored.last_used_at, stored.revoked_at) == (
        analyst, "ERP nightly feed", None, None
    )
    assert stored.is_active
    stored_text = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert not any(plain in value for value in stored_text)
    assert str(stored) == f"ERP nightly feed ({plain[:10]}…)"


def test_every_token_is_different(analyst):
    plains = {create_api_token(analyst, analyst, f"script {n}")[1] for n in range(5)}
    assert len(plains) == 5
    assert ApiToken.objects.filter(user=analyst).count() == 5


def test_a_token_needs_a_name(analyst):
    with pytest.raises(ValidationError) as caught:
        create_api_token(analyst, analyst, "   ")
    assert caught.value.message_dict == {
        "name": ["Give the token a name, such as the system that will use it."]
    }
    assert not ApiToken.objects.exists()


def test_creating_a_token_is_audited_without_its_secret(analyst):
    token, plain = create_api_token(analyst, analyst, "ERP")
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_type, entry.object_id) == (
        analyst, "api_token.create", "accounts.apitoken", str(token.pk)
    )
    assert entry.changes == {"name": [None, "ERP"], "user": [None, "zhao.analyst"]}
    assert plain not in str(entry.changes) + entry.object_repr + entry.reason


# --- authenticating ----------------------------------------------------------------------------------


def test_a_token_authenticates_its_user_and_notes_when_it_was_used(analyst):
    token, plain = create_api_token(analyst, analyst, "ERP")
    before = timezone.now()
    assert authenticate_token(plain) == analyst
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert before <= token.last_used_at <= timezone.now()


def test_last_used_is_written_at_most_once_a_minute(analyst):
    token, plain = create_api_token(analyst, analyst, "ERP")
    authenticate_token(plain)
    token.refresh_from_db()
    first_use = token.last_used_at
    assert authenticate_token(plain) == analyst
    token.refresh_from_db()
    assert token.last_used_at == first_use

    long_ago = timezone.now() - dt.timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=long_ago)
    authenticate_token(plain)
    token.refresh_from_db()
    assert token.last_used_at > long_ago + dt.timedelta(minutes=4)


@pytest.mark.parametrize("guess", ["", "cd_", "cd_not-a-real-token", "ERP"])
def test_an_unknown_token_authenticates_nobody(analyst, guess):
    create_api_token(analyst, analyst, "ERP")
    assert authenticate_token(guess) is None


def test_the_digest_itself_is_not_a_token(analyst):
    token, _plain = create_api_token(analyst, analyst, "ERP")
    assert authenticate_token(token.digest) is None


def test_a_revoked_token_authenticates_nobody(analyst):
    token, plain = create_api_token(analyst, analyst, "ERP")
    revoke_api_token(analyst, token, "laptop stolen")
    assert authenticate_token(plain) is None
    token.refresh_from_db()
    assert not token.is_active
    assert token.last_used_at is None


def test_the_token_of_an_inactive_user_authenticates_nobody(analyst):
    _token, plain = create_api_token(analyst, analyst, "ERP")
    analyst.is_active = False
    analyst.save()
    assert authenticate_token(plain) is None


# --- revoking ---------------------------------------------------------------------------------------


def test_revoking_is_audited_with_the_reason(analyst):
    token, _plain = create_api_token(analyst, analyst, "ERP")
    before = timezone.now()
    revoke_api_token(analyst, token, "laptop stolen")
    token.refresh_from_db()
    assert before <= token.revoked_at <= timezone.now()
    entry = AuditEntry.objects.get(action="api_token.revoke")
    assert (entry.actor, entry.object_id, entry.reason) == (analyst, str(token.pk), "laptop stolen")
    assert entry.changes == {"revoked_at": [None, token.revoked_at.isoformat()]}


def test_revoking_twice_changes_nothing_the_second_time(analyst):
    token, _plain = create_api_token(analyst, analyst, "ERP")
    revoke_api_token(analyst, token)
    token.refresh_from_db()
    first = token.revoked_at
    revoke_api_token(analyst, ApiToken.objects.get(pk=token.pk), "again")
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1


# --- whose tokens --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["credit_manager", "credit_analyst", "collector", "sales", "cfo", "auditor"])
def test_a_user_cannot_create_a_token_for_someone_else(db, role):
    actor, other = UserFactory(role=role), UserFactory(role="sales")
    with pytest.raises(PermissionDenied):
        create_api_token(actor, other, "ERP")
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_user_cannot_revoke_someone_elses_token(analyst):
    other = UserFactory(role="credit_manager")
    token, plain = create_api_token(other, other, "ERP")
    with pytest.raises(PermissionDenied):
        revoke_api_token(analyst, token, "not mine")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert authenticate_token(plain) == other


def test_a_user_manager_may_create_and_revoke_tokens_for_others(admin, analyst):
    token, plain = create_api_token(admin, analyst, "ERP for Zhao")
    assert token.user == analyst
    assert authenticate_token(plain) == analyst
    revoke_api_token(admin, token, "Zhao left")
    assert authenticate_token(plain) is None
    assert list(AuditEntry.objects.order_by("id").values_list("actor_name", "action")) == [
        ("root.admin", "api_token.create"), ("root.admin", "api_token.revoke")
    ]


# --- roles --------------------------------------------------------------------------------------------


def test_there_is_a_group_for_every_role(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_holds_exactly_the_permissions_in_roles(db, role):
    sync_roles()
    assert group_permissions(role) == set(ROLES[role]["permissions"])


def test_sync_roles_takes_away_what_was_added_by_hand_and_restores_what_was_removed(db):
    sales = Group.objects.get(name="sales")
    sales.permissions.add(Permission.objects.get(codename="add_exchangerate"))
    sales.permissions.remove(Permission.objects.get(codename="add_communication"))
    Group.objects.filter(name="auditor").delete()
    sync_roles()
    assert group_permissions("sales") == set(ROLES["sales"]["permissions"])
    assert group_permissions("auditor") == set(ROLES["auditor"]["permissions"])


def test_only_admins_manage_users_and_only_managers_and_admins_set_rates(db):
    sync_roles()
    assert {name for name in ROLES if "accounts.manage_users" in group_permissions(name)} == {"admin"}
    assert {name for name in ROLES if "currencies.add_exchangerate" in group_permissions(name)} == {
        "admin", "credit_manager"
    }


def test_auditors_change_nothing_and_cfos_only_approve_limits_and_the_policys_model(db):
    sync_roles()
    assert all(label.split(".")[1].startswith("view_") for label in group_permissions("auditor"))
    assert {label for label in group_permissions("cfo") if not label.split(".")[1].startswith("view_")} == {
        "limits.approve_creditlimit", "assessment.activate_scoringmodel"}
