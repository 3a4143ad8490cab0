"""The audit trail screen: filtered by customer, user, action and local date, each change as before → after."""

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from creditdesk.audit.services import record_audit
from creditdesk.currencies.models import Currency
from creditdesk.testing.clients import signed_in
from creditdesk.testing.factories import ContactFactory, CustomerFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def auditor(db):
    return UserFactory(username="zhou.auditor", role="auditor")


@pytest.fixture
def web(auditor):
    return signed_in(auditor)


def at(*when: int) -> mock._patch:
    """Record entries as if it were that moment in Shanghai."""
    return mock.patch.object(timezone, "now", return_value=dt.datetime(*when, tzinfo=SHANGHAI))


@pytest.fixture
def trail(db):
    """Four entries: two about customer A (one just after midnight local time), one about B, one about no customer."""
    manager = UserFactory(username="wang.manager", role="credit_manager")
    analyst = UserFactory(username="li.analyst", role="credit_analyst")
    a = CustomerFactory(code="A1", name="Alpha Steel", local_name="")
    b = CustomerFactory(code="B1", name="Beta Paper", local_name="")
    contact = ContactFactory(customer=a, name="Li Lei")
    with at(2026, 11, 2, 12, 0):
        on_hold = record_audit(manager, "customer.update", a, {"status": ["active", "on_hold"]}, "90 days overdue")
    with at(2026, 11, 3, 0, 30):
        new_contact = record_audit(analyst, "contact.create", contact,
                                   {"name": [None, "Li Lei"], "email": ["old@example.cn", None]})
    with at(2026, 11, 5, 9, 0):
        opened = record_audit(manager, "customer.create", b, {"name": [None, "Beta Paper"]})
    with at(2026, 11, 6, 23, 59):
        rates = record_audit(None, "currency.update", Currency.objects.get(pk="USD"), {"minor_units": [2, 3]})
    return {"a": a, "b": b, "on_hold": on_hold, "new_contact": new_contact, "opened": opened, "rates": rates}


def listed(web, **query: object) -> list[int]:
    response = web.get("/audit/", query)
    assert response.status_code == 200
    return [entry.pk for entry in response.context["entries"].object_list]


def ids(trail, *names: str) -> list[int]:
    return [trail[name].pk for name in names]


def test_all_entries_newest_first(web, trail):
    assert listed(web) == ids(trail, "rates", "opened", "new_contact", "on_hold")


def test_filter_by_customer(web, trail):
    assert listed(web, customer=trail["a"].pk) == ids(trail, "new_contact", "on_hold")
    assert listed(web, customer=trail["b"].pk) == ids(trail, "opened")
    assert listed(web, customer=999999) == []


def test_filter_by_user(web, trail):
    assert listed(web, actor="li.analyst") == ids(trail, "new_contact")
    assert listed(web, actor="wang.manager") == ids(trail, "opened", "on_hold")
    assert listed(web, actor="system") == ids(trail, "rates")
    assert listed(web, actor="wang") == []


def test_filter_by_action(web, trail):
    assert listed(web, action="customer.update") == ids(trail, "on_hold")
    assert listed(web, action="customer.create") == ids(trail, "opened")


def test_the_action_menu_offers_the_actions_in_the_trail(web, trail):
    form = web.get("/audit/").context["form"]
    assert [value for value, _label in form.fields["action"].choices] == [
        "", "contact.create", "currency.update", "customer.create", "customer.update"
    ]


@pytest.mark.parametrize(("query", "expected"), [
    ({"date_from": "2026-11-03"}, ["rates", "opened", "new_contact"]),
    ({"date_to": "2026-11-02"}, ["on_hold"]),
    ({"date_from": "2026-11-03", "date_to": "2026-11-05"}, ["opened", "new_contact"]),
    ({"date_from": "2026-11-06", "date_to": "2026-11-06"}, ["rates"]),
    ({"date_from": "2026-11-07"}, []),
])
def test_filter_by_date_range_in_local_time(web, trail, query, expected):
    assert listed(web, **query) == ids(trail, *expected)


def test_filters_combine(web, trail):
    assert listed(web, customer=trail["a"].pk, date_from="2026-11-03") == ids(trail, "new_contact")
    assert listed(web, customer=trail["a"].pk, actor="wang.manager", action="customer.update") == ids(trail, "on_hold")
    assert listed(web, customer=trail["a"].pk, actor="li.analyst", action="customer.update") == []


def test_entries_show_before_and_after(web, trail):
    content = web.get("/audit/").content.decode()
    assert "<div><b>status</b>: <del>active</del> → <ins>on_hold</ins></div>" in content
    assert "<div><b>name</b>: <ins>Li Lei</ins></div>" in content
    assert "<div><b>e-mail</b>: <del>old@example.cn</del> → <ins>∅</ins></div>" in content
    assert "<div><b>decimal places</b>: <del>2</del> → <ins>3</ins></div>" in content
    assert "<td class=\"wrap\">90 days overdue</td>" in content


def test_entries_show_local_time_user_and_a_link_to_the_customer(web, trail):
    content = web.get("/audit/", {"actor": "li.analyst"}).content.decode()
    assert "<td>11/03/2026 12:30 a.m.</td><td>li.analyst</td><td>Contact added</td>" in content
    assert f'<a href="/customers/{trail["a"].pk}/">Li Lei</a>' in content


def test_the_filters_are_shown_again(web, trail):
    content = web.get("/audit/", {"actor": "li.analyst", "date_from": "2026-11-03"}).content.decode()
    assert 'name="actor" value="li.analyst"' in content
    assert 'name="date_from" value="2026-11-03"' in content


def test_paging_keeps_the_filters(web, trail, auditor):
    customer = trail["a"]
    for n in range(60):
        record_audit(auditor, "customer.update", customer, {"payment_terms_days": [n, n + 1]})
    response = web.get("/audit/", {"customer": customer.pk})
    assert len(response.context["entries"].object_list) == 50
    assert f'href="?customer={customer.pk}&page=2"' in response.content.decode()
    second = web.get("/audit/", {"customer": customer.pk, "page": 2})
    assert [e.pk for e in second.context["entries"].object_list][-2:] == ids(trail, "new_contact", "on_hold")
    assert len(second.context["entries"].object_list) == 12
