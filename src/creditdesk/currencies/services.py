"""Writes about currencies: the known list and the daily exchange rates, audited."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from creditdesk.audit.services import record_audit
from creditdesk.core.fields import check_value
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor
from creditdesk.currencies.iso4217 import CURRENCIES
from creditdesk.currencies.models import Currency, ExchangeRate
from creditdesk.currencies.selectors import functional_currency


def ensure_currencies() -> None:
    """A new database knows the common ISO 4217 currencies without anyone typing them in."""
    Currency.objects.bulk_create(
        [Currency(code=code, name=name, minor_units=units) for code, name, units in CURRENCIES],
        ignore_conflicts=True,
    )


def parse_rate(value: object) -> Decimal:
    """A rate is a positive decimal; anything else is refused with a reason."""
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"rate": _("“%(value)s” is not a number.") % {"value": value}}) from None
    if not rate.is_finite() or rate <= 0:
        raise ValidationError({"rate": _("An exchange rate must be greater than zero.")})
    # Round to what the column keeps, so the audit trail and "unchanged" checks see the stored value,
    # and refuse what the column cannot hold instead of failing in the database.
    field = cast(models.DecimalField, ExchangeRate._meta.get_field("rate"))
    whole_digits = field.max_digits - field.decimal_places
    if rate.adjusted() < whole_digits:
        rate = rate.quantize(Decimal(1).scaleb(-field.decimal_places), rounding=ROUND_HALF_UP)
    if rate == 0:
        raise ValidationError({"rate": _("An exchange rate must be greater than zero.")})
    if rate.adjusted() >= whole_digits:
        raise ValidationError({"rate": _("“%(value)s” is too large for an exchange rate.") % {"value": value}})
    return rate


def check_rate_currency(currency: str) -> None:
    """The functional currency is worth 1 of itself by definition; a rate for it could only contradict that."""
    if currency == functional_currency():
        raise ValidationError({"currency": _("%(code)s is the functional currency: its rate is always 1.")
                               % {"code": currency}})


@transaction.atomic
def set_exchange_rate(
    actor: Actor, currency: str, rate_date: dt.date, rate: object, source: str = ""
) -> ExchangeRate:
    """Record the day's rate for a currency, replacing that day's earlier rate with an audit entry."""
    require(actor, "currencies.add_exchangerate")
    if not Currency.objects.filter(code=currency).exists():
        raise ValidationError({"currency": _("Unknown currency %(code)s.") % {"code": currency}})
    check_rate_currency(currency)
    check_value(ExchangeRate, "rate_date", rate_date)
    value = parse_rate(rate)
    existing = ExchangeRate.objects.select_for_update().filter(currency_id=currency, rate_date=rate_date).first()
    if existing is None:
        existing = ExchangeRate.objects.create(currency_id=currency, rate_date=rate_date, rate=value, source=source)
        record_audit(actor, "exchange_rate.create", existing, {"rate": [None, value]})
    elif existing.rate != value:
        before = existing.rate
        existing.rate, existing.source = value, source
        existing.save(update_fields=["rate", "source"])
        record_audit(actor, "exchange_rate.update", existing, {"rate": [before, value]})
    return existing
