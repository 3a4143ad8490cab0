"""Credit limits (`/api/limits`: request, approve, reject, withdraw, inbox, reviews) and the order credit check
for the ERP (`POST /api/credit-checks`, then ship, invoice or cancel; a credit manager releases or rejects a
blocked one; an analyst notes one approved to watch).

The answer names the decision (approved, watch, blocked), every reason with its code and a text in the
caller's language, and the limit, exposure and available credit in the functional currency.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from creditdesk.core.api import Body, Day, Id, Money, MoneyIn, Page, PageParams, column_text, paginate, text
from creditdesk.core.bounds import SHORT_TEXT, as_id
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest
from creditdesk.currencies.selectors import functional_currency
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import visible_customers
from creditdesk.limits.authority import progress_of
from creditdesk.limits.checks import check_order, reason_text
from creditdesk.limits.fulfilment import cancel_check, invoice_check, ship_check
from creditdesk.limits.models import CreditCheck, CreditLimit, LimitApproval
from creditdesk.limits.overrides import note_watch, reject_check, release_check
from creditdesk.limits.selectors import approvals_inbox, review_queue, visible_checks, watch_list
from creditdesk.limits.services import approve_limit, reject_limit, request_limit, withdraw_limit

router = Router(tags=["credit checks"])


def customer_reference() -> Any:
    """The customer as the ERP names it; no reference is longer than an external id."""
    return column_text(Customer, "external_id", min_length=1,
                       description="the customer's id, external id or customer number")


class CheckIn(Body):
    customer: str = customer_reference()
    order_reference: str = column_text(CreditCheck, "order_reference", min_length=1)
    amount: MoneyIn = Field(gt=0)
    currency: str = text(3, default="", description="ISO code; the customer's invoicing currency when left out")
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
    point: str = Field(description="where the latest decision was taken: order, shipment or invoice")
    pending_amount: Money | None = Field(description="the shipment or invoice a blocked check holds back")
    shipped: Money
    invoiced: Money
    override_reason: str
    noted: bool = Field(description="an order approved to watch has been seen by the analyst")


class MoveIn(Body):
    amount: MoneyIn | None = Field(None, gt=0, description="in the order's currency; all that is left when left out")


class ReasonIn(Body):
    reason: str = text(SHORT_TEXT, min_length=1)
    valid_until: Day | None = None


class CheckQuery(Schema):
    status: str = column_text(CreditCheck, "status", default="")
    watch: bool = False


def answer(check: CreditCheck) -> dict[str, Any]:
    order = check.order
    return {"id": check.pk, "customer_id": check.customer_id, "order_reference": check.order_reference,
            "amount": check.amount, "currency": check.currency_id, "decision": check.decision,
            "status": check.status, "reasons": [{"code": r["code"], "text": reason_text(r)} for r in check.reasons],
            "limit": check.limit_amount, "exposure": check.exposure, "available": check.available,
            "functional_currency": functional_currency(), "point": check.point,
            "pending_amount": check.pending_amount, "override_reason": check.override_reason,
            "shipped": order.shipped_amount if order else Decimal(0),
            "invoiced": order.invoiced_amount if order else Decimal(0), "noted": check.noted_at is not None}


def find_customer(request: AuthedRequest, reference: str) -> Customer:
    """By id, external id or customer number, among the customers the caller may see."""
    visible, pk = visible_customers(request.user), as_id(reference)
    found = (visible.filter(pk=pk).first() if pk is not None else None) or visible.filter(
        external_id=reference).first() or visible.filter(code=reference).first()
    if found is None:
        raise Http404("no such customer")
    return found


def visible_check(request: AuthedRequest, check_id: Id) -> CreditCheck:
    require(request.user, "limits.view_creditcheck")
    return get_object_or_404(visible_checks(request.user), pk=check_id)


@router.post("/", response=CheckOut)
def credit_check(request: AuthedRequest, payload: CheckIn) -> dict[str, Any]:
    """Decide an order: approved (reserved), approved to watch, or blocked with the reasons."""
    customer = find_customer(request, payload.customer)
    currency = payload.currency.upper() or customer.currency_id
    return answer(check_order(request.user, customer, payload.order_reference, payload.amount, currency,
                              payload.simulate))


@router.get("/", response=Page[CheckOut])
def list_checks(request: AuthedRequest, page: Query[PageParams], filters: Query[CheckQuery]) -> dict[str, Any]:
    """The checks of the customers the caller may see, newest first; `status=blocked` is the queue to decide,
    `watch=true` the open orders approved to watch that no analyst has noted yet."""
    require(request.user, "limits.view_creditcheck")
    checks = watch_list(request.user) if filters.watch else visible_checks(request.user)
    result = paginate(checks.filter(status=filters.status) if filters.status else checks, page)
    result["items"] = [answer(check) for check in result["items"]]
    return result


@router.get("/{check_id}", response=CheckOut)
def get_check(request: AuthedRequest, check_id: Id) -> dict[str, Any]:
    return answer(visible_check(request, check_id))


@router.post("/{check_id}/release", response=CheckOut)
def release(request: AuthedRequest, check_id: Id, payload: ReasonIn) -> dict[str, Any]:
    """Let a blocked order through: an override, with its reason and how long it holds."""
    return answer(release_check(request.user, visible_check(request, check_id), payload.reason, payload.valid_until))


@router.post("/{check_id}/reject", response=CheckOut)
def reject(request: AuthedRequest, check_id: Id, payload: ReasonIn) -> dict[str, Any]:
    return answer(reject_check(request.user, visible_check(request, check_id), payload.reason))


@router.post("/{check_id}/ship", response=CheckOut)
def ship(request: AuthedRequest, check_id: Id, payload: MoveIn) -> dict[str, Any]:
    """Goods leave (all or part): checked again where shipment is a check point; a blocked shipment waits."""
    return answer(ship_check(request.user, visible_check(request, check_id), payload.amount))


@router.post("/{check_id}/invoice", response=CheckOut)
def invoice(request: AuthedRequest, check_id: Id, payload: MoveIn) -> dict[str, Any]:
    """The order was invoiced (all or part): the invoice counts from now on instead of the reservation."""
    return answer(invoice_check(request.user, visible_check(request, check_id), payload.amount))


@router.post("/{check_id}/cancel", response=CheckOut)
def cancel(request: AuthedRequest, check_id: Id) -> dict[str, Any]:
    """The ERP cancelled the order: what is neither shipped nor invoiced no longer counts."""
    return answer(cancel_check(request.user, visible_check(request, check_id)))


@router.post("/{check_id}/note", response=CheckOut)
def note(request: AuthedRequest, check_id: Id) -> dict[str, Any]:
    """The analyst has seen an order approved to watch."""
    return answer(note_watch(request.user, visible_check(request, check_id)))


limits_router = Router(tags=["credit limits"])


class LimitIn(Body):
    customer: str = customer_reference()
    kind: str = column_text(CreditLimit, "kind", default="standard")
    amount: MoneyIn = Field(ge=0)
    currency: str = text(3, default="")
    valid_from: Day | None = Field(None, description="today when left out")
    valid_to: Day | None = None
    review_on: Day | None = None
    overdue_cap: MoneyIn | None = Field(None, ge=0, description="a sub-limit: orders stop once this much is overdue")
    justification: str = column_text(CreditLimit, "justification", min_length=1)


class ApprovalOut(Schema):
    approver: str
    role: str
    comment: str
    approved_at: dt.datetime


class LimitOut(Schema):
    id: int
    customer_id: int
    kind: str
    amount: Money
    currency: str
    valid_from: dt.date
    valid_to: dt.date | None
    review_on: dt.date | None
    overdue_cap: Money | None
    status: str
    justification: str
    requested_by: str
    approvals_required: int
    approver_roles: list[str]
    approval_rule: str = Field(description="any: that many different people, each holding one of the roles; "
                                           "each: one approval from every role named")
    approvals: list[ApprovalOut]
    approvals_waiting: int = Field(description="how many more approvals the rule asks for")
    roles_waiting: list[str] = Field(description="under each: the roles no approval has come from yet")
    approval_status: str = Field(description="the rule and what it still waits for, in the caller's language")
    end_reason: str


class CommentIn(Body):
    comment: str = column_text(LimitApproval, "comment", default="")


class LimitQuery(Schema):
    customer: str = column_text(Customer, "external_id", default="", description="id, external id or number")
    status: str = column_text(CreditLimit, "status", default="")


def limit_out(limit: CreditLimit) -> dict[str, Any]:
    progress = progress_of(limit)
    return {"id": limit.pk, "customer_id": limit.customer_id, "kind": limit.kind, "amount": limit.amount,
            "currency": limit.currency_id, "valid_from": limit.valid_from, "valid_to": limit.valid_to,
            "review_on": limit.review_on, "overdue_cap": limit.overdue_cap, "status": limit.status,
            "justification": limit.justification,
            "requested_by": limit.requested_by.get_username(), "approvals_required": limit.approvals_required,
            "approver_roles": progress.roles, "approval_rule": limit.approval_rule, "end_reason": limit.end_reason,
            "approvals": [{"approver": a.approver.get_username(), "role": a.role, "comment": a.comment,
                           "approved_at": a.approved_at} for a in limit.approvals.all()],
            "approvals_waiting": progress.approvals_waiting, "roles_waiting": progress.roles_waiting,
            "approval_status": progress.text()}


def visible_limit(request: AuthedRequest, limit_id: Id) -> CreditLimit:
    require(request.user, "limits.view_creditlimit")
    return get_object_or_404(CreditLimit.objects.filter(customer__in=visible_customers(request.user)), pk=limit_id)


def limit_page(limits: QuerySet[CreditLimit], page: PageParams) -> dict[str, Any]:
    result = paginate(limits.select_related("requested_by").prefetch_related("approvals__approver"), page)
    result["items"] = [limit_out(limit) for limit in result["items"]]
    return result


@limits_router.get("/", response=Page[LimitOut])
def list_limits(request: AuthedRequest, page: Query[PageParams], filters: Query[LimitQuery]) -> dict[str, Any]:
    """Limit history, newest first: of one customer, or of every customer the caller may see."""
    require(request.user, "limits.view_creditlimit")
    limits = CreditLimit.objects.filter(customer__in=visible_customers(request.user))
    if filters.customer:
        limits = limits.filter(customer=find_customer(request, filters.customer))
    return limit_page(limits.filter(status=filters.status) if filters.status else limits, page)


@limits_router.post("/", response={201: LimitOut})
def request_new_limit(request: AuthedRequest, payload: LimitIn) -> Status[dict[str, Any]]:
    """Ask for a limit; it waits for the approvals its amount's authority band needs."""
    customer = find_customer(request, payload.customer)
    data = payload.dict(exclude={"customer", "currency"})
    data["valid_from"] = payload.valid_from or timezone.localdate()
    data["currency_id"] = payload.currency.upper() or customer.currency_id
    return Status(201, limit_out(request_limit(request.user, customer, data)))


@limits_router.get("/inbox", response=Page[LimitOut])
def inbox(request: AuthedRequest, page: Query[PageParams]) -> dict[str, Any]:
    """The requests the caller may approve; under a band's "each" rule, only while the caller's role still waits."""
    return limit_page(approvals_inbox(request.user), page)


@limits_router.get("/reviews", response=Page[LimitOut])
def reviews(request: AuthedRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Limits in force due for review within 30 days."""
    require(request.user, "limits.view_creditlimit")
    return limit_page(review_queue(request.user, timezone.localdate()), page)


@limits_router.get("/{limit_id}", response=LimitOut)
def get_limit(request: AuthedRequest, limit_id: Id) -> dict[str, Any]:
    return limit_out(visible_limit(request, limit_id))


@limits_router.post("/{limit_id}/approve", response=LimitOut)
def approve(request: AuthedRequest, limit_id: Id, payload: CommentIn) -> dict[str, Any]:
    """One approval; never the requester's own, and only within the approver's authority."""
    return limit_out(approve_limit(request.user, visible_limit(request, limit_id), payload.comment))


@limits_router.post("/{limit_id}/reject", response=LimitOut)
def reject_request(request: AuthedRequest, limit_id: Id, payload: ReasonIn) -> dict[str, Any]:
    return limit_out(reject_limit(request.user, visible_limit(request, limit_id), payload.reason))


@limits_router.post("/{limit_id}/withdraw", response=LimitOut)
def withdraw(request: AuthedRequest, limit_id: Id, payload: ReasonIn) -> dict[str, Any]:
    return limit_out(withdraw_limit(request.user, visible_limit(request, limit_id), payload.reason))
