"""Daily exchange rates: read by everyone, written by finance or a rates feed."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Query, Router, Schema, Status
from pydantic import Field

from creditdesk.core.api import Body, Day, MoneyIn, Number, Page, PageParams, column_text, paginate, text
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest
from creditdesk.currencies.models import ExchangeRate
from creditdesk.currencies.selectors import convert, rate_history
from creditdesk.currencies.services import set_exchange_rate

router = Router(tags=["currencies"])
RATE = ExchangeRate._meta.get_field("rate")
RATE_CEILING = 10 ** (RATE.max_digits - RATE.decimal_places)  # type: ignore[union-attr]


class RateIn(Body):
    currency: str = text(3, min_length=3)
    rate_date: Day
    rate: Number = Field(gt=0, lt=RATE_CEILING, description="units of the functional currency for one unit of "
                         "`currency`; rounded to the column's places")
    source: str = column_text(ExchangeRate, "source", default="")


class RateOut(Schema):
    currency: str
    rate_date: dt.date
    rate: Decimal
    source: str

    @staticmethod
    def resolve_currency(rate: ExchangeRate) -> str:
        return rate.currency_id



class RateQuery(Schema):
    currency: str = text(3, default="")


class ConversionQuery(Schema):
    amount: MoneyIn
    from_currency: str = text(3, min_length=3)
    to_currency: str = text(3, min_length=3)
    on: Day


class ConversionOut(Schema):
    amount: Decimal
    from_currency: str
    to_currency: str
    on: dt.date
    result: Decimal


@router.get("/", response=Page[RateOut])
def list_rates(request: AuthedRequest, page: Query[PageParams], filters: Query[RateQuery]) -> dict[str, Any]:
    require(request.user, "currencies.view_exchangerate")
    return paginate(rate_history(filters.currency.upper()), page)


@router.post("/", response={201: RateOut})
def post_rate(request: AuthedRequest, payload: RateIn) -> Status[ExchangeRate]:
    rate = set_exchange_rate(request.user, payload.currency.upper(), payload.rate_date, payload.rate, payload.source)
    return Status(201, rate)


@router.get("/convert", response=ConversionOut)
def convert_amount(request: AuthedRequest, query: Query[ConversionQuery]) -> dict[str, Any]:
    require(request.user, "currencies.view_exchangerate")
    source, target = query.from_currency.upper(), query.to_currency.upper()
    return {"amount": query.amount, "from_currency": source, "to_currency": target, "on": query.on,
            "result": convert(query.amount, source, target, query.on)}
