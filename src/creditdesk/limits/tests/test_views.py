"""Limit pages: the customer's limits tab, the approvals inbox, the review queue and the blocked-orders queue.

Unless a test says otherwise: a customer with an active limit of 100,000.00 CNY, an invoice of 30,000.00 not yet
due and an open order of 20,000.00, so exposure 50,000.00, available 50,000.00, utilisation 50.0 %.
"""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from creditdesk.audit.models import AuditEntry
from creditdesk.customers.choices import CustomerStatus
from creditdesk.limits.checks import check_order
from creditdesk.limits.models import CheckPoint, CheckStatus, CreditCheck, CreditLimit, LimitStatus
from creditdesk.limits.overrides import release_check
from creditdesk.limits.services import request_limit
from creditdesk.receivables.services import record_invoice, record_order
from creditdesk.testing.clients import signed_in
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def limit(manager, today):
    customer = CustomerFactory(code="C000001", name="Hangzhou Textiles")
    record_invoice(manager, {"customer": customer, "number": "INV-1", "invoice_date": today,
                             "due_date": today + dt.timedelta(days=10), "currency_id": "CNY",
                             "net_amount": D("30000.00"), "tax_amount": D("0.00"), "gross_amount": D("30000.00")})
    record_order(manager, {"customer": customer, "number": "SO-1", "ordered_on": today, "amount": D("20000.00"),
                           "currency_id": "CNY"})
    return CreditLimit.objects.create(customer=customer, amount=D("100000.00"), currency_id="CNY",
                                      valid_from=today - dt.timedelta(days=30), review_on=today + dt.timedelta(days=60),
                                      justification="Annual review 2026.", requested_by=UserFactory(),
                                      approver_roles="credit_manager", status=LimitStatus.ACTIVE)


def tab(customer) -> str:
    return f"/customers/{customer.pk}/limits/"


def ask(actor, customer, amount: str) -> CreditLimit:
    return request_limit(actor, customer, {"amount": D(amount), "currency_id": "CNY",
                                           "valid_from": timezone.localdate(), "justification": "Orders growing."})


def test_the_tab_shows_the_limit_in_force_and_the_exposure(manager, limit):
    response = signed_in(manager).get(tab(limit.customer))
    assert response.status_code == 200
    context = response.context
    assert context["limit"] == limit
    assert (context["figures"].open_receivables, context["figures"].open_orders, context["figures"].exposure) == (
        D("30000.00"), D("20000.00"), D("50000.00"))
    assert (context["limit_home"], context["available"], context["utilisation"]) == (
        D("100000.00"), D("50000.00"), D("50.0"))
    assert json.loads(context["gauge_chart"])["series"][0]["data"][0]["value"] == 50.0
    html = response.content.decode()
    assert 'data-figure="exposure">50,000.00</b>' in html
    assert 'data-figure="open_orders">20,000.00</td>' in html
    assert 'id="utilisation-chart"' in html and 'id="limit-history-chart"' in html
    assert [row.pk for row in context["history"]] == [limit.pk]


def test_a_request_from_the_tab_form_creates_a_requested_limit(analyst, limit, today):
    response = signed_in(analyst).post(f"/limits/customers/{limit.customer.pk}/request", {
        "amount": "300000.00", "currency": "CNY", "kind": "standard", "valid_from": today.isoformat(),
        "valid_to": "", "review_on": (today + dt.timedelta(days=365)).isoformat(),
        "justification": "Two years of prompt payment."})
    assert (response.status_code, response["Location"]) == (302, tab(limit.customer))
    new = CreditLimit.objects.exclude(pk=limit.pk).get()
    assert (new.status, new.amount, new.requested_by, new.approver_roles) == (
        LimitStatus.REQUESTED, D("300000.00"), analyst, "credit_analyst,credit_manager")


def test_a_refused_request_stays_on_the_tab_with_the_services_reason(analyst, limit, today):
    response = signed_in(analyst).post(f"/limits/customers/{limit.customer.pk}/request", {
        "amount": "5000.00", "currency": "CNY", "kind": "temporary", "valid_from": today.isoformat(),
        "justification": "Christmas season."})
    assert response.status_code == 422
    assert response.context["form"].errors == {"valid_to": ["A temporary limit needs an end date."]}
    assert CreditLimit.objects.count() == 1


def test_approving_your_own_request_shows_the_refusal_and_changes_nothing(analyst, limit):
    mine = ask(analyst, limit.customer, "300000.00")
    response = signed_in(analyst).post(f"/limits/{mine.pk}/approve", {"comment": "", "back": "tab"}, follow=True)
    assert response.redirect_chain == [(tab(limit.customer), 302)]
    assert [str(m) for m in response.context["messages"]] == ["You requested this limit; someone else must approve it."]
    mine.refresh_from_db()
    assert (mine.status, mine.approvals.count()) == (LimitStatus.REQUESTED, 0)


def test_a_manager_approves_from_the_inbox(analyst, manager, limit):
    big = ask(analyst, limit.customer, "2000000.00")
    client = signed_in(manager)
    assert list(client.get("/limits/approvals/").context["page"]) == [big]
    response = client.post(f"/limits/{big.pk}/approve", {"comment": "Accounts checked.", "back": "inbox"})
    assert (response.status_code, response["Location"]) == (302, "/limits/approvals/")
    big.refresh_from_db()
    limit.refresh_from_db()
    assert (big.status, limit.status) == (LimitStatus.ACTIVE, LimitStatus.EXPIRED)
    assert big.approvals.get().comment == "Accounts checked."
    assert list(client.get("/limits/approvals/").context["page"]) == []


def test_a_rejection_without_a_reason_is_refused(analyst, manager, limit):
    big = ask(analyst, limit.customer, "2000000.00")
    response = signed_in(manager).post(f"/limits/{big.pk}/reject", {"reason": " ", "back": "inbox"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Say why the limit is rejected."]
    assert CreditLimit.objects.get(pk=big.pk).status == LimitStatus.REQUESTED


def test_the_review_queue_lists_limits_due_for_review(manager, limit, today):
    CreditLimit.objects.filter(pk=limit.pk).update(review_on=today + dt.timedelta(days=5))
    response = signed_in(manager).get("/limits/reviews/")
    assert [item.pk for item in response.context["page"]] == [limit.pk]


def test_a_blocked_order_is_released_from_the_queue_with_a_reason(analyst, manager, limit, today):
    blocked = check_order(analyst, limit.customer, "SO-9", D("80000.00"), "CNY")
    assert blocked.status == CheckStatus.BLOCKED
    client = signed_in(manager)
    page = client.get("/limits/blocked-orders/")
    assert page.context["rows"] == [(blocked, ["The order is more than the available credit of 50,000.00 CNY."])]
    assert 'class="toolbar release-form"' in page.content.decode()
    until = today + dt.timedelta(days=7)
    response = client.post(f"/limits/blocked-orders/{blocked.pk}/release",
                           {"reason": "Customer paid INV-1 this morning.", "valid_until": until.isoformat()})
    assert (response.status_code, response["Location"]) == (302, "/limits/blocked-orders/")
    blocked.refresh_from_db()
    assert (blocked.status, blocked.override_by, blocked.override_expires_on) == (CheckStatus.RELEASED, manager, until)
    entry = AuditEntry.objects.get(action="credit_check.release")
    assert (entry.object_id, entry.reason) == (str(blocked.pk), "Customer paid INV-1 this morning.")
    assert list(client.get("/limits/blocked-orders/").context["rows"]) == []


def test_a_blocked_order_is_rejected_from_the_queue(analyst, manager, limit):
    blocked = check_order(analyst, limit.customer, "SO-9", D("80000.00"), "CNY")
    signed_in(manager).post(f"/limits/blocked-orders/{blocked.pk}/reject", {"reason": "Over limit."})
    assert CreditCheck.objects.get(pk=blocked.pk).status == CheckStatus.REJECTED


def test_hold_and_release_from_the_tab(manager, limit):
    client = signed_in(manager)
    refused = client.post(f"/limits/customers/{limit.customer.pk}/hold", {"reason": ""}, follow=True)
    assert [str(m) for m in refused.context["messages"]] == ["Say why."]
    client.post(f"/limits/customers/{limit.customer.pk}/hold", {"reason": "Cheque bounced."})
    limit.customer.refresh_from_db()
    assert limit.customer.status == CustomerStatus.ON_HOLD
    client.post(f"/limits/customers/{limit.customer.pk}/release-hold", {"reason": "Paid in cash."})
    limit.customer.refresh_from_db()
    assert limit.customer.status == CustomerStatus.ACTIVE


def test_a_collector_reads_the_tab_but_cannot_change_anything(analyst, limit, today):
    collector = UserFactory(role="collector")
    client = signed_in(collector)
    response = client.get(tab(limit.customer))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="exposure">50,000.00</b>' in html
    assert 'id="limit-request"' not in html and 'id="hold-form"' not in html
    request = ask(analyst, limit.customer, "300000.00")
    pk = limit.customer.pk
    assert client.post(f"/limits/customers/{pk}/request", {"amount": "1.00", "currency": "CNY", "kind": "standard",
                                                            "valid_from": today.isoformat(),
                                                            "justification": "x"}).status_code == 403
    assert client.post(f"/limits/customers/{pk}/hold", {"reason": "x"}).status_code == 403
    assert client.post(f"/limits/{request.pk}/approve", {}).status_code == 403
    assert client.get("/limits/approvals/").status_code == 403
    assert client.get("/limits/blocked-orders/").status_code == 403
    assert CreditLimit.objects.get(pk=request.pk).status == LimitStatus.REQUESTED


def test_sales_see_their_own_customers_blocked_orders_read_only(analyst, limit):
    seller = UserFactory(role="sales")
    own = CustomerFactory(owner=seller)
    mine = check_order(analyst, own, "SO-OWN", D("10.00"), "CNY")
    check_order(analyst, limit.customer, "SO-OTHER", D("80000.00"), "CNY")
    client = signed_in(seller)
    response = client.get("/limits/blocked-orders/")
    assert response.context["rows"] == [(mine, ["The customer has no credit limit."])]
    assert "release-form" not in response.content.decode()
    assert client.post(f"/limits/blocked-orders/{mine.pk}/release", {"reason": "x"}).status_code == 403
    assert client.get(tab(limit.customer)).status_code == 404


@pytest.mark.parametrize("url", ["/customers/{pk}/limits/", "/limits/approvals/", "/limits/reviews/",
                                 "/limits/blocked-orders/"])
def test_anonymous_visitors_are_sent_to_the_login_page(limit, url):
    response = Client().get(url.format(pk=limit.customer.pk))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_anonymous_post_changes_nothing(limit):
    response = Client().post(f"/limits/customers/{limit.customer.pk}/hold", {"reason": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    limit.customer.refresh_from_db()
    assert limit.customer.status == CustomerStatus.ACTIVE


def test_orders_approved_to_watch_wait_for_an_analyst_with_their_own_customers_first(analyst, manager, limit):
    """Exposure 50,000 of 100,000: an order of 45,000 takes it to 95 %, past the 90 % watch share."""
    mine = CustomerFactory(code="C000009", analyst=analyst)
    CreditLimit.objects.create(customer=mine, amount=D("1000.00"), currency_id="CNY", valid_from=limit.valid_from,
                               justification="test", requested_by=manager, approver_roles="credit_manager",
                               status=LimitStatus.ACTIVE)
    theirs = check_order(manager, limit.customer, "SO-9", D("45000.00"), "CNY")
    own = check_order(manager, mine, "SO-10", D("950.00"), "CNY")
    page = signed_in(analyst).get("/limits/watch/")
    assert [check.pk for check in page.context["page"]] == [own.pk, theirs.pk]
    response = signed_in(analyst).post(f"/limits/watch/{own.pk}/note")
    assert response.status_code == 302
    assert [check.pk for check in signed_in(analyst).get("/limits/watch/").context["page"]] == [theirs.pk]
    assert AuditEntry.objects.filter(action="credit_check.note", actor=analyst).count() == 1


def test_the_administrator_changes_a_check_point_in_the_admin_site_and_it_is_audited(db):
    admin = UserFactory(username="root.admin", role="admin", is_staff=True)
    response = signed_in(admin).post(
        f"/admin/limits/checkpoint/{CheckPoint.objects.get(point='shipment').pk}/change/",
        {"active": "on", "counts_shipped": "on"})
    assert response.status_code == 302
    assert CheckPoint.objects.values_list("active", "counts_unshipped", "counts_shipped").get(point="shipment") == (
        True, False, True)
    entry = AuditEntry.objects.get(action="policy.update")
    assert (entry.actor, entry.changes) == (admin, {"counts_unshipped": [True, False]})


def test_the_released_orders_export_is_the_report_of_overrides(analyst, manager, limit, today):
    blocked = check_order(analyst, limit.customer, "SO-7", D("80000.00"), "CNY")
    release_check(manager, blocked, "Parent guarantee signed.", today + dt.timedelta(days=5))
    response = signed_in(manager).get("/limits/blocked-orders/?status=released&format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][3:] == ("Order reference", "Check point", "Amount", "Currency", "Exposure", "Limit", "Available",
                           "Reasons", "Status", "Released or rejected by", "Reason", "Valid until")
    assert rows[1][1:] == (
        "C000001", "Hangzhou Textiles", "SO-7", "Order", 80000, "CNY", 50000, 100000, 50000,
        "The order is more than the available credit of 50,000.00 CNY.", "Released by override",
        manager.get_full_name() or manager.username, "Parent guarantee signed.",
        dt.datetime.combine(today + dt.timedelta(days=5), dt.time()))
    assert len(rows) == 2
