"""Daily exchange rates: read by everyone, written by finance or a rates feed."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Query, Router, Schema, Status

from creditdesk.core.api import Page, PageParams, paginate
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest
from creditdesk.currencies.models import ExchangeRate
from creditdesk.currencies.selectors import convert, rate_history
from creditdesk.currencies.services import set_exchange_rate

router = Router(tags=["currencies"])


class RateIn(Schema):
    currency: str
    rate_date: dt.date
    rate: Decimal
    source: str = ""


class RateOut(Schema):
    currency: str
    rate_date: dt.date
    rate: Decimal
    source: str

    @staticmethod
    def resolve_currency(rate: ExchangeRate) -> str:
        return rate.currency_id



class ConversionOut(Schema):
    amount: Decimal
    from_currency: str
    to_currency: str
    on: dt.date
    result: Decimal


@router.get("/", response=Page[RateOut])
def list_rates(request: AuthedRequest, page: Query[PageParams], currency: str = "") -> dict[str, Any]:
    require(request.user, "currencies.view_exchangerate")
    return paginate(rate_history(currency.upper()), page)


@router.post("/", response={201: RateOut})
def post_rate(request: AuthedRequest, payload: RateIn) -> Status[ExchangeRate]:
    rate = set_exchange_rate(request.user, payload.currency.upper(), payload.rate_date, payload.rate, payload.source)
    return Status(201, rate)


@router.get("/convert", response=ConversionOut)
def convert_amount(request: AuthedRequest, amount: Decimal, from_currency: str, to_currency: str,
                   on: dt.date) -> dict[str, Any]:
    require(request.user, "currencies.view_exchangerate")
    result = convert(amount, from_currency.upper(), to_currency.upper(), on)
    return {"amount": amount, "from_currency": from_currency.upper(), "to_currency": to_currency.upper(),
            "on": on, "result": result}
