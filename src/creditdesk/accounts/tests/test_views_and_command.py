"""API tokens from the account page and from `creditdesk token`: shown once, usable at once, revocable."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from creditdesk.accounts.models import ApiToken
from creditdesk.accounts.services import create_api_token
from creditdesk.audit.models import AuditEntry
from creditdesk.testing.clients import signed_in
from creditdesk.testing.factories import UserFactory


@pytest.fixture
def analyst(db):
    return UserFactory(username="zhao.analyst", role="credit_analyst", first_name="Min", last_name="Zhao")


@pytest.fixture
def web(analyst):
    return signed_in(analyst)


def bearer(plain: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


# --- the account page ----------------------------------------------------------------------------------


def test_the_account_page_shows_the_user_and_roles(web):
    content = web.get("/account/").content.decode()
    assert "<dt>User name</dt><dd>zhao.analyst</dd>" in content
    assert "No tokens yet." in content


def test_a_new_token_is_shown_once(web, analyst):
    response = web.post("/account/", {"name": "ERP nightly feed"})
    assert response.status_code == 200
    plain = response.context["new_token"]
    token = ApiToken.objects.get()
    assert plain.startswith("cd_")
    assert (token.user, token.name, token.prefix) == (analyst, "ERP nightly feed", plain[:10])
    content = response.content.decode()
    assert content.count(plain) == 1
    assert f'<p class="token" id="new-token">{plain}</p>' in content
    assert "Copy this token now: it is shown only once." in content
    assert response.context["form"]["name"].value() is None

    again = web.get("/account/")
    assert again.context["new_token"] == ""
    content = again.content.decode()
    assert plain not in content
    assert plain[10:20] not in content
    assert f"<code>{plain[:10]}…</code>" in content
    assert 'id="new-token"' not in content

    me = bearer(plain).get("/api/accounts/me")
    assert me.status_code == 200
    assert me.json() == {"username": "zhao.analyst", "first_name": "Min", "last_name": "Zhao",
                         "email": "zhao.analyst@example.com", "roles": ["credit_analyst"]}


def test_a_token_needs_a_name(web):
    response = web.post("/account/", {"name": "   "})
    assert response.status_code == 200
    assert response.context["new_token"] == ""
    assert response.context["form"].errors == {"name": ["This field is required."]}
    assert not ApiToken.objects.exists()


def test_a_token_is_revoked_from_the_account_page(web, analyst):
    token, plain = create_api_token(analyst, analyst, "ERP")
    assert bearer(plain).get("/api/accounts/me").status_code == 200

    response = web.post(f"/account/tokens/{token.pk}/revoke")
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoke", object_id=str(token.pk)).count() == 1
    assert bearer(plain).get("/api/accounts/me").status_code == 401

    content = web.get("/account/").content.decode()
    assert "The token was revoked." in content
    assert "<td>Revoked</td>" in content
    assert f"/account/tokens/{token.pk}/revoke" not in content


def test_revoking_needs_a_post(web, analyst):
    token, _plain = create_api_token(analyst, analyst, "ERP")
    assert web.get(f"/account/tokens/{token.pk}/revoke").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_somebody_elses_token_cannot_be_revoked(web):
    other = UserFactory(role="credit_manager")
    token, plain = create_api_token(other, other, "ERP")
    assert web.post(f"/account/tokens/{token.pk}/revoke").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert bearer(plain).get("/api/accounts/me").status_code == 200


def test_the_page_lists_only_the_users_own_tokens(web, analyst):
    other = UserFactory(role="credit_manager")
    create_api_token(other, other, "Not mine")
    create_api_token(analyst, analyst, "Mine")
    response = web.get("/account/")
    assert [t.name for t in response.context["tokens"]] == ["Mine"]


# --- the command -----------------------------------------------------------------------------------------


def test_token_create_prints_a_token_that_authenticates(analyst):
    plain = run("create", "zhao.analyst").strip()
    assert plain.startswith("cd_")
    assert "\n" not in plain
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.prefix) == (analyst, "command line", plain[:10])
    response = bearer(plain).get("/api/accounts/me")
    assert response.status_code == 200
    assert response.json()["username"] == "zhao.analyst"
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_id) == (analyst, "api_token.create", str(token.pk))


def test_token_create_takes_a_name(analyst):
    run("create", "zhao.analyst", "--name", "ERP nightly feed")
    assert ApiToken.objects.get().name == "ERP nightly feed"


def test_token_list_shows_the_users_tokens(analyst):
    first, _ = create_api_token(analyst, analyst, "ERP")
    second, plain = create_api_token(analyst, analyst, "Reports")
    other = UserFactory(role="credit_manager")
    create_api_token(other, other, "Not mine")
    output = run("list", "zhao.analyst")
    lines = {int(line.split("\t")[0]): line for line in output.splitlines()}
    assert set(lines) == {first.pk, second.pk}
    assert lines[first.pk] == f"{first.pk}\t{first.prefix}…\tERP\tactive\tlast used None"
    assert lines[second.pk] == f"{second.pk}\t{second.prefix}…\tReports\tactive\tlast used None"
    assert plain not in output


def test_token_revoke_stops_the_token(analyst):
    plain = run("create", "zhao.analyst", "--name", "laptop").strip()
    token = ApiToken.objects.get()
    assert run("revoke", str(token.pk), "--reason", "laptop stolen") == f"revoked token {token.pk} (laptop)\n"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.get(action="api_token.revoke").reason == "laptop stolen"
    assert bearer(plain).get("/api/accounts/me").status_code == 401
    assert run("list", "zhao.analyst").split("\t")[3] == "revoked"


def test_token_revoke_without_a_reason_says_where_it_came_from(analyst):
    token, _plain = create_api_token(analyst, analyst, "ERP")
    run("revoke", str(token.pk))
    assert AuditEntry.objects.get(action="api_token.revoke").reason == "revoked on the command line"


@pytest.mark.parametrize(("args", "message"), [
    (("create", "ghost"), "no user 'ghost'"),
    (("list", "ghost"), "no user 'ghost'"),
    (("revoke", "999999"), "no token 999999"),
])
def test_unknown_users_and_tokens_are_refused(db, args, message):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert str(caught.value) == message
    assert not ApiToken.objects.exists()
