"""Credit file pages: thin views over the customers selectors and services."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from creditdesk.assessment.views import customer_tab as assessment_tab
from creditdesk.audit.selectors import AuditFilter, audit_entries
from creditdesk.core.forms import show_errors
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest
from creditdesk.customers import selectors, services
from creditdesk.customers.downloads import document_response
from creditdesk.customers.forms import (
    CommunicationForm,
    ContactForm,
    CustomerFilterForm,
    CustomerForm,
    DeleteDocumentForm,
    DocumentForm,
)
from creditdesk.customers.models import Customer
from creditdesk.limits.views import customer_tab as limits_tab
from creditdesk.receivables.views import customer_tab as receivables_tab

PAGE_SIZE = 50
TABS = ["overview", "contacts", "documents", "communications", "receivables", "limits", "assessment", "history"]


def customer_list(request: AuthedRequest) -> HttpResponse:
    require(request.user, "customers.view_customer")
    form = CustomerFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    filters = selectors.CustomerFilter(search=data.get("q", ""), status=data.get("status", ""),
                                       country=data.get("country", ""), industry=data.get("industry", ""),
                                       sort=data.get("sort") or "name")
    page = Paginator(selectors.customer_list(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    template = "customers/_table.html" if request.headers.get("HX-Request") else "customers/list.html"
    return render(request, template, {"form": form, "page": page, "sort": filters.sort, "query": query.urlencode()})


def save_customer(request: AuthedRequest, customer: Customer | None) -> HttpResponse:
    """One form for opening and changing a credit file."""
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            if customer is None:
                customer = services.create_customer(request.user, data, reason)
            else:
                customer = services.update_customer(request.user, customer, data, reason)
            messages.success(request, _("Saved."))
            return redirect("customers:detail", customer.pk)
        except ValidationError as error:
            show_errors(form, error)
    return render(request, "customers/form.html", {"form": form, "customer": customer})


def customer_create(request: AuthedRequest) -> HttpResponse:
    require(request.user, "customers.add_customer")
    return save_customer(request, None)


def customer_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    customer = selectors.get_customer(request.user, pk)
    require(request.user, "customers.change_customer")
    return save_customer(request, customer)


def customer_detail(request: AuthedRequest, pk: int, tab: str = "overview") -> HttpResponse:
    """The credit file with its tabs; HTMX swaps just the tab body."""
    customer = selectors.get_customer(request.user, pk)
    if tab not in TABS:
        raise Http404(_("The credit file has no tab “%(tab)s”.") % {"tab": tab})
    context: dict[str, Any] = {"customer": customer, "tab": tab, "tabs": TABS}
    context.update(tab_context(request, customer, tab))
    status = context.pop("status", 200)
    if request.headers.get("HX-Request"):
        return render(request, f"customers/tabs/{tab}.html", context, status=status)
    return render(request, "customers/detail.html", context, status=status)


def tab_context(request: AuthedRequest, customer: Customer, tab: str) -> dict[str, Any]:
    user = request.user
    if tab == "overview":
        return {"group": selectors.customer_group(customer)}
    if tab == "contacts":
        return {"contacts": selectors.customer_contacts(customer), "form": ContactForm()}
    if tab == "documents":
        return {"documents": selectors.customer_documents(user, customer), "form": DocumentForm()}
    if tab == "communications":
        return {"communications": selectors.customer_communications(customer)[:200],
                "form": CommunicationForm(customer=customer)}
    if tab == "receivables":
        return receivables_tab(request, customer)
    if tab == "limits":
        return limits_tab(request, customer)
    if tab == "assessment":
        return assessment_tab(request, customer)
    entries = audit_entries(AuditFilter(customer_id=customer.pk))
    return {"entries": Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))}


def tab_with_errors(request: AuthedRequest, customer: Customer, tab: str, form: Any,
                    form_name: str = "form") -> HttpResponse:
    """The tab again, with the form (under the name the tab gives it) as the user filled it in and what was wrong."""
    context = {"customer": customer, "tab": tab, "tabs": TABS, **tab_context(request, customer, tab), form_name: form}
    return render(request, "customers/detail.html", context, status=422)


def tab_redirect(customer: Customer, tab: str) -> HttpResponse:
    return redirect("customers:tab", customer.pk, tab)


def submit_on_tab(request: AuthedRequest, customer: Customer, tab: str, form: Any,
                  write: Callable[[dict[str, Any]], object], done: str = "", form_name: str = "form") -> HttpResponse:
    """A form posted from a tab: write through the service and go back to the tab, or show what was wrong."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
            if done:
                messages.success(request, done)
            return tab_redirect(customer, tab)
        except ValidationError as error:
            show_errors(form, error)
    return tab_with_errors(request, customer, tab, form, form_name)


@require_POST
def contact_add(request: AuthedRequest, pk: int) -> HttpResponse:
    customer = selectors.get_customer(request.user, pk)
    return submit_on_tab(request, customer, "contacts", ContactForm(request.POST),
                         lambda data: services.save_contact(request.user, customer, data))


def contact_edit(request: AuthedRequest, pk: int, contact_id: int) -> HttpResponse:
    customer = selectors.get_customer(request.user, pk)
    require(request.user, "customers.change_contact")
    contact = get_object_or_404(selectors.customer_contacts(customer), pk=contact_id)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_contact(request.user, customer, form.cleaned_data, contact=contact)
            return tab_redirect(customer, "contacts")
        except ValidationError as error:
            show_errors(form, error)
    return render(request, "customers/contact_form.html", {"customer": customer, "form": form})


@require_POST
def contact_delete(request: AuthedRequest, pk: int, contact_id: int) -> HttpResponse:
    customer = selectors.get_customer(request.user, pk)
    contact = selectors.customer_contacts(customer).filter(pk=contact_id).first()
    if contact is not None:
        services.delete_contact(request.user, contact, request.POST.get("reason", ""))
    return tab_redirect(customer, "contacts")


@require_POST
def document_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    customer = selectors.get_customer(request.user, pk)

    def upload(data: dict[str, Any]) -> object:
        details = {k: v for k, v in data.items() if k != "upload"}
        return services.upload_document(request.user, customer, data["upload"], details)

    return submit_on_tab(request, customer, "documents", DocumentForm(request.POST, request.FILES), upload,
                         _("Document uploaded."))


def document_download(request: AuthedRequest, pk: int, document_id: int) -> FileResponse:
    customer = selectors.get_customer(request.user, pk)
    return document_response(selectors.get_document(request.user, customer, document_id))


@require_POST
def document_delete(request: AuthedRequest, pk: int, document_id: int) -> HttpResponse:
    customer = selectors.get_customer(request.user, pk)
    document = selectors.get_document(request.user, customer, document_id)
    form = DeleteDocumentForm(request.POST)
    try:
        services.delete_document(request.user, document, form.data.get("reason", ""))
        messages.success(request, _("Document removed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return tab_redirect(customer, "documents")


@require_POST
def communication_add(request: AuthedRequest, pk: int) -> HttpResponse:
    customer = selectors.get_customer(request.user, pk)
    return submit_on_tab(request, customer, "communications", CommunicationForm(request.POST, customer=customer),
                         lambda data: services.log_communication(request.user, customer, data))
