"""Importing exchange rates from a bank's or treasury's file: currency, date, rate (and a source).

One rate per currency and day: a new day is created, a different rate for a known day replaces it
(audited with before and after), the same rate leaves it alone. Bad rows stop the whole file.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from creditdesk.audit.models import AuditEntry
from creditdesk.currencies.importers import ExchangeRateImport
from creditdesk.currencies.models import ExchangeRate
from creditdesk.currencies.services import set_exchange_rate
from creditdesk.imports.models import ImportStatus
from creditdesk.imports.services import run_import, stage_import
from creditdesk.testing.factories import UserFactory

DAY = dt.date(2026, 11, 27)


@pytest.fixture
def manager(db):
    return UserFactory(username="zhao.manager", role="credit_manager")


def rates() -> dict[tuple[str, dt.date], tuple[Decimal, str]]:
    return {(r.currency_id, r.rate_date): (r.rate, r.source) for r in ExchangeRate.objects.all()}


def errors_of(batch) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in batch.errors]


def rate_entries() -> list[tuple[str, str, dict]]:
    return [(e.action, e.object_repr, e.changes)
            for e in AuditEntry.objects.filter(action__startswith="exchange_rate.").order_by("id")]


def test_a_rates_file_creates_each_days_rate(manager):
    content = (b"currency,rate_date,rate,source\n"
               b"USD,2026-11-27,7.1234,PBOC central parity\n"
               b"eur,2026/11/27,7.8100,\n"
               b"USD,2026-11-26,7.1201,PBOC central parity\n")

    batch = run_import(manager, "rates", "rates.csv", content)

    assert (batch.status, batch.errors) == (ImportStatus.APPLIED, [])
    assert (batch.row_count, batch.created_count, batch.updated_count, batch.unchanged_count) == (3, 3, 0, 0)
    assert rates() == {
        ("USD", DAY): (Decimal("7.1234"), "PBOC central parity"),
        ("EUR", DAY): (Decimal("7.81"), f"Import #{batch.pk} rates.csv"),  # no source: the import says where
        ("USD", dt.date(2026, 11, 26)): (Decimal("7.1201"), "PBOC central parity"),
    }
    assert [action for action, _repr, _changes in rate_entries()] == ["exchange_rate.create"] * 3


def test_titles_in_either_language_are_accepted(manager):
    with translation.override("zh-hans"):
        titles = [str(ExchangeRateImport.columns[f]) for f in ("currency", "rate_date", "rate")]
    assert all(not title.isascii() for title in titles), titles
    content = (",".join(titles) + "\nUSD,2026年11月27日,7.1234\n").encode("gbk")

    batch = run_import(manager, "rates", "汇率.csv", content)

    assert (batch.status, batch.encoding) == (ImportStatus.APPLIED, "gb18030")
    assert rates() == {("USD", DAY): (Decimal("7.1234"), f"Import #{batch.pk} 汇率.csv")}


def test_english_titles_are_accepted(manager):
    content = b"Currency;Date;Rate\nJPY;27.11.2026;0,0470\nJPY;26.11.2026;0.0471\n"
    batch = run_import(manager, "rates", "rates.csv", content)

    assert errors_of(batch) == [(2, "rate", "“0,0470” is not a number.")]  # decimals use a point
    batch = run_import(manager, "rates", "rates.csv", b"Currency;Date;Rate\nJPY;27.11.2026;0.0470\n")
    assert rates() == {("JPY", DAY): (Decimal("0.047"), f"Import #{batch.pk} rates.csv")}


def test_a_different_rate_for_a_known_day_replaces_it_and_the_same_rate_changes_nothing(manager):
    set_exchange_rate(manager, "USD", DAY, "7.1234", "PBOC")
    set_exchange_rate(manager, "EUR", DAY, "7.8100", "PBOC")
    before = len(rate_entries())
    content = (b"currency,rate_date,rate,source\n"
               b"USD,2026-11-27,7.1300,PBOC revised\n"
               b"EUR,2026-11-27,7.81000,PBOC\n"
               b"GBP,2026-11-27,9.0512,PBOC\n")

    batch = run_import(manager, "rates", "rates.csv", content)

    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (1, 1, 1)
    assert rates() == {
        ("USD", DAY): (Decimal("7.13"), "PBOC revised"),
        ("EUR", DAY): (Decimal("7.81"), "PBOC"),
        ("GBP", DAY): (Decimal("9.0512"), "PBOC"),
    }
    assert [(action, changes) for action, _repr, changes in rate_entries()[before:]] == [
        ("exchange_rate.create", {"rate": [None, "9.0512000000"]}),
        ("exchange_rate.update", {"rate": ["7.1234000000", "7.1300000000"]}),
    ]


def test_importing_the_same_rates_file_twice_changes_nothing(manager):
    content = b"currency,rate_date,rate\nUSD,2026-11-27,7.1234\nEUR,2026-11-27,7.81\n"
    run_import(manager, "rates", "rates.csv", content)
    entries = len(rate_entries())

    again = run_import(manager, "rates", "rates.csv", content)

    assert (again.status, again.created_count, again.updated_count, again.unchanged_count) == (
        ImportStatus.APPLIED, 0, 0, 2)
    assert len(rate_entries()) == entries


BAD_RATES = [
    ("unknown currency", "XYZ,2026-11-27,7.1", "currency", "Unknown currency “XYZ”."),
    ("no currency", ",2026-11-27,7.1", "currency", "Unknown currency “”."),
    ("zero rate", "USD,2026-11-27,0", "rate", "An exchange rate must be greater than zero."),
    ("zero after rounding", "USD,2026-11-27,0.00000000001", "rate", "An exchange rate must be greater than zero."),
    ("negative rate", "USD,2026-11-27,-7.1", "rate", "An exchange rate must be greater than zero."),
    ("rate not a number", "USD,2026-11-27,seven", "rate", "“seven” is not a number."),
    ("rate too large", "USD,2026-11-27,12345678901", "rate", "“12345678901” is too large for an exchange rate."),
    ("no rate", "USD,2026-11-27,", "rate", "“” is not a number."),
    ("bad date", "USD,2026-02-30,7.1", "rate_date", "“2026-02-30” is not a date (use YYYY-MM-DD)."),
    ("no date", "USD,,7.1", "rate_date", "Required."),
    ("duplicate currency and day", "USD,2026-11-27,7.2", "rate_date", "Duplicate of row 2."),
    ("duplicate written differently", "usd,2026/11/27,7.1234", "rate_date", "Duplicate of row 2."),
]


@pytest.mark.parametrize(("line", "column", "message"), [b[1:] for b in BAD_RATES], ids=[b[0] for b in BAD_RATES])
def test_a_bad_rates_row_is_refused_and_nothing_is_written(manager, line, column, message):
    content = f"currency,rate_date,rate\nUSD,2026-11-27,7.1234\n{line}\nEUR,2026-11-27,7.81\n".encode()

    batch = run_import(manager, "rates", "rates.csv", content)

    assert errors_of(batch) == [(3, column, message)]
    assert batch.status == ImportStatus.INVALID
    assert rates() == {}
    assert rate_entries() == []


def test_a_rates_file_without_a_rate_column_is_refused(manager):
    batch = run_import(manager, "rates", "rates.csv", b"currency,rate_date\nUSD,2026-11-27\n")

    assert errors_of(batch) == [(1, "rate", "Required column is missing.")]


def test_staging_rates_writes_nothing(manager):
    batch = stage_import(manager, "rates", "rates.csv", b"currency,rate_date,rate\nUSD,2026-11-27,7.1234\n")

    assert (batch.status, batch.created_count) == (ImportStatus.STAGED, 1)
    assert rates() == {}


@pytest.mark.parametrize("role", ["credit_analyst", "sales", "auditor", "collector", "cfo"])
def test_only_people_who_set_rates_can_import_them(db, role):
    user = UserFactory(username=f"u_{role}", role=role)

    with pytest.raises(PermissionDenied):
        run_import(user, "rates", "rates.csv", b"currency,rate_date,rate\nUSD,2026-11-27,7.1234\n")

    assert rates() == {}


def test_an_admin_can_import_rates(db):
    admin = UserFactory(username="root", role="admin")

    batch = run_import(admin, "rates", "rates.csv", b"currency,rate_date,rate\nUSD,2026-11-27,7.1234\n")

    assert batch.status == ImportStatus.APPLIED


def test_a_rate_in_full_width_or_arabic_indic_digits_is_a_row_error(manager):
    content = "currency,rate_date,rate\nUSD,2026-11-27,７.１２３４\nEUR,2026-11-27,٧.٨١\n".encode()

    batch = run_import(manager, "rates", "rates.csv", content)

    assert errors_of(batch) == [(2, "rate", "“７.１２３４”: write numbers with the digits 0–9."),
                                (3, "rate", "“٧.٨١”: write numbers with the digits 0–9.")]
    assert rates() == {}


def test_a_rate_for_the_functional_currency_is_a_row_error(manager):
    batch = run_import(manager, "rates", "rates.csv", b"currency,rate_date,rate\nCNY,2026-11-30,1.5\n")
    assert (batch.status, batch.errors) == ("invalid", [
        {"row": 2, "column": "currency", "message": "CNY is the functional currency: its rate is always 1."}])


def test_a_rate_dated_more_than_a_year_ahead_is_a_row_error(manager):
    batch = run_import(manager, "rates", "rates.csv", b"currency,rate_date,rate\nUSD,2199-01-01,7.1\n")
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "rate_date")]
