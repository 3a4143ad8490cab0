"""The left navigation, filtered by what the user may open."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

NAVIGATION = [
    ("home", _("Overview"), ""),
    ("customers:list", _("Customers"), "customers.view_customer"),
    ("receivables:aging", _("Receivables aging"), "receivables.view_invoice"),
    ("receivables:kpis", _("KPIs"), "receivables.view_invoice"),
    ("limits:approvals", _("Limit approvals"), "limits.approve_creditlimit"),
    ("limits:reviews", _("Limit reviews"), "limits.view_creditlimit"),
    ("limits:blocked-orders", _("Blocked orders"), "limits.view_creditcheck"),
    ("limits:watch", _("Orders to watch"), "limits.view_creditcheck"),
    ("assessment:overrides", _("Rating overrides"), "assessment.view_creditassessment"),
    ("assessment:scorecard", _("Scorecard"), "assessment.view_creditassessment"),
    ("imports:list", _("Imports"), "imports.view_importbatch"),
    ("currencies:rates", _("Exchange rates"), "currencies.view_exchangerate"),
    ("audit:list", _("Audit trail"), "audit.view_auditentry"),
    ("accounts:profile", _("My account"), ""),
    ("admin:index", _("Users and roles"), "accounts.manage_users"),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = [
        {"url": reverse(name), "label": label, "active": request.path.startswith(reverse(name))
         if name != "home" else request.path == "/"}
        for name, label, permission in NAVIGATION
        if not permission or user.has_perm(permission)
    ]
    return {"navigation": items}
