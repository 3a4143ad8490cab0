"""Every amount in another currency is converted at a known rate, exactly, and never at a made-up 1.0."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from creditdesk.audit.models import AuditEntry
from creditdesk.currencies.models import Currency, ExchangeRate
from creditdesk.currencies.selectors import (
    MissingExchangeRate,
    convert,
    functional_currency,
    minor_units,
    rate_on,
)
from creditdesk.currencies.services import parse_rate, set_exchange_rate
from creditdesk.testing.factories import UserFactory

JAN_2, JAN_5, JAN_10 = dt.date(2026, 1, 2), dt.date(2026, 1, 5), dt.date(2026, 1, 10)


def rate(currency: str, on: dt.date, value: str) -> None:
    ExchangeRate.objects.update_or_create(currency_id=currency, rate_date=on, defaults={"rate": Decimal(value)})


@pytest.fixture
def rates(db):
    """CNY per unit: the dollar moves from 7.1 to 7.2, the euro and the yen are known from 5 January."""
    rate("USD", JAN_2, "7.1")
    rate("USD", JAN_5, "7.2")
    rate("USD", JAN_10, "9.9")  # a later rate must not leak into earlier dates
    rate("EUR", JAN_5, "7.8")
    rate("JPY", JAN_5, "0.05")


# --- what the database knows ------------------------------------------------------------------------


def test_cny_is_the_functional_currency_by_default(db):
    assert functional_currency() == "CNY"


def test_a_new_database_knows_iso_currencies_with_their_decimal_places(db):
    assert Currency.objects.get(code="CNY").minor_units == 2
    assert Currency.objects.get(code="JPY").minor_units == 0
    assert minor_units("USD") == 2
    assert minor_units("KRW") == 0


# --- the rate of a date --------------------------------------------------------------------------


def test_the_functional_currency_is_worth_exactly_one(db):
    assert rate_on("CNY", JAN_2) == Decimal(1)


def test_the_latest_rate_on_or_before_the_date_is_used(rates):
    assert rate_on("USD", JAN_2) == Decimal("7.1")
    assert rate_on("USD", dt.date(2026, 1, 4)) == Decimal("7.1")
    assert rate_on("USD", JAN_5) == Decimal("7.2")
    assert rate_on("USD", dt.date(2026, 1, 9)) == Decimal("7.2")
    assert rate_on("USD", dt.date(2026, 12, 31)) == Decimal("9.9")


def test_converting_into_the_functional_currency_uses_the_days_rate(rates):
    assert convert(Decimal("100.00"), "USD", "CNY", dt.date(2026, 1, 4)) == Decimal("710.00")
    assert convert(Decimal("100.00"), "USD", "CNY", JAN_5) == Decimal("720.00")
    assert convert(Decimal("720.00"), "CNY", "USD", JAN_5) == Decimal("100.00")


def test_results_carry_exactly_the_targets_decimal_places(rates):
    assert str(convert(Decimal("100"), "USD", "CNY", JAN_5)) == "720.00"
    assert str(convert(Decimal("100"), "USD", "JPY", JAN_5)) == "14400"


# --- same currency ------------------------------------------------------------------------------


def test_the_same_currency_returns_the_amount_unchanged_even_without_rates(db):
    assert ExchangeRate.objects.count() == 0
    amount = Decimal("1234.5678")
    result = convert(amount, "USD", "USD", JAN_2)
    assert result == amount
    assert str(result) == "1234.5678"


# --- cross rates through the functional currency ----------------------------------------------------------


def test_cross_rates_go_through_the_functional_currency(rates):
    # 100 USD = 720 CNY = 92.307692… EUR
    assert convert(Decimal("100.00"), "USD", "EUR", JAN_5) == Decimal("92.31")
    # 100 EUR = 780 CNY = 108.333… USD
    assert convert(Decimal("100.00"), "EUR", "USD", JAN_5) == Decimal("108.33")


def test_yen_have_no_decimal_places(rates):
    # 1 USD = 7.2 CNY = 144 JPY; 1.234 USD = 177.696 JPY
    assert convert(Decimal("1.234"), "USD", "JPY", JAN_5) == Decimal("178")
    assert convert(Decimal("1000"), "JPY", "CNY", JAN_5) == Decimal("50.00")


@pytest.mark.parametrize(
    ("amount", "source", "target", "expected"),
    [
        ("0.025", "CNY", "JPY", "1"),  # 0.5 JPY rounds up, not to the even 0
        ("0.125", "CNY", "JPY", "3"),  # 2.5 JPY rounds up, not to the even 2
        ("-0.125", "CNY", "JPY", "-3"),  # half away from zero for credit notes too
        ("0.0249", "CNY", "JPY", "0"),
        ("0.3125", "CNY", "USD", "0.04"),  # 0.0434027… USD
    ],
)
def test_rounding_is_half_up_to_the_targets_minor_units(rates, amount, source, target, expected):
    assert convert(Decimal(amount), source, target, JAN_5) == Decimal(expected)


def test_exact_halves_in_two_decimal_currencies_round_up(db):
    rate("USD", JAN_5, "7.03")
    # 1.50 USD × 7.03 = 10.545 CNY: half up gives 10.55 where banker's rounding would give 10.54
    assert convert(Decimal("1.50"), "USD", "CNY", JAN_5) == Decimal("10.55")


def test_another_functional_currency_is_worth_one_and_rates_are_read_against_it(db, settings):
    settings.CREDITDESK_FUNCTIONAL_CURRENCY = "USD"
    rate("EUR", JAN_5, "1.08")  # USD per euro
    assert rate_on("USD", JAN_5) == Decimal(1)
    assert convert(Decimal("100.00"), "EUR", "USD", JAN_5) == Decimal("108.00")
    with pytest.raises(MissingExchangeRate):
        convert(Decimal("100.00"), "EUR", "CNY", JAN_5)


# --- missing rates -------------------------------------------------------------------------------


def test_a_missing_rate_is_an_error_naming_currency_and_date_never_one(rates):
    with pytest.raises(MissingExchangeRate) as caught:
        convert(Decimal("100.00"), "USD", "CNY", dt.date(2026, 1, 1))
    assert (caught.value.currency, caught.value.on) == ("USD", dt.date(2026, 1, 1))
    assert str(caught.value) == "No exchange rate for USD on or before 2026-01-01."


def test_a_missing_rate_for_the_target_currency_names_the_target(rates):
    with pytest.raises(MissingExchangeRate) as caught:
        convert(Decimal("100.00"), "USD", "GBP", JAN_5)
    assert str(caught.value) == "No exchange rate for GBP on or before 2026-01-05."


def test_a_rate_known_only_later_does_not_count(rates):
    with pytest.raises(MissingExchangeRate) as caught:
        convert(Decimal("1.00"), "EUR", "CNY", JAN_2)
    assert caught.value.currency == "EUR"


def test_a_missing_rate_is_a_lookup_error(db):
    assert issubclass(MissingExchangeRate, LookupError)


# --- recording rates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["collector", "sales", "credit_analyst", "auditor", "cfo"])
def test_only_holders_of_add_exchangerate_may_set_a_rate(db, role):
    user = UserFactory(role=role)
    with pytest.raises(PermissionDenied):
        set_exchange_rate(user, "USD", JAN_5, "7.2")
    assert ExchangeRate.objects.count() == 0


@pytest.mark.parametrize("role", ["credit_manager", "admin"])
def test_credit_managers_and_admins_may_set_a_rate(db, role):
    set_exchange_rate(UserFactory(role=role), "USD", JAN_5, "7.2")
    assert ExchangeRate.objects.get().rate == Decimal("7.2")


def test_an_unknown_currency_is_refused(manager):
    with pytest.raises(ValidationError) as caught:
        set_exchange_rate(manager, "XYZ", JAN_5, "7.2")
    assert caught.value.message_dict == {"currency": ["Unknown currency XYZ."]}


@pytest.mark.parametrize("value", ["0", "0.0000", "-7.2", Decimal("-0.01"), 0, "NaN", "Infinity", "-inf",
                                   "0.00000000004"])
def test_zero_negative_and_infinite_rates_are_refused(manager, value):
    with pytest.raises(ValidationError) as caught:
        set_exchange_rate(manager, "USD", JAN_5, value)
    assert caught.value.message_dict == {"rate": ["An exchange rate must be greater than zero."]}
    assert ExchangeRate.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("value", ["abc", "", "   ", "7,2", None, "1.2.3"])
def test_non_numeric_rates_are_refused(manager, value):
    with pytest.raises(ValidationError) as caught:
        set_exchange_rate(manager, "USD", JAN_5, value)
    assert caught.value.message_dict == {"rate": [f"“{value}” is not a number."]}
    assert ExchangeRate.objects.count() == 0


@pytest.mark.parametrize("value", ["10000000000", "1e15", "9999999999.99999999999"])
def test_rates_the_column_cannot_hold_are_refused(manager, value):
    with pytest.raises(ValidationError) as caught:
        set_exchange_rate(manager, "USD", JAN_5, value)
    assert caught.value.message_dict == {"rate": [f"“{value}” is too large for an exchange rate."]}
    assert ExchangeRate.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "parsed"),
    [(" 7.2 ", "7.2"), (7.1, "7.1"), (7, "7"), (Decimal("0.0465"), "0.0465"), ("7.12345678905", "7.1234567891"),
     ("9999999999.9999999999", "9999999999.9999999999")],
)
def test_rates_are_read_as_exact_decimals_rounded_to_ten_places(value, parsed):
    assert parse_rate(value) == Decimal(parsed)


def test_a_new_rate_is_stored_and_audited(manager):
    stored = set_exchange_rate(manager, "USD", JAN_5, "7.2", source="PBOC")
    stored.refresh_from_db()
    assert (stored.currency_id, stored.rate_date, stored.rate, stored.source) == ("USD", JAN_5, Decimal("7.2"), "PBOC")
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_type, entry.object_id) == (
        manager, "exchange_rate.create", "currencies.exchangerate", str(stored.pk)
    )
    assert entry.changes == {"rate": [None, "7.2000000000"]}


def test_setting_the_same_days_rate_again_replaces_it_with_before_and_after_audited(manager):
    first = set_exchange_rate(manager, "USD", JAN_5, "7.2", source="PBOC")
    second = set_exchange_rate(manager, "USD", JAN_5, "7.25", source="correction")
    assert second.pk == first.pk
    assert ExchangeRate.objects.count() == 1
    stored = ExchangeRate.objects.get()
    assert (stored.rate, stored.source) == (Decimal("7.25"), "correction")
    update = AuditEntry.objects.filter(action="exchange_rate.update").get()
    # Before and after are written as the column keeps them, with its ten decimal places.
    assert update.changes == {"rate": ["7.2000000000", "7.2500000000"]}
    assert update.object_id == str(first.pk)
    assert convert(Decimal("100.00"), "USD", "CNY", JAN_5) == Decimal("725.00")


def test_setting_the_same_rate_again_writes_nothing(manager):
    set_exchange_rate(manager, "USD", JAN_5, "7.2")
    set_exchange_rate(manager, "USD", JAN_5, "7.20")
    set_exchange_rate(manager, "USD", JAN_5, Decimal("7.2000000000"))
    assert AuditEntry.objects.count() == 1
    assert ExchangeRate.objects.count() == 1


def test_a_rate_with_more_places_than_the_column_is_audited_as_stored(manager):
    set_exchange_rate(manager, "USD", JAN_5, "7.12345678901")
    assert ExchangeRate.objects.get().rate == Decimal("7.1234567890")
    assert AuditEntry.objects.get().changes == {"rate": [None, "7.1234567890"]}
    set_exchange_rate(manager, "USD", JAN_5, "7.12345678901")
    assert AuditEntry.objects.count() == 1


def test_rates_of_other_days_are_kept_as_history(manager):
    set_exchange_rate(manager, "USD", JAN_2, "7.1")
    set_exchange_rate(manager, "USD", JAN_5, "7.2")
    assert list(ExchangeRate.objects.order_by("rate_date").values_list("rate_date", "rate")) == [
        (JAN_2, Decimal("7.1")), (JAN_5, Decimal("7.2"))
    ]


# --- round trips -------------------------------------------------------------------------------------

CURRENCY_UNITS = {"CNY": 2, "USD": 2, "EUR": 2, "JPY": 0, "KRW": 0}
currencies = st.sampled_from(sorted(CURRENCY_UNITS))
rate_values = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("5000"), places=4)
amount_cents = st.integers(min_value=-(10**12), max_value=10**12)


def unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-CURRENCY_UNITS[currency])


def set_rates(a: str, rate_a: Decimal, b: str, rate_b: Decimal) -> None:
    if a != "CNY":
        rate(a, JAN_5, str(rate_a))
    if b != "CNY":
        rate(b, JAN_5, str(rate_b))


round_trip = hypothesis_settings(
    deadline=None, max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@round_trip
@given(a=currencies, b=currencies, rate_a=rate_values, rate_b=rate_values, units=amount_cents)
def test_a_round_trip_into_a_finer_or_equal_currency_stays_within_one_minor_unit(db, a, b, rate_a, rate_b, units):
    rate_a = Decimal(1) if a == "CNY" else rate_a
    rate_b = Decimal(1) if b == "CNY" else rate_b
    if a == b:
        rate_b = rate_a
    # B's smallest coin is worth no more than A's, so rounding in B cannot lose more than half of A's.
    assume(unit(b) * rate_b <= unit(a) * rate_a)
    set_rates(a, rate_a, b, rate_b)
    amount = units * unit(a)
    back = convert(convert(amount, a, b, JAN_5), b, a, JAN_5)
    assert abs(back - amount) <= unit(a)


@round_trip
@given(a=currencies, b=currencies, rate_a=rate_values, rate_b=rate_values, units=amount_cents)
def test_a_round_trip_loses_at_most_half_a_minor_unit_of_each_currency(db, a, b, rate_a, rate_b, units):
    rate_a = Decimal(1) if a == "CNY" else rate_a
    rate_b = Decimal(1) if b == "CNY" else rate_b
    if a == b:
        rate_b = rate_a
    set_rates(a, rate_a, b, rate_b)
    amount = units * unit(a)
    back = convert(convert(amount, a, b, JAN_5), b, a, JAN_5)
    # Half of A's minor unit from the second rounding, plus half of B's minor unit carried back into A.
    assert abs(back - amount) <= unit(a) / 2 + unit(b) / 2 * rate_b / rate_a + Decimal("1e-18")


def test_a_round_trip_through_a_coarser_currency_can_lose_more_than_one_minor_unit(rates):
    # 100.02 CNY = 2000.4 JPY, and yen have no decimals: 2000 JPY comes back as 100.00 CNY.
    assert convert(Decimal("100.02"), "CNY", "JPY", JAN_5) == Decimal("2000")
    assert convert(Decimal("2000"), "JPY", "CNY", JAN_5) == Decimal("100.00")
