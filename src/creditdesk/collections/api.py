"""Promises to pay over the API (`/api/collections/promises/`): list them and record one.

Reads are scoped to the customers the caller may see (a customer they may not see is 404, as if it did not
exist) and need `collections.view_promisetopay`; recording goes through the audited service, which refuses a
caller without `collections.add_promisetopay` (403) and explains a wrong amount or day (422). Money is a string
to the cent with its currency beside it; dates are ISO 8601.
"""

import datetime as dt
from typing import Any

from ninja import Query, Router, Schema, Status
from pydantic import Field

from creditdesk.collections.models import PromiseStatus, PromiseToPay
from creditdesk.collections.selectors import visible_promises
from creditdesk.collections.services import record_promise
from creditdesk.core.api import Body, Day, Id, Money, MoneyIn, Page, PageParams, column_text, paginate
from creditdesk.core.bounds import NO_CONTROL_CHARACTERS
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest
from creditdesk.customers.selectors import get_customer

router = Router(tags=["collections"])


class PromiseOut(Schema):
    """A promise with its judgement: open until the day after `promised_for`, then kept or broken."""

    id: int
    customer_id: int
    amount: Money
    currency: str
    promised_for: dt.date
    status: str
    judged_on: dt.date | None
    note: str
    recorded_by: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_currency(promise: PromiseToPay) -> str:
        return promise.currency_id

    @staticmethod
    def resolve_recorded_by(promise: PromiseToPay) -> str:
        return promise.recorded_by.get_username()


class PromiseIn(Body):
    customer: Id = Field(description="the customer's id")
    amount: MoneyIn = Field(description="more than zero")
    currency: str = Field("", max_length=3, pattern=NO_CONTROL_CHARACTERS,
                          description="ISO code; the customer's invoicing currency when left out")
    promised_for: Day
    note: str = column_text(PromiseToPay, "note", default="")


class PromiseQuery(Schema):
    customer: Id | None = Field(None, description="only this customer's promises")
    status: PromiseStatus | None = None


@router.get("/promises/", response=Page[PromiseOut])
def list_promises(request: AuthedRequest, filters: Query[PromiseQuery], page: Query[PageParams]) -> dict[str, Any]:
    """Promises to pay of the customers the caller may see, newest first."""
    require(request.user, "collections.view_promisetopay")
    promises = visible_promises(request.user)
    if filters.customer is not None:
        promises = promises.filter(customer=get_customer(request.user, filters.customer))
    if filters.status:
        promises = promises.filter(status=filters.status)
    return paginate(promises, page)


@router.post("/promises/", response={201: PromiseOut})
def create_promise(request: AuthedRequest, payload: PromiseIn) -> Status[PromiseToPay]:
    """Record what a customer promised to pay and by when; it is judged the day after that day."""
    customer = get_customer(request.user, payload.customer)
    return Status(201, record_promise(request.user, customer, payload.amount, payload.currency,
                                      payload.promised_for, payload.note))
