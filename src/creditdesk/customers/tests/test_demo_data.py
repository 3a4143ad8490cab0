"""The demo portfolio: valid codes, sound groups, the same data for the same seed, and a loader that works."""

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import Client

from creditdesk.audit.models import AuditEntry
from creditdesk.customers.choices import Industry
from creditdesk.customers.demo import (
    CHINESE_CITIES,
    COUNTRY_BY_CODE,
    DEMO_PASSWORD,
    DemoCustomer,
    generate_portfolio,
    org_code_check,
)
from creditdesk.customers.models import Communication, Contact, Customer
from creditdesk.customers.uscc import validate_uscc

TODAY = dt.date(2026, 11, 29)
EXPECTED_GROUPS = {
    "admin": ["admin"], "manager": ["credit_manager"], "analyst": ["credit_analyst"], "collector": ["collector"],
    "sales": ["sales"], "sales2": ["sales"], "cfo": ["cfo"], "auditor": ["auditor"],
}


@pytest.fixture(scope="module")
def portfolio() -> list[DemoCustomer]:
    return generate_portfolio(3000, 1, TODAY)


def load(customers: int = 200, seed: int = 1, **options: object) -> str:
    """The portfolio only: its ledger history has its own tests in receivables."""
    out = StringIO()
    call_command("demo_data", customers=customers, seed=seed, today=TODAY, stdout=out, history=False, **options)
    return out.getvalue()


def group_depth(code: str, parents: dict[str, str | None]) -> int:
    """Walk up to the root; a circle would be caught by revisiting a code."""
    seen = {code}
    depth = 0
    while (parent := parents[code]) is not None:
        assert parent not in seen, f"group cycle through {parent}"
        seen.add(parent)
        code, depth = parent, depth + 1
    return depth


def test_every_chinese_customer_has_a_valid_unique_uscc_from_a_real_division(portfolio):
    divisions = {code for city in CHINESE_CITIES.items for code in [city.division, *dict(city.districts)]}
    chinese = [c for c in portfolio if c.country == "CN"]
    for customer in chinese:
        validate_uscc(customer.uscc)
        assert customer.uscc[:2] == "91"
        assert customer.uscc[2:8] in divisions
        assert customer.uscc[16] == org_code_check(customer.uscc[8:16])
        assert customer.tax_number == customer.uscc
    assert len({c.uscc for c in chinese}) == len(chinese)
    assert all(c.uscc is None for c in portfolio if c.country != "CN")


def test_the_organisation_code_check_follows_gb_11714():
    assert org_code_check("D2143569") == "X"
    assert org_code_check("19220382") == "1"
    assert org_code_check("00000000") == "0"


def test_groups_never_form_a_circle_and_are_at_most_three_levels_deep(portfolio):
    parents = {c.code: c.parent_code for c in portfolio}
    depths = Counter(group_depth(code, parents) for code in parents)
    assert set(depths) == {0, 1, 2}
    assert 0.03 < (depths[1] + depths[2]) / len(portfolio) < 0.07
    assert all(c.parent_code < c.code for c in portfolio if c.parent_code)


def test_the_same_seed_gives_the_same_portfolio_and_another_seed_another():
    first = generate_portfolio(300, 7, TODAY)
    assert generate_portfolio(300, 7, TODAY) == first
    other = generate_portfolio(300, 8, TODAY)
    assert [c.name for c in other] != [c.name for c in first]
    later = generate_portfolio(300, 7, TODAY + dt.timedelta(days=30))
    assert [(c.code, c.name, c.uscc, c.parent_code) for c in later] == [
        (c.code, c.name, c.uscc, c.parent_code) for c in first
    ]


def test_the_first_customers_of_seed_1_stay_exactly_the_same():
    first, second, third = generate_portfolio(3, 1, TODAY)
    assert (first.code, first.external_id, first.name, first.local_name, first.uscc) == (
        "C000001", "ERP-000001", "Qingdao Kaifeng Trading Co., Ltd.", "青岛凯峰贸易有限公司", "91370200523192523W"
    )
    assert (second.code, second.name, second.local_name, second.country, second.currency, second.language) == (
        "C000002", "Geumchang Trading Co., Ltd.", "금창상사 주식회사", "KR", "KRW", "en"
    )
    assert (third.name, third.uscc, third.parent_code) == (
        "Tianjin Jufeng Food Co., Ltd.", "91120101MAGT7FXH08", None
    )


def test_the_portfolio_looks_like_a_real_one(portfolio):
    countries = Counter(c.country for c in portfolio)
    assert 0.15 < 1 - countries["CN"] / len(portfolio) < 0.25
    assert len(countries) == 13
    industries = Counter(c.industry for c in portfolio)
    assert set(industries) <= set(Industry.values)
    assert [industry for industry, _ in industries.most_common(2)] == ["C", "F"]
    assert {c.payment_terms_days for c in portfolio} == {30, 45, 60, 90}
    statuses = Counter(c.status for c in portfolio)
    assert statuses.most_common(1)[0][0] == "active"
    assert set(statuses) == {"active", "prospect", "on_hold", "blocked", "closed"}
    assert [c.code for c in portfolio[:3]] == ["C000001", "C000002", "C000003"]
    assert portfolio[-1].code == "C003000" and portfolio[-1].external_id == "ERP-003000"
    assert len({c.name for c in portfolio}) == len(portfolio)


def test_language_and_currency_follow_the_country(portfolio):
    for customer in portfolio:
        if customer.country == "CN":
            assert (customer.language, customer.currency) == ("zh-hans", "CNY")
            assert customer.local_name.endswith("有限公司")
        else:
            assert (customer.language, customer.currency) == ("en", COUNTRY_BY_CODE[customer.country].currency)
            assert customer.registration_number and customer.tax_number


def test_contacts_and_communications_are_plausible(portfolio):
    for customer in portfolio:
        assert 1 <= len(customer.contacts) <= 3
        assert [contact.is_primary for contact in customer.contacts].count(True) == 1
        assert customer.contacts[0].role == "finance"
        assert all(contact.email.endswith(".example.com") for contact in customer.contacts)
        assert 0 <= len(customer.communications) <= 4
        for note in customer.communications:
            assert TODAY - dt.timedelta(days=365) < note.occurred_on <= TODAY
            assert note.follow_up_on is None or note.follow_up_on > note.occurred_on
            assert customer.contacts[note.contact_index].name in note.summary
    kinds = Counter(note.kind for customer in portfolio for note in customer.communications)
    assert set(kinds) == {"call", "email", "visit", "meeting"}
    assert any(note.follow_up_on for customer in portfolio for note in customer.communications)


def test_the_command_loads_the_portfolio_the_users_and_one_audit_entry(db):
    output = load(200, seed=3)
    generated = generate_portfolio(200, 3, TODAY)
    assert "Loaded 200 customers" in output
    assert Customer.objects.count() == 200
    assert Contact.objects.count() == sum(len(c.contacts) for c in generated)
    assert Communication.objects.count() == sum(len(c.communications) for c in generated)
    assert not Communication.objects.exclude(contact__customer=F("customer")).exists()
    assert {u.username: [g.name for g in u.groups.all()] for u in User.objects.all()} == EXPECTED_GROUPS
    assert list(User.objects.filter(is_staff=True).values_list("username", flat=True)) == ["admin"]
    assert not User.objects.filter(is_superuser=True).exists()
    assert set(Customer.objects.values_list("owner__username", flat=True)) == {"sales", "sales2"}
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_id, entry.actor_name, entry.object_type, entry.object_repr) == (
        "demo_data.load", None, "system", "auth.user", "admin"
    )
    assert entry.changes == {"customers": [None, 200], "seed": [None, 3]}


def test_the_database_holds_exactly_what_the_generator_made(db):
    load(200, seed=5)
    loaded = sorted(Customer.objects.values_list("code", "name", "uscc", "parent__code", "owner__username"))
    expected = sorted((c.code, c.name, c.uscc, c.parent_code, c.owner) for c in generate_portfolio(200, 5, TODAY))
    assert loaded == expected


def test_the_demo_users_can_log_in(db):
    load(20)
    client = Client()
    for username in EXPECTED_GROUPS:
        assert client.login(username=username, password=DEMO_PASSWORD), username
        client.logout()


def test_if_empty_leaves_a_second_run_unchanged(db):
    load(200)
    before = (Customer.objects.count(), Contact.objects.count(), Communication.objects.count(),
              User.objects.count(), AuditEntry.objects.count())
    output = load(50, seed=2, if_empty=True)
    assert output == "Customers already exist; demo data not loaded.\n"
    assert before == (Customer.objects.count(), Contact.objects.count(), Communication.objects.count(),
                      User.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError, match="already exist"):
        load(50, seed=2)


def test_at_least_one_customer_is_required(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("demo_data", "--customers", "0")


def test_every_loaded_record_passes_full_clean(db):
    load(200, seed=9)
    for customer in Customer.objects.all():
        customer.full_clean()
    for contact in Contact.objects.all():
        contact.full_clean()
    for communication in Communication.objects.all():
        communication.full_clean()
