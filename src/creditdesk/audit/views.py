"""The audit trail screen: filter by customer, user, action and date."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from creditdesk.audit.forms import AuditFilterForm
from creditdesk.audit.selectors import AuditFilter, audit_actions, audit_entries
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest


def audit_list(request: AuthedRequest) -> HttpResponse:
    require(request.user, "audit.view_auditentry")
    form = AuditFilterForm(request.GET, actions=audit_actions())
    form.is_valid()
    data = form.cleaned_data
    filters = AuditFilter(customer_id=data.get("customer"), actor=data.get("actor", ""),
                          action=data.get("action", ""), date_from=data.get("date_from"),
                          date_to=data.get("date_to"))
    entries = Paginator(audit_entries(filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/list.html", {"form": form, "entries": entries, "query": query.urlencode()})
