"""The order credit check for the ERP: `POST /api/credit-checks`, then release, reject, cancel or invoice.

The answer names the decision (approved, watch, blocked), every reason with its code and a text in the
caller's language, and the limit, exposure and available credit in the functional currency.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from creditdesk.core.api import Money, Page, PageParams, paginate
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest
from creditdesk.currencies.selectors import functional_currency
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import visible_customers
from creditdesk.limits.checks import check_order, close_check, reason_text, reject_check, release_check
from creditdesk.limits.models import CheckStatus, CreditCheck

router = Router(tags=["credit checks"])


class CheckIn(Schema):
    customer: str = Field(description="the customer's id, external id or customer number")
    order_reference: str = Field(min_length=1, max_length=60)
    amount: Decimal = Field(gt=0, max_digits=18, decimal_places=2)
    currency: str = Field("", description="ISO code; the customer's invoicing currency when left out")
    simulate: bool = Field(False, description="answer without keeping or reserving anything (a quotation)")


class ReasonOut(Schema):
    code: str
    text: str


class CheckOut(Schema):
    id: int | None
    customer_id: int
    order_reference: str
    amount: Money
    currency: str
    decision: str
    status: str
    reasons: list[ReasonOut]
    limit: Money | None
    exposure: Money
    available: Money | None
    functional_currency: str
    override_reason: str


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=300)
    valid_until: dt.date | None = None


def answer(check: CreditCheck) -> dict[str, Any]:
    return {"id": check.pk, "customer_id": check.customer_id, "order_reference": check.order_reference,
            "amount": check.amount, "currency": check.currency_id, "decision": check.decision,
            "status": check.status, "reasons": [{"code": r["code"], "text": reason_text(r)} for r in check.reasons],
            "limit": check.limit_amount, "exposure": check.exposure, "available": check.available,
            "functional_currency": functional_currency(), "override_reason": check.override_reason}


def find_customer(request: AuthedRequest, reference: str) -> Customer:
    """By id, external id or customer number, among the customers the caller may see."""
    visible = visible_customers(request.user)
    found = (visible.filter(pk=int(reference)).first() if reference.isdigit() else None) or visible.filter(
        external_id=reference).first() or visible.filter(code=reference).first()
    if found is None:
        raise Http404("no such customer")
    return found


def visible_check(request: AuthedRequest, check_id: int) -> CreditCheck:
    require(request.user, "limits.view_creditcheck")
    return get_object_or_404(CreditCheck.objects.filter(customer__in=visible_customers(request.user)), pk=check_id)


@router.post("/", response=CheckOut)
def credit_check(request: AuthedRequest, payload: CheckIn) -> dict[str, Any]:
    """Decide an order: approved (reserved), approved to watch, or blocked with the reasons."""
    customer = find_customer(request, payload.customer)
    currency = payload.currency.upper() or customer.currency_id
    return answer(check_order(request.user, customer, payload.order_reference, payload.amount, currency,
                              payload.simulate))


@router.get("/", response=Page[CheckOut])
def list_checks(request: AuthedRequest, page: Query[PageParams], status: str = "") -> dict[str, Any]:
    """The checks of the customers the caller may see, newest first; `status=blocked` is the queue to decide."""
    require(request.user, "limits.view_creditcheck")
    checks = CreditCheck.objects.filter(customer__in=visible_customers(request.user))
    result = paginate(checks.filter(status=status) if status else checks, page)
    result["items"] = [answer(check) for check in result["items"]]
    return result


@router.get("/{check_id}", response=CheckOut)
def get_check(request: AuthedRequest, check_id: int) -> dict[str, Any]:
    return answer(visible_check(request, check_id))


@router.post("/{check_id}/release", response=CheckOut)
def release(request: AuthedRequest, check_id: int, payload: ReasonIn) -> dict[str, Any]:
    """Let a blocked order through: an override, with its reason and how long it holds."""
    return answer(release_check(request.user, visible_check(request, check_id), payload.reason, payload.valid_until))


@router.post("/{check_id}/reject", response=CheckOut)
def reject(request: AuthedRequest, check_id: int, payload: ReasonIn) -> dict[str, Any]:
    return answer(reject_check(request.user, visible_check(request, check_id), payload.reason))


@router.post("/{check_id}/cancel", response=CheckOut)
def cancel(request: AuthedRequest, check_id: int) -> dict[str, Any]:
    """The ERP cancelled the order: its reservation no longer counts."""
    return answer(close_check(request.user, visible_check(request, check_id), CheckStatus.CANCELLED))


@router.post("/{check_id}/invoice", response=CheckOut)
def invoice(request: AuthedRequest, check_id: int) -> dict[str, Any]:
    """The order was invoiced: the invoice counts in exposure from now on, not the reservation."""
    return answer(close_check(request.user, visible_check(request, check_id), CheckStatus.INVOICED))
