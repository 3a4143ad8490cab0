"""The approval authority matrix, band by band and pair by pair: who approves first, who second, and what becomes of
the request.

Default bands (functional currency CNY): up to 500,000 one approval from a credit analyst or the credit manager;
up to 5,000,000 one from a credit manager; above, one approval each from the credit manager and the CFO. Every
request is made by the analyst chen.analyst, who approves nothing; the two approvers are always two different
people, of the same role when the row and the column name the same one.
"""

import importlib
import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation

from creditdesk.audit.models import AuditEntry
from creditdesk.limits.models import AuthorityBand, CreditLimit
from creditdesk.limits.selectors import approvals_inbox
from creditdesk.limits.services import approve_limit, reject_limit, request_limit
from creditdesk.limits.tests.test_api import client_for
from creditdesk.limits.views import refusal
from creditdesk.testing.clients import signed_in
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal
ROLES = ("credit_analyst", "credit_manager", "cfo", "collector", "sales", "auditor", "admin")
SAID = {"A": "active", "W": "requested", "C": "Only a requested limit can be approved.",
        "P": "You do not have permission to do this."}
MANAGER_GIVEN = "Approval as Credit manager is already given; this limit still needs: CFO / finance director."
CFO_GIVEN = "Approval as CFO / finance director is already given; this limit still needs: Credit manager."

# Rows: the role of whoever approves first; columns, in the order of ROLES: the role of whoever approves second.
# Each cell: what the first approval does → what the second one does.
#   A  recorded, and the limit is approved (and active: it starts today)
#   W  recorded; the limit still waits
#   C  refused: the limit is no longer a request
#   P  refused: the role may not approve credit limits at all
#   N  refused: the band does not name the role
#   M  refused: the credit manager's approval is given already, the CFO's is missing
#   F  refused: the CFO's approval is given already, the credit manager's is missing
BANDS = {
    "300000.00": ({"N": "A limit of this amount must be approved by: Credit analyst, Credit manager."}, {
        #                 analyst manager cfo collector sales auditor admin
        "credit_analyst": "A→C  A→C  A→C  A→P  A→P  A→P  A→C",
        "credit_manager": "A→C  A→C  A→C  A→P  A→P  A→P  A→C",
        "cfo":            "N→A  N→A  N→N  N→P  N→P  N→P  N→N",
        "collector":      "P→A  P→A  P→N  P→P  P→P  P→P  P→N",
        "sales":          "P→A  P→A  P→N  P→P  P→P  P→P  P→N",
        "auditor":        "P→A  P→A  P→N  P→P  P→P  P→P  P→N",
        "admin":          "N→A  N→A  N→N  N→P  N→P  N→P  N→N",
    }),
    "2000000.00": ({"N": "A limit of this amount must be approved by: Credit manager."}, {
        "credit_analyst": "N→N  N→A  N→N  N→P  N→P  N→P  N→N",
        "credit_manager": "A→C  A→C  A→C  A→P  A→P  A→P  A→C",
        "cfo":            "N→N  N→A  N→N  N→P  N→P  N→P  N→N",
        "collector":      "P→N  P→A  P→N  P→P  P→P  P→P  P→N",
        "sales":          "P→N  P→A  P→N  P→P  P→P  P→P  P→N",
        "auditor":        "P→N  P→A  P→N  P→P  P→P  P→P  P→N",
        "admin":          "N→N  N→A  N→N  N→P  N→P  N→P  N→N",
    }),
    "9000000.00": ({"N": "A limit of this amount must be approved by: Credit manager, CFO / finance director.",
                    "M": MANAGER_GIVEN, "F": CFO_GIVEN}, {
        "credit_analyst": "N→N  N→W  N→W  N→P  N→P  N→P  N→N",
        "credit_manager": "W→N  W→M  W→A  W→P  W→P  W→P  W→N",
        "cfo":            "W→N  W→A  W→F  W→P  W→P  W→P  W→N",
        "collector":      "P→N  P→W  P→W  P→P  P→P  P→P  P→N",
        "sales":          "P→N  P→W  P→W  P→P  P→P  P→P  P→N",
        "auditor":        "P→N  P→W  P→W  P→P  P→P  P→P  P→N",
        "admin":          "N→N  N→W  N→W  N→P  N→P  N→P  N→N",
    }),
}
PAIRS = [pytest.param(amount, first, second, cell, id=f"{amount}-{first}-then-{second}")
         for amount, (_said, grid) in BANDS.items() for first, row in grid.items()
         for second, cell in zip(ROLES, row.split(), strict=True)]


@pytest.fixture
def customer(db):
    return CustomerFactory(code="C000001", name="Hangzhou Textiles")


def ask(requester, customer, amount: str) -> CreditLimit:
    return request_limit(requester, customer, {"amount": D(amount), "currency_id": "CNY",
                                               "valid_from": timezone.localdate(),
                                               "justification": "Orders growing with the new contract."})


def attempt(person, limit: CreditLimit) -> str:
    """What one approval does: the limit's status after it, or the refusal word for word."""
    try:
        return approve_limit(person, limit).status
    except (PermissionDenied, ValidationError) as error:
        return refusal(error)


def both_roles(username: str):
    """Someone who is credit manager and CFO at once."""
    person = UserFactory(username=username, role="credit_manager")
    person.groups.add(Group.objects.get(name="cfo"))
    return person


def test_the_matrix_has_every_pair_of_roles_for_every_band():
    assert len(PAIRS) == 3 * 7 * 7


@pytest.mark.parametrize(("amount", "first", "second", "cell"), PAIRS)
def test_two_approvals_in_a_default_band(analyst, customer, amount, first, second, cell):
    said, _grid = BANDS[amount]
    limit = ask(analyst, customer, amount)
    people = UserFactory(username=f"first.{first}", role=first), UserFactory(username=f"second.{second}", role=second)
    codes = cell.split("→")
    assert [attempt(person, limit) for person in people] == [{**SAID, **said}[code] for code in codes]
    limit.refresh_from_db()
    assert limit.status == ("active" if "A" in codes else "requested")
    assert list(limit.approvals.values_list("role", flat=True)) == [
        role for role, code in zip((first, second), codes, strict=True) if code in "AW"]


@pytest.mark.parametrize(("amount", "terms"), [
    ("500000.00", (1, "credit_analyst,credit_manager", "any")),
    ("500000.01", (1, "credit_manager", "any")),
    ("5000000.00", (1, "credit_manager", "any")),
    ("5000000.01", (2, "credit_manager,cfo", "each")),
])
def test_a_request_keeps_the_terms_of_the_band_its_amount_falls_in(analyst, customer, amount, terms):
    limit = ask(analyst, customer, amount)
    assert (limit.approvals_required, limit.approver_roles, limit.approval_rule) == terms


def test_two_credit_managers_or_two_cfos_never_approve_the_largest_limits(analyst, manager, customer):
    """The defect as reported: with a second credit manager and a second CFO, each pair of the same role tried."""
    second_manager = UserFactory(username="liu.manager", role="credit_manager")
    cfo, second_cfo = UserFactory(username="zhao.cfo", role="cfo"), UserFactory(username="sun.cfo", role="cfo")
    by_managers, by_cfos = ask(analyst, customer, "9100000.00"), ask(analyst, customer, "9200000.00")
    assert [attempt(manager, by_managers), attempt(second_manager, by_managers)] == ["requested", MANAGER_GIVEN]
    assert [attempt(cfo, by_cfos), attempt(second_cfo, by_cfos)] == ["requested", CFO_GIVEN]
    assert list(CreditLimit.objects.order_by("amount").values_list("amount", "status")) == [
        (D("9100000.00"), "requested"), (D("9200000.00"), "requested")]
    assert [attempt(cfo, by_managers), attempt(manager, by_cfos)] == ["active", "active"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_credit_managers_approving_at_the_same_moment_give_one_approval(analyst):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL")
    limit = ask(analyst, CustomerFactory(code="C000700"), "9100000.00")
    managers = [UserFactory(username=f"manager.{n}", role="credit_manager") for n in (1, 2)]
    start, outcomes = threading.Barrier(len(managers)), []

    def one(person) -> None:
        """In its own thread and connection, reading the refusal in English like the rest of the suite."""
        try:
            start.wait()
            with translation.override("en"):
                outcomes.append(attempt(person, limit))
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(person,)) for person in managers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(outcomes) == {"requested": 1, MANAGER_GIVEN: 1}
    limit.refresh_from_db()
    assert (limit.status, list(limit.approvals.values_list("role", flat=True))) == ("requested", ["credit_manager"])


def test_someone_in_both_roles_gives_one_approval_for_one_role(analyst, manager, customer):
    both = both_roles("qian.both")
    second_manager = UserFactory(username="liu.manager", role="credit_manager")
    cfo = UserFactory(username="zhao.cfo", role="cfo")
    first, later = ask(analyst, customer, "9100000.00"), ask(analyst, customer, "9200000.00")
    assert [attempt(both, first), attempt(both, first), attempt(second_manager, first), attempt(cfo, first)] == [
        "requested", "You have already approved this limit; another person must approve it too.", MANAGER_GIVEN,
        "active"]
    assert [attempt(manager, later), attempt(both, later)] == ["requested", "active"]
    assert [list(limit.approvals.values_list("approver__username", "role")) for limit in (first, later)] == [
        [("qian.both", "credit_manager"), ("zhao.cfo", "cfo")],
        [("wang.manager", "credit_manager"), ("qian.both", "cfo")]]


def test_a_band_of_any_two_takes_two_people_of_one_role(analyst, manager, customer):
    """The administrator may still ask for "2 approvals from any of" the roles; then two managers do."""
    AuthorityBand.objects.filter(up_to=None).update(rule="any")
    limit = ask(analyst, customer, "9000000.00")
    second_manager = UserFactory(username="liu.manager", role="credit_manager")
    assert [attempt(manager, limit), attempt(manager, limit), attempt(second_manager, limit)] == [
        "requested", "You have already approved this limit; another person must approve it too.", "active"]


def test_a_request_keeps_its_bands_rule_when_the_band_changes(analyst, manager, customer):
    waiting = ask(analyst, customer, "9000000.00")
    AuthorityBand.objects.filter(up_to=None).update(rule="any")
    assert [attempt(manager, waiting), attempt(UserFactory(username="liu.manager", role="credit_manager"), waiting)
            ] == ["requested", MANAGER_GIVEN]


def test_another_credit_manager_may_still_reject_what_a_credit_manager_approved(analyst, manager, customer):
    limit = ask(analyst, customer, "9000000.00")
    approve_limit(manager, limit)
    with pytest.raises(PermissionDenied, match="You have already approved this limit"):
        reject_limit(manager, limit, "Changed my mind.")
    reject_limit(UserFactory(username="liu.manager", role="credit_manager"), limit, "The guarantee has lapsed.")
    limit.refresh_from_db()
    assert (limit.status, limit.end_reason) == ("rejected", "The guarantee has lapsed.")


def test_the_inbox_leaves_out_a_request_whose_role_has_approved(analyst, manager, customer):
    second_manager = UserFactory(username="liu.manager", role="credit_manager")
    cfo, both = UserFactory(username="zhao.cfo", role="cfo"), both_roles("qian.both")
    largest = ask(analyst, customer, "9000000.00")
    approve_limit(manager, largest)
    assert [list(approvals_inbox(person)) for person in (manager, second_manager, cfo, both)] == [
        [], [], [largest], [largest]]


def test_the_inbox_page_says_the_rule_and_what_it_waits_for(analyst, manager, customer):
    small, largest = ask(analyst, customer, "300000.00"), ask(analyst, customer, "9000000.00")
    approve_limit(manager, largest)
    cfo_page = signed_in(UserFactory(username="zhao.cfo", role="cfo")).get("/limits/approvals/").content.decode()
    assert ('<p class="approval-rule" data-rule="each">One approval each from: Credit manager ✓, '
            'CFO / finance director — waiting</p>') in cfo_page
    manager_page = signed_in(UserFactory(username="liu.manager", role="credit_manager")).get(
        "/limits/approvals/").content.decode()
    assert ('<p class="approval-rule" data-rule="any">1 approval from any of: Credit analyst, Credit manager '
            '(0 given)</p>') in manager_page
    assert f'data-limit="{small.pk}"' in manager_page and f'data-limit="{largest.pk}"' not in manager_page


def test_the_limits_tab_says_what_a_request_waits_for_to_those_who_cannot_approve(analyst, manager, customer):
    approve_limit(manager, ask(analyst, customer, "9000000.00"))
    page = signed_in(UserFactory(username="wu.auditor", role="auditor")).get(f"/customers/{customer.pk}/limits/")
    assert ('<td class="wrap">One approval each from: Credit manager ✓, CFO / finance director — waiting</td>'
            in page.content.decode())


def test_the_inbox_page_in_chinese(analyst, manager, customer):
    approve_limit(manager, ask(analyst, customer, "9000000.00"))
    client = signed_in(UserFactory(username="zhao.cfo", role="cfo"))
    page = client.get("/limits/approvals/", headers={"Accept-Language": "zh-hans"}).content.decode()
    assert '<p class="approval-rule" data-rule="each">须以下角色各审批一次：信用经理 ✓, 财务总监 — 待审批</p>' in page


def test_the_largest_limit_through_the_api(analyst, manager, customer):
    """Each approver calls `POST /api/limits/{id}/approve` with their own token."""
    second_manager = UserFactory(username="liu.manager", role="credit_manager")
    cfo = UserFactory(username="zhao.cfo", role="cfo")
    limit = ask(analyst, customer, "9100000.00")

    def approve(person):
        return client_for(person).post(f"/api/limits/{limit.pk}/approve", {}, content_type="application/json")

    first = approve(manager).json()
    assert {k: first[k] for k in ("status", "approvals_required", "approver_roles", "approval_rule",
                                  "approvals_waiting", "roles_waiting", "approval_status")} == {
        "status": "requested", "approvals_required": 2, "approver_roles": ["credit_manager", "cfo"],
        "approval_rule": "each", "approvals_waiting": 1, "roles_waiting": ["cfo"],
        "approval_status": "One approval each from: Credit manager ✓, CFO / finance director — waiting"}
    refused = approve(second_manager)
    assert (refused.status_code, refused.json()) == (403, {"detail": MANAGER_GIVEN})
    assert client_for(second_manager).get("/api/limits/inbox").json()["items"] == []
    assert [item["id"] for item in client_for(cfo).get("/api/limits/inbox").json()["items"]] == [limit.pk]
    done = approve(cfo).json()
    assert (done["status"], done["approvals_waiting"], done["roles_waiting"], [
        (a["approver"], a["role"]) for a in done["approvals"]]) == (
        "active", 0, [], [("wang.manager", "credit_manager"), ("zhao.cfo", "cfo")])


def test_two_cfos_through_the_api_leave_the_limit_waiting(analyst, customer):
    cfo, second_cfo = UserFactory(username="zhao.cfo", role="cfo"), UserFactory(username="sun.cfo", role="cfo")
    limit = ask(analyst, customer, "9200000.00")
    url = f"/api/limits/{limit.pk}/approve"
    assert client_for(cfo).post(url, {}, content_type="application/json").json()["roles_waiting"] == [
        "credit_manager"]
    refused = client_for(second_cfo).post(url, {}, content_type="application/json")
    assert (refused.status_code, refused.json()) == (403, {"detail": CFO_GIVEN})
    assert CreditLimit.objects.get(pk=limit.pk).status == "requested"


def test_a_small_limit_through_the_api_says_its_count(analyst, customer):
    body = client_for(analyst).get(f"/api/limits/{ask(analyst, customer, '300000.00').pk}").json()
    assert {k: body[k] for k in ("approval_rule", "approvals_waiting", "roles_waiting", "approval_status")} == {
        "approval_rule": "any", "approvals_waiting": 1, "roles_waiting": [],
        "approval_status": "1 approval from any of: Credit analyst, Credit manager (0 given)"}


@pytest.mark.parametrize(("terms", "errors"), [
    ({"roles": "credit_manager, cfo", "approvals_required": 2, "rule": "each"}, {}),
    ({"roles": "credit_manager,cfo", "approvals_required": 1, "rule": "each"},
     {"approvals_required": ["One approval from each role: 2 approvals for the 2 roles named."]}),
    ({"roles": "credit_manager,cfo", "approvals_required": 3, "rule": "each"},
     {"approvals_required": ["One approval from each role: 2 approvals for the 2 roles named."]}),
    ({"roles": "credit_manager,credit_manager", "approvals_required": 2, "rule": "any"},
     {"roles": ["Name each role once."]}),
    ({"roles": " , ", "approvals_required": 1, "rule": "any"}, {"roles": ["Name at least one role."]}),
    ({"roles": "credit_manager,auditor,treasurer", "approvals_required": 1, "rule": "any"},
     {"roles": ["Not a role that may approve credit limits: auditor, treasurer."]}),
    ({"roles": "credit_manager", "approvals_required": 0, "rule": "any"},
     {"approvals_required": ["At least one approval."]}),
    ({"roles": "credit_manager,cfo", "approvals_required": 3, "rule": "any"},
     {"approvals_required": ["Only 2 active people hold these roles."]}),
    ({"roles": "credit_analyst,admin", "approvals_required": 2, "rule": "each"},
     {"roles": ["Nobody active holds the role: admin."]}),
], ids=["each-of-two", "each-with-one", "each-with-three", "a-role-twice", "no-role", "roles-that-cannot-approve",
        "no-approval", "more-than-the-people", "each-with-a-vacant-role"])
def test_the_band_refuses_what_nobody_could_complete(analyst, manager, terms, errors):
    """Staff: the analysts chen.analyst and liu.analyst, the credit manager wang.manager, the CFO zhao.cfo, and no
    administrator."""
    UserFactory(username="liu.analyst", role="credit_analyst")
    UserFactory(username="zhao.cfo", role="cfo")
    assert band_errors(AuthorityBand(up_to=D("100000000.00"), **terms)) == errors


def test_someone_in_both_roles_is_one_person_for_a_band(manager):
    both_roles("qian.both")
    manager.groups.clear()
    band = AuthorityBand(up_to=D("100000000.00"), roles="credit_manager,cfo", approvals_required=2, rule="each")
    assert band_errors(band) == {"approvals_required": ["Only 1 active person holds these roles."]}


def band_errors(band: AuthorityBand) -> dict[str, list[str]]:
    """What the admin site would say about the band, field by field; nothing when it may be saved."""
    try:
        band.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def test_the_administrator_sets_a_bands_rule_in_the_admin_site_and_it_is_audited(manager):
    admin = UserFactory(username="root.admin", role="admin", is_staff=True)
    UserFactory(username="zhao.cfo", role="cfo")
    band = AuthorityBand.objects.get(up_to=None)
    url = f"/admin/limits/authorityband/{band.pk}/change/"
    refused = signed_in(admin).post(url, {"roles": "credit_manager,cfo", "approvals_required": "1", "rule": "each"})
    assert (refused.status_code, refused.context["adminform"].form.errors) == (
        200, {"approvals_required": ["One approval from each role: 2 approvals for the 2 roles named."]})
    saved = signed_in(admin).post(url, {"roles": "credit_manager , cfo", "approvals_required": "2", "rule": "any"})
    assert saved.status_code == 302
    assert AuthorityBand.objects.values_list("roles", "approvals_required", "rule").get(pk=band.pk) == (
        "credit_manager,cfo", 2, "any")
    assert AuditEntry.objects.get(action="policy.update").changes == {"rule": ["each", "any"]}


def test_existing_databases_get_the_default_top_band_as_one_approval_from_each(analyst, manager, customer):
    """Before the rule, the default top band was "credit_manager,cfo ×2" with "any" meaning; so were its requests."""
    migration = importlib.import_module("creditdesk.limits.migrations.0008_default_top_band_each")
    AuthorityBand.objects.update(rule="any")
    AuthorityBand.objects.create(up_to=None, from_rating=8, roles="credit_manager,cfo", approvals_required=2)
    waiting, other = ask(analyst, customer, "9000000.00"), ask(analyst, customer, "2000000.00")
    approved = ask(analyst, customer, "9500000.00")
    approve_limit(manager, approved)
    approve_limit(UserFactory(username="zhao.cfo", role="cfo"), approved)
    CreditLimit.objects.update(approval_rule="any")
    migration.each(apps, None)
    assert list(AuthorityBand.objects.values_list("from_rating", "up_to", "rule")) == [
        (None, D("500000.00"), "any"), (None, D("5000000.00"), "any"), (None, None, "each"), (8, None, "any")]
    assert [CreditLimit.objects.get(pk=limit.pk).approval_rule for limit in (waiting, other, approved)] == [
        "each", "any", "any"]
