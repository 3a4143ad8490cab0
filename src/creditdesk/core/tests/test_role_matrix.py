"""Who may open and do what: every role against every page and endpoint of the credit file.

Sales see only the customers they own (others are 404, as if they did not exist); collectors,
CFOs and auditors read everything; only admins, credit managers and analysts keep credit files;
anonymous callers are sent to the login page, or get 401 from the API.
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from creditdesk.accounts.roles import ROLES
from creditdesk.accounts.services import create_api_token
from creditdesk.assessment.model_changes import decide_change, register_model, request_activation
from creditdesk.assessment.rating import request_override, run_assessment
from creditdesk.assessment.tests.factories import HAND_WORKED, FinancialStatementFactory
from creditdesk.assessment.tests.test_scoring_models import trained_card
from creditdesk.customers.services import upload_document
from creditdesk.limits.checks import check_order
from creditdesk.limits.models import CreditLimit, LimitStatus
from creditdesk.limits.services import request_limit
from creditdesk.testing.factories import ContactFactory, CustomerFactory, UserFactory, valid_uscc

CREDIT_KEYS = ("reserved", "watched", "blocked", "requested", "statement", "assessment", "override", "draft", "asked",
               "policy")

KEEPERS = {"admin", "credit_manager", "credit_analyst"}
READERS = KEEPERS | {"cfo", "auditor"}
LOGGERS = KEEPERS | {"collector", "sales"}
RATE_SETTERS = {"admin", "credit_manager"}
LIMIT_APPROVERS = KEEPERS | {"cfo"}
MODEL_ACTIVATORS = {"credit_manager", "cfo"}
CARD = trained_card()
CHECK_READERS = READERS | {"sales"}
ALL = set(ROLES)
NEXT_MONTH = (timezone.localdate() + dt.timedelta(days=30)).isoformat()


class Id(str):
    """A body field holding the id of one of the world's objects, sent as a JSON number."""


RELEASERS = {"admin", "credit_manager"}
BAND_ROLES = {"credit_analyst", "credit_manager"}  # the default band for small limits names these two roles


def allowed(roles: set[str], yes: int, no: int = 403) -> dict[str, int]:
    return {role: yes if role in roles else no for role in ROLES}


@pytest.fixture
def world(db):
    """Two customers: one owned by the sales user, one by somebody else, with a document each."""
    manager = UserFactory(username="boss", role="credit_manager")
    users = {role: UserFactory(username=f"u_{role}", role=role) for role in ROLES}
    own = CustomerFactory(owner=users["sales"])
    other = CustomerFactory()
    docs = {}
    for customer in (own, other):
        upload = SimpleUploadedFile("licence.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        docs[customer.pk] = upload_document(manager, customer, upload, {"doc_type": "business_licence",
                                                                        "title": "Licence"}).pk
    statement = FinancialStatementFactory(customer=own, entered_by=manager).pk
    return {"users": users, "own": own, "other": other, "docs": docs, "statement": statement,
            **credit_of(manager, own)}


def credit_of(manager, own) -> dict[str, int]:
    """The own customer's limit of 100,000 with checks in every state a transition starts from, and a request."""
    CreditLimit.objects.create(customer=own, amount=Decimal("100000.00"), currency_id="CNY",
                               valid_from=timezone.localdate(), status=LimitStatus.ACTIVE, justification="test",
                               requested_by=manager, approver_roles="credit_manager")
    requester = UserFactory(username="asker", role="credit_analyst")
    return {"reserved": check_order(manager, own, "SO-R", Decimal("10.00"), "CNY").pk,
            "watched": check_order(manager, own, "SO-W", Decimal("89990.00"), "CNY").pk,
            "blocked": check_order(manager, own, "SO-B", Decimal("200000.00"), "CNY").pk,
            "requested": request_limit(requester, own, {
                "amount": Decimal("1000.00"), "currency_id": "CNY", "valid_from": timezone.localdate(),
                "justification": "More room."}).pk,
            "assessment": run_assessment(manager, own).pk,
            "override": request_override(requester, run_assessment(manager, own), 9, "Lost its main customer.").pk,
            "draft": register_model(manager, "draft-1", CARD).code,
            "asked": request_activation(requester, register_model(requester, "asked-1", CARD), "Better.").code,
            "policy": decide_change(manager, request_activation(
                requester, register_model(requester, "policy-1", CARD), "Better."), True).code}


def web(world, role: str) -> Client:
    client = Client()
    client.force_login(world["users"][role])
    return client


PAGES = [
    ("/", allowed(ALL, 200)),
    ("/customers/", allowed(ALL, 200)),
    ("/customers/new", allowed(KEEPERS, 200)),
    ("/customers/{own}/", allowed(ALL, 200)),
    ("/customers/{own}/contacts/", allowed(ALL, 200)),
    ("/customers/{own}/documents/", allowed(ALL, 200)),
    ("/customers/{own}/communications/", allowed(ALL, 200)),
    ("/customers/{own}/history/", allowed(ALL, 200)),
    ("/customers/{own}/receivables/", allowed(ALL, 200)),
    ("/customers/{other}/receivables/", {**allowed(ALL, 200), "sales": 404}),
    ("/customers/{own}/documents/{own_doc}/file", allowed(ALL, 200)),
    ("/customers/{other}/", {**allowed(ALL, 200), "sales": 404}),
    ("/customers/{other}/documents/{other_doc}/file", {**allowed(ALL, 200), "sales": 404}),
    ("/customers/{own}/limits/", allowed(ALL, 200)),
    ("/customers/{other}/limits/", {**allowed(ALL, 200), "sales": 404}),
    ("/customers/{own}/assessment/", allowed(READERS, 200)),
    ("/customers/{other}/assessment/", {**allowed(READERS, 200), "sales": 404}),
    ("/assessment/statements/{statement}/correct", allowed(KEEPERS, 200)),
    ("/limits/approvals/", allowed(LIMIT_APPROVERS, 200)),
    ("/limits/reviews/", allowed(ALL, 200)),
    ("/limits/blocked-orders/", allowed(CHECK_READERS, 200)),
    ("/limits/watch/", allowed(CHECK_READERS, 200)),
    ("/assessment/overrides/", allowed(READERS, 200)),
    ("/assessment/scorecard/", allowed(READERS, 200)),
    ("/assessment/models/{draft}/", allowed(READERS, 200)),
    ("/customers/{own}/edit", allowed(KEEPERS, 200)),
    ("/customers/{other}/edit", {**allowed(KEEPERS, 200), "sales": 404}),
    ("/audit/", allowed(READERS, 200)),
    ("/imports/", allowed(READERS, 200)),
    ("/imports/upload", allowed(KEEPERS, 200)),
    ("/currencies/", allowed(ALL, 200)),
    ("/account/", allowed(ALL, 200)),
    ("/receivables/aging/", allowed(ALL, 200)),
    ("/receivables/aging/customers/?bucket=1_30", allowed(ALL, 200)),
    ("/receivables/aging/customers/{own}/", allowed(ALL, 200)),
    ("/receivables/aging/customers/{other}/", {**allowed(ALL, 200), "sales": 404}),
    ("/receivables/kpis/", allowed(ALL, 200)),
    ("/receivables/customers/{own}/open-items.xlsx", allowed(ALL, 200)),
    ("/receivables/customers/{other}/open-items.xlsx", {**allowed(ALL, 200), "sales": 404}),
    ("/receivables/customers/{own}/statement.pdf", allowed(ALL, 200)),
    ("/receivables/customers/{other}/statement.pdf", {**allowed(ALL, 200), "sales": 404}),
]


def fill(url: str, world) -> str:
    return url.format(own=world["own"].pk, other=world["other"].pk, own_doc=world["docs"][world["own"].pk],
                      other_doc=world["docs"][world["other"].pk], **{key: world[key] for key in CREDIT_KEYS})


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_pages(world, role, url, expected):
    assert web(world, role).get(fill(url, world)).status_code == expected[role]


@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_need_a_login(world, url, expected):
    response = Client().get(fill(url, world))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def new_customer_form(n: int) -> dict[str, object]:
    return {"name": f"Form Co {n}", "local_name": "", "code": "", "external_id": "", "uscc": valid_uscc(900 + n),
            "country": "CN", "industry": "C", "size": "", "language": "zh-hans", "currency": "CNY",
            "payment_terms_days": 30, "status": "active", "reason": ""}


WRITES = [
    ("post", "/customers/new", lambda n: new_customer_form(n), allowed(KEEPERS, 302)),
    ("post", "/customers/{own}/contacts/add", lambda n: {"name": "Li Lei", "role": "finance", "language": "zh-hans"},
     allowed(KEEPERS, 302)),
    ("post", "/customers/{own}/communications/add",
     lambda n: {"kind": "call", "occurred_on": "2026-11-20", "summary": "Chased the October invoices."},
     allowed(LOGGERS, 302)),
    ("post", "/customers/{other}/communications/add",
     lambda n: {"kind": "call", "occurred_on": "2026-11-20", "summary": "Chased."},
     {**allowed(LOGGERS, 302), "sales": 404}),
    ("post", "/customers/{own}/documents/{own_doc}/delete", lambda n: {"reason": "Expired copy"},
     allowed(KEEPERS, 302)),
    ("post", "/limits/customers/{own}/hold", lambda n: {"reason": "Cheque bounced."},
     allowed(KEEPERS, 302)),
    ("post", "/limits/customers/{own}/request",
     lambda n: {"kind": "standard", "amount": "5000.00", "currency": "CNY", "valid_from": "2026-11-29",
                "justification": "More room."}, allowed(KEEPERS, 302)),
    ("post", "/limits/{requested}/approve", lambda n: {"comment": "ok"}, allowed(LIMIT_APPROVERS, 302)),
    ("post", "/limits/{requested}/reject", lambda n: {"reason": "Too early."}, allowed(LIMIT_APPROVERS, 302)),
    ("post", "/limits/blocked-orders/{blocked}/release", lambda n: {"reason": "Guarantee."},
     allowed(RELEASERS, 302)),
    ("post", "/limits/blocked-orders/{blocked}/reject", lambda n: {"reason": "Risky."}, allowed(RELEASERS, 302)),
    ("post", "/limits/watch/{watched}/note", lambda n: {}, allowed(KEEPERS, 302)),
    ("post", "/currencies/", lambda n: {"currency": "USD", "rate_date": "2026-11-27", "rate": "7.1234"},
     allowed(RATE_SETTERS, 302)),
    ("post", "/assessment/customers/{own}/statements", lambda n: statement_form("2024-12-31"), allowed(KEEPERS, 302)),
    ("post", "/assessment/statements/{statement}/correct",
     lambda n: {**statement_form("2025-12-31"), "audited": "", "reason": "Not audited after all."},
     allowed(KEEPERS, 302)),
    ("post", "/assessment/customers/{own}/ratings", lambda n: {"agency": "S&P", "grade": "A", "rated_on": "2026-01-15"},
     allowed(KEEPERS, 302)),
    ("post", "/assessment/customers/{own}/qualitative", lambda n: {"ownership": "listed"}, allowed(KEEPERS, 302)),
    ("post", "/assessment/customers/{own}/assessments", lambda n: {}, allowed(KEEPERS, 302)),
    ("post", "/assessment/assessments/{assessment}/override", lambda n: {"rating": "9", "reason": "Lost a buyer."},
     allowed(KEEPERS, 302)),
    ("post", "/assessment/assessments/{override}/override/approve", lambda n: {}, allowed(LIMIT_APPROVERS, 302)),
    ("post", "/assessment/models/", lambda n: {"code": f"web-{n}", "file": model_file()}, allowed(KEEPERS, 302)),
    ("post", "/assessment/models/{draft}/activation", lambda n: {"reason": "Better."}, allowed(KEEPERS, 302)),
    ("post", "/assessment/models/{policy}/retirement", lambda n: {"reason": "Drift."}, allowed(KEEPERS, 302)),
    ("post", "/assessment/models/{asked}/approve", lambda n: {}, allowed(MODEL_ACTIVATORS, 302)),
    ("post", "/assessment/models/{asked}/reject", lambda n: {"reason": "No."},
     allowed(MODEL_ACTIVATORS, 302)),
    ("post", "/assessment/assessments/{override}/override/reject", lambda n: {"reason": "No evidence."},
     allowed(LIMIT_APPROVERS, 302)),
]


def model_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("model.json", json.dumps(CARD).encode(), content_type="application/json")


def statement_form(period_end: str) -> dict[str, str]:
    return {"period_end": period_end, "period_months": "12", "currency": "CNY", "audited": "on",
            "source": "annual_report", **{line: str(value) for line, value in HAND_WORKED.items()}}


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize(("method", "url", "data", "expected"), WRITES, ids=[w[1] for w in WRITES])
def test_writes(world, role, method, url, data, expected):
    response = getattr(web(world, role), method)(fill(url, world), data(len(role)))
    assert response.status_code == expected[role], response.content[:500]


def test_document_upload_by_role(world):
    for role in sorted(ROLES):
        upload = SimpleUploadedFile("statement.pdf", b"%PDF-1.4 x", content_type="application/pdf")
        response = web(world, role).post(fill("/customers/{own}/documents/upload", world),
                                         {"doc_type": "financial_statement", "title": "FY2025", "upload": upload})
        assert response.status_code == (302 if role in KEEPERS else 403), role


def api(world, role: str) -> Client:
    user = world["users"][role]
    _token, plain = create_api_token(user, user, "test")
    return Client(headers={"Authorization": f"Bearer {plain}"})


API = [
    ("get", "/api/accounts/me", None, allowed(ALL, 200)),
    ("get", "/api/customers/", None, allowed(ALL, 200)),
    ("get", "/api/customers/{own}", None, allowed(ALL, 200)),
    ("get", "/api/customers/{other}", None, {**allowed(ALL, 200), "sales": 404}),
    ("get", "/api/customers/{own}/contacts", None, allowed(ALL, 200)),
    ("get", "/api/customers/{own}/documents", None, allowed(ALL, 200)),
    ("get", "/api/customers/{own}/documents/{own_doc}/file", None, allowed(ALL, 200)),
    ("get", "/api/customers/{own}/communications", None, allowed(ALL, 200)),
    ("post", "/api/customers/", {"name": "API Co", "country": "DE", "currency": "EUR"}, allowed(KEEPERS, 201)),
    ("patch", "/api/customers/{own}", {"address": "1 Nanjing Road"}, allowed(KEEPERS, 200)),
    ("post", "/api/customers/{own}/contacts", {"name": "Wang Fang"}, allowed(KEEPERS, 201)),
    ("post", "/api/customers/{own}/communications",
     {"kind": "email", "occurred_on": "2026-11-21", "summary": "Sent statement"}, allowed(LOGGERS, 201)),
    ("get", "/api/audit/", None, allowed(READERS, 200)),
    ("get", "/api/imports/", None, allowed(READERS, 200)),
    ("get", "/api/exchange-rates/", None, allowed(ALL, 200)),
    ("post", "/api/exchange-rates/", {"currency": "EUR", "rate_date": "2026-11-27", "rate": "7.81"},
     allowed(RATE_SETTERS, 201)),
    ("post", "/api/imports/customers/batch",
     {"items": [{"external_id": "B-1", "name": "Batch Co", "country": "US", "currency": "USD"}]},
     allowed(KEEPERS, 201)),
    ("get", "/api/limits/", None, allowed(ALL, 200)),
    ("get", "/api/limits/inbox", None, allowed(ALL, 200)),
    ("get", "/api/limits/reviews", None, allowed(ALL, 200)),
    ("post", "/api/limits/", {"customer": "{own}", "amount": "1000.00", "justification": "New customer."},
     allowed(KEEPERS, 201)),
    ("get", "/api/credit-checks/", None, allowed(CHECK_READERS, 200)),
    ("post", "/api/credit-checks/", {"customer": "{own}", "order_reference": "SO-1", "amount": "10.00"},
     allowed(KEEPERS, 200)),
    ("get", "/api/credit-checks/{reserved}", None, allowed(CHECK_READERS, 200)),
    ("get", "/api/credit-checks/?watch=true", None, allowed(CHECK_READERS, 200)),
    ("post", "/api/credit-checks/{reserved}/ship", {"amount": "5.00"}, allowed(KEEPERS, 200)),
    ("post", "/api/credit-checks/{reserved}/invoice", {}, allowed(KEEPERS, 200)),
    ("post", "/api/credit-checks/{reserved}/cancel", None, allowed(KEEPERS, 200)),
    ("post", "/api/credit-checks/{watched}/note", None, allowed(KEEPERS, 200)),
    ("post", "/api/credit-checks/{blocked}/release", {"reason": "Guarantee."}, allowed(RELEASERS, 200)),
    ("post", "/api/credit-checks/{blocked}/reject", {"reason": "Risky."}, allowed(RELEASERS, 200)),
    ("get", "/api/limits/{requested}", None, allowed(ALL, 200)),
    ("post", "/api/limits/{requested}/approve", {"comment": "ok"}, allowed(BAND_ROLES, 200)),
    ("post", "/api/limits/{requested}/reject", {"reason": "Too early."}, allowed(BAND_ROLES, 200)),
    ("post", "/api/limits/{requested}/withdraw", {"reason": "Not needed."}, allowed(KEEPERS, 200)),
    ("get", "/api/assessment/customers/{own}/statements", None, allowed(READERS, 200)),
    ("get", "/api/assessment/customers/{other}/statements", None, {**allowed(READERS, 200), "sales": 404}),
    ("post", "/api/assessment/customers/{own}/statements",
     {"period_end": "2024-12-31", "source": "annual_report", "total_assets": "100", "total_liabilities": "60",
      "equity": "40"}, allowed(KEEPERS, 201)),
    ("patch", "/api/assessment/statements/{statement}", {"audited": False, "reason": "Not audited after all."},
     allowed(KEEPERS, 200)),
    ("get", "/api/assessment/agencies", None, allowed(READERS, 200)),
    ("get", "/api/assessment/customers/{own}/ratings", None, allowed(READERS, 200)),
    ("post", "/api/assessment/customers/{own}/ratings", {"agency": "Fitch", "grade": "BB", "rated_on": "2026-01-15"},
     allowed(KEEPERS, 201)),
    ("get", "/api/assessment/qualitative-factors", None, allowed(READERS, 200)),
    ("get", "/api/assessment/customers/{own}/qualitative", None, allowed(READERS, 200)),
    ("put", "/api/assessment/customers/{own}/qualitative", {"answers": {"ownership": "listed"}},
     allowed(KEEPERS, 200)),
    ("post", "/api/assessment/customers/{own}/assessments", None, allowed(KEEPERS, 201)),
    ("get", "/api/assessment/customers/{own}/assessments", None, allowed(READERS, 200)),
    ("get", "/api/assessment/customers/{other}/assessments", None, {**allowed(READERS, 200), "sales": 404}),
    ("get", "/api/assessment/assessments/{assessment}", None, allowed(READERS, 200)),
    ("post", "/api/assessment/assessments/{assessment}/override", {"rating": 9, "reason": "Lost a buyer."},
     allowed(KEEPERS, 200)),
    ("post", "/api/assessment/assessments/{override}/override/approve", {}, allowed(LIMIT_APPROVERS, 200)),
    ("get", "/api/assessment/models/", None, allowed(READERS, 200)),
    ("get", "/api/assessment/models/{draft}", None, allowed(READERS, 200)),
    ("post", "/api/assessment/models/", {"code": "api-1", "definition": CARD}, allowed(KEEPERS, 201)),
    ("post", "/api/assessment/models/{draft}/activation", {"reason": "Better."}, allowed(KEEPERS, 200)),
    ("post", "/api/assessment/models/{policy}/retirement", {"reason": "Drift."}, allowed(KEEPERS, 200)),
    ("post", "/api/assessment/models/{asked}/approve", {}, allowed(MODEL_ACTIVATORS, 200)),
    ("post", "/api/assessment/models/{asked}/reject", {"reason": "No."}, allowed(MODEL_ACTIVATORS, 200)),
    ("post", "/api/assessment/assessments/{override}/override/reject", {"reason": "No evidence."},
     allowed(LIMIT_APPROVERS, 200)),
    ("get", "/api/collections/promises/", None, allowed(ALL, 200)),
    ("get", "/api/collections/promises/?customer={own}", None, allowed(ALL, 200)),
    ("get", "/api/collections/promises/?customer={other}", None, {**allowed(ALL, 200), "sales": 404}),
    ("post", "/api/collections/promises/", {"customer": Id("own"), "amount": "500.00", "promised_for": NEXT_MONTH},
     allowed(KEEPERS | {"collector"}, 201)),
]


def filled(body: dict | None, world) -> dict | None:
    """A request body with the world's ids in place of its {placeholders}, and of its Ids as numbers."""
    def value(v: object) -> object:
        if isinstance(v, Id):
            return int(fill(f"{{{v}}}", world))
        return fill(v, world) if isinstance(v, str) else v
    return None if body is None else {k: value(v) for k, v in body.items()}


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize(("method", "url", "body", "expected"), API, ids=[f"{a[0]} {a[1]}" for a in API])
def test_api(world, role, method, url, body, expected):
    client = api(world, role)
    kwargs = {"data": filled(body, world), "content_type": "application/json"} if body is not None else {}
    response = getattr(client, method)(fill(url, world), **kwargs)
    assert response.status_code == expected[role], response.content[:500]


@pytest.mark.parametrize(("method", "url", "body", "expected"), API, ids=[f"{a[0]} {a[1]}" for a in API])
def test_api_needs_a_token(world, method, url, body, expected):
    kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
    assert getattr(Client(), method)(fill(url, world), **kwargs).status_code == 401


def test_sales_list_only_their_own_customers(world):
    response = api(world, "sales").get("/api/customers/")
    assert [c["id"] for c in response.json()["items"]] == [world["own"].pk]
    assert response.json()["count"] == 1


def test_a_revoked_or_unknown_token_is_refused(world):
    assert Client(headers={"Authorization": "Bearer cd_not-a-token"}).get("/api/accounts/me").status_code == 401


def test_contact_of_own_customer_listed_for_sales(world):
    ContactFactory(customer=world["own"], name="Zhang Wei")
    response = api(world, "sales").get(fill("/api/customers/{own}/contacts", world))
    assert [c["name"] for c in response.json()] == ["Zhang Wei"]
