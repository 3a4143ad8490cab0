"""Limit pages: the customer file's limits tab, the approvals inbox, the review queue, the blocked-orders queue and
the analysts' list of orders approved to watch.

Thin views over the limits services, checks and selectors. A refusal from a service (maker ≠ checker, an
authority band, a missing reason) is said on the page the user came from; a missing permission is a 403.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from creditdesk.core.permissions import require
from creditdesk.core.templatetags.creditdesk import person
from creditdesk.core.types import AuthedRequest, Viewer
from creditdesk.core.xlsx import xlsx_response
from creditdesk.currencies.selectors import MissingExchangeRate, functional_currency
from creditdesk.customers.choices import CustomerStatus
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import get_customer, visible_customers
from creditdesk.limits import charts
from creditdesk.limits.checks import reason_text
from creditdesk.limits.forms import ApproveForm, BlockedFilterForm, LimitRequestForm, ReasonForm, ReleaseForm
from creditdesk.limits.models import CheckStatus, CreditCheck, CreditLimit, LimitStatus
from creditdesk.limits.overrides import note_watch, reject_check, release_check
from creditdesk.limits.selectors import (
    approvals_inbox,
    effective_limit,
    limit_history,
    limit_position,
    review_queue,
    visible_checks,
    watch_list,
)
from creditdesk.limits.services import approve_limit, place_hold, reject_limit, release_hold, request_limit
from creditdesk.receivables.charts import serialise
from creditdesk.receivables.figures import customer_figures

PAGE_SIZE = 50
VIEW, ADD, APPROVE = "limits.view_creditlimit", "limits.add_creditlimit", "limits.approve_creditlimit"
HOLD, VIEW_CHECKS, RELEASE = "limits.hold_customer", "limits.view_creditcheck", "limits.release_creditcheck"
TAB = "limits"


def refusal(error: ValidationError | PermissionDenied) -> str:
    """A service's refusal as one sentence for the page."""
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def took_effect(limit: CreditLimit) -> bool:
    """Approved at some point (and so in force for a while), as opposed to a request that never was."""
    if limit.status in (LimitStatus.APPROVED, LimitStatus.ACTIVE, LimitStatus.EXPIRED):
        return True
    return limit.status == LimitStatus.WITHDRAWN and limit.decided_at is not None


# --- the customer file's limits tab ------------------------------------------------------------------------------

def customer_tab(request: AuthedRequest, customer: Customer) -> dict[str, Any]:
    """The context of the limits tab: the limit in force against today's exposure, the history, open requests."""
    require(request.user, VIEW)
    today, home = timezone.localdate(), functional_currency()
    history = list(limit_history(customer))
    limit = effective_limit(customer, today)
    effective = [item for item in history if took_effect(item)]
    context: dict[str, Any] = {
        "limit": limit, "history": history, "home": home, "today": today,
        "open_requests": [item for item in history if item.status == LimitStatus.REQUESTED],
        "on_hold": customer.status == CustomerStatus.ON_HOLD,
        "form": LimitRequestForm(currency=customer.currency_id, today=today,
                                 amount=request.GET.get("amount", "")),
        "history_chart": serialise(charts.history_chart(effective, today)) if effective else "",
    }
    try:
        figures = customer_figures([customer.pk], today)
        position = limit_position(limit, figures.exposure, today)
    except MissingExchangeRate as error:
        context["missing_rate"] = str(error)
        return context
    percent = position.utilisation
    context.update(figures=figures, limit_home=position.limit_amount, utilisation=percent,
                   available=position.available,
                   gauge_chart=serialise(charts.gauge_chart(percent)) if percent is not None else "")
    return context


def tab_redirect(customer_id: int) -> HttpResponse:
    return redirect("customers:tab", customer_id, TAB)


@require_POST
def limit_request(request: AuthedRequest, pk: int) -> HttpResponse:
    """The tab's "Request a limit" form; what is wrong is shown on the tab beside the fields."""
    from creditdesk.customers.views import submit_on_tab  # the customers views import this module for the tab

    customer = get_customer(request.user, pk)
    require(request.user, ADD)
    form = LimitRequestForm(request.POST, currency=customer.currency_id)
    return submit_on_tab(request, customer, TAB, form, lambda data: request_limit(request.user, customer, data),
                         _("Limit requested; it now waits for approval."))


def visible_limit(user: Viewer, pk: int) -> CreditLimit:
    """A limit of a customer the user may see; any other is a 404, as if it did not exist."""
    return get_object_or_404(CreditLimit.objects.filter(customer__in=visible_customers(user)), pk=pk)


def back_from_limit(request: AuthedRequest, limit: CreditLimit) -> HttpResponse:
    """Back to the inbox when the decision was taken there, else to the customer's limits tab."""
    return redirect("limits:approvals") if request.POST.get("back") == "inbox" else tab_redirect(limit.customer_id)


@require_POST
def limit_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    limit = visible_limit(request.user, pk)
    require(request.user, APPROVE)
    form = ApproveForm(request.POST)
    form.is_valid()
    try:
        limit = approve_limit(request.user, limit, form.cleaned_data.get("comment", ""))
        messages.success(request, _("Approval recorded; the limit needs another approval.")
                         if limit.status == LimitStatus.REQUESTED
                         else _("Approved. The limit is now: %(status)s.") % {"status": limit.get_status_display()})
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal(error))
    return back_from_limit(request, limit)


@require_POST
def limit_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    limit = visible_limit(request.user, pk)
    require(request.user, APPROVE)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        reject_limit(request.user, limit, form.cleaned_data.get("reason", ""))
        messages.success(request, _("The limit request was rejected."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal(error))
    return back_from_limit(request, limit)


def set_hold(request: AuthedRequest, pk: int, hold: bool) -> HttpResponse:
    """Put the customer on credit hold or take it off, with the reason; a refusal is said on the tab."""
    customer = get_customer(request.user, pk)
    require(request.user, HOLD)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        (place_hold if hold else release_hold)(request.user, customer, form.cleaned_data.get("reason", ""))
        messages.success(request, _("The customer is on credit hold.") if hold
                         else _("The credit hold is released."))
    except ValidationError as error:
        messages.error(request, refusal(error))
    return tab_redirect(customer.pk)


@require_POST
def hold(request: AuthedRequest, pk: int) -> HttpResponse:
    return set_hold(request, pk, hold=True)


@require_POST
def release(request: AuthedRequest, pk: int) -> HttpResponse:
    return set_hold(request, pk, hold=False)


# --- approvals inbox and review queue ------------------------------------------------------------------------------

def approvals(request: AuthedRequest) -> HttpResponse:
    """The requests waiting for this user's approval, oldest first."""
    require(request.user, APPROVE)
    inbox = approvals_inbox(request.user).prefetch_related("approvals__approver")
    page = Paginator(inbox, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "limits/approvals.html", {"page": page})


def reviews(request: AuthedRequest) -> HttpResponse:
    """Limits in force whose review is due within the selector's window, or overdue."""
    require(request.user, VIEW)
    today = timezone.localdate()
    page = Paginator(review_queue(request.user, today), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "limits/reviews.html", {"page": page, "today": today})


# --- blocked orders ------------------------------------------------------------------------------------------------

def blocked_orders(request: AuthedRequest) -> HttpResponse:
    """The queue of blocked orders with their reasons; the released and rejected ones on request."""
    require(request.user, VIEW_CHECKS)
    form = BlockedFilterForm(request.GET)
    status = (form.cleaned_data.get("status") if form.is_valid() else "") or CheckStatus.BLOCKED
    checks = visible_checks(request.user).filter(status=status)
    if request.GET.get("format") == "xlsx":
        return checks_workbook(checks, status)
    page = Paginator(checks, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(check, [reason_text(reason) for reason in check.reasons]) for check in page]
    return render(request, "limits/blocked_orders.html", {
        "form": form, "page": page, "rows": rows, "status": status, "query": f"status={status}",
        "deciding": status == CheckStatus.BLOCKED and request.user.has_perm(RELEASE),
    })


def checks_workbook(checks: QuerySet[CreditCheck], status: str) -> HttpResponse:
    """The queue as a workbook; with the released ones it is the report of overrides: who, why, until when."""
    headers = [_("Checked at"), _("Customer number"), _("Customer"), _("Order reference"), _("Check point"),
               _("Amount"), _("Currency"), _("Exposure"), _("Limit"), _("Available"), _("Reasons"), _("Status"),
               _("Released or rejected by"), _("Reason"), _("Valid until")]
    rows = ([check.created_at, check.customer.code, check.customer.name, check.order_reference,
             check.get_point_display(), check.amount, check.currency_id, check.exposure, check.limit_amount,
             check.available, "; ".join(reason_text(reason) for reason in check.reasons), check.get_status_display(),
             person(check.override_by) if check.override_by else "", check.override_reason,
             check.override_expires_on] for check in checks.iterator(chunk_size=2000))
    return xlsx_response(f"credit-checks-{status}-{timezone.localdate()}.xlsx", _("Credit checks"), headers, rows)


def decide_check(request: AuthedRequest, pk: int, release: bool) -> HttpResponse:
    """Release or reject one blocked order; the service's refusal (no reason, already decided) is said on the queue."""
    check = get_object_or_404(visible_checks(request.user), pk=pk)
    require(request.user, RELEASE)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("limits:blocked-orders")
    reason = form.cleaned_data["reason"]
    try:
        if release:
            release_check(request.user, check, reason, form.cleaned_data["valid_until"])
            messages.success(request, _("Order %(order)s released.") % {"order": check.order_reference})
        else:
            reject_check(request.user, check, reason)
            messages.success(request, _("Order %(order)s rejected.") % {"order": check.order_reference})
    except ValidationError as error:
        messages.error(request, refusal(error))
    return redirect("limits:blocked-orders")


@require_POST
def check_release(request: AuthedRequest, pk: int) -> HttpResponse:
    return decide_check(request, pk, release=True)


@require_POST
def check_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    return decide_check(request, pk, release=False)


# --- orders approved to watch ------------------------------------------------------------------------------------

def watch(request: AuthedRequest) -> HttpResponse:
    """Open orders approved close to the limit and not yet noted; the user's own customers come first."""
    require(request.user, VIEW_CHECKS)
    page = Paginator(watch_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "limits/watch.html", {"page": page, "noting": request.user.has_perm(ADD)})


@require_POST
def check_note(request: AuthedRequest, pk: int) -> HttpResponse:
    check = get_object_or_404(visible_checks(request.user), pk=pk)
    try:
        note_watch(request.user, check)
        messages.success(request, _("Order %(order)s noted.") % {"order": check.order_reference})
    except ValidationError as error:
        messages.error(request, refusal(error))
    return redirect("limits:watch")
