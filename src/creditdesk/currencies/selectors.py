"""Conversion between currencies at a date's rate: the one helper every figure uses."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from creditdesk.currencies.models import Currency, ExchangeRate


class MissingExchangeRate(LookupError):
    """No rate is known for a currency on or before a date: never silently treat it as 1."""

    def __init__(self, currency: str, on: dt.date) -> None:
        self.currency, self.on = currency, on
        super().__init__(
            _("No exchange rate for %(currency)s on or before %(date)s.") % {"currency": currency, "date": on}
        )


def functional_currency() -> str:
    return settings.CREDITDESK_FUNCTIONAL_CURRENCY


def rate_on(currency: str, on: dt.date) -> Decimal:
    """Functional-currency units per unit of `currency`, using the latest rate on or before `on`."""
    if currency == functional_currency():
        return Decimal(1)
    rate = (
        ExchangeRate.objects.filter(currency_id=currency, rate_date__lte=on)
        .order_by("-rate_date")
        .values_list("rate", flat=True)
        .first()
    )
    if rate is None:
        raise MissingExchangeRate(currency, on)
    return rate


def minor_units(currency: str) -> int:
    units = Currency.objects.filter(code=currency).values_list("minor_units", flat=True).first()
    return 2 if units is None else units


def convert(amount: Decimal, from_currency: str, to_currency: str, on: dt.date) -> Decimal:
    """Convert through the functional currency and round half up to the target's decimal places."""
    if from_currency == to_currency:
        return amount
    value = amount * rate_on(from_currency, on) / rate_on(to_currency, on)
    return value.quantize(Decimal(1).scaleb(-minor_units(to_currency)), rounding=ROUND_HALF_UP)


def rate_history(currency: str = "") -> QuerySet[ExchangeRate]:
    """The rate table newest first, optionally for one currency."""
    rates = ExchangeRate.objects.order_by("-rate_date", "currency_id")
    return rates.filter(currency_id=currency) if currency else rates
