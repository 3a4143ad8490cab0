"""Receivables pages: a customer's receivables tab, the portfolio aging drilled down to items, the KPI dashboard,
and their Excel and PDF downloads. Thin views over the figures, portfolio, kpis and statement selectors.

A wrong date, bucket or filter in the query string is a 400 that says what is wrong; a missing exchange rate is
said on the page instead of the figures that need it.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest
from creditdesk.core.xlsx import xlsx_response
from creditdesk.currencies.selectors import MissingExchangeRate, functional_currency
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import get_customer, group_ids
from creditdesk.receivables import charts
from creditdesk.receivables.aging import Bucket, buckets
from creditdesk.receivables.figures import behaviour_windows, customer_figures, open_items, payment_history
from creditdesk.receivables.forms import AgingForm, AsOfForm, BucketForm, KpiForm, OpenItemsForm
from creditdesk.receivables.kpis import PeriodKpis, monthly_kpis
from creditdesk.receivables.portfolio import (
    aging_by_customer,
    bucket_items,
    customers_with_open_items,
    portfolio_aging,
    portfolio_invoices,
)
from creditdesk.receivables.statement import credit_lines, statement_pdf

PAGE_SIZE = 50
KPI_MONTHS = 24
AGING_MONTHS = 12
PERMISSION = "receivables.view_invoice"
TENTH = Decimal("0.1")


def carried(form: forms.Form, *dropped: str) -> QueryDict:
    """The filters the page was opened with (the date it used included), for links that keep them."""
    query = cast(QueryDict, form.data).copy()
    for name in ("page", "format", *dropped):
        query.pop(name, None)
    return query


def link(name: str, query: QueryDict, *args: object, **changes: str) -> str:
    """A page's address with the filters carried over and some changed, so a drill-down keeps the segment."""
    query = query.copy()
    for key, value in changes.items():
        query[key] = value
    return f"{reverse(name, args=args)}?{query.urlencode()}"


def share(amount: Decimal, total: Decimal) -> Decimal | None:
    """A bucket's part of the total in percent, to a tenth."""
    return (amount / total * 100).quantize(TENTH) if total else None


def amount_header(currency: str) -> str:
    """Column headers name the currency: an export read later must still say what the amounts are in."""
    return _("Amount (%(currency)s)") % {"currency": currency}


def bad_input(request: AuthedRequest, form: forms.Form) -> HttpResponse:
    """A download asked for with a wrong date or filter: say what is wrong instead of a file."""
    return render(request, "receivables/bad_input.html", {"form": form}, status=400)


# --- a customer's receivables tab -------------------------------------------------------------------------------

def customer_tab(request: AuthedRequest, customer: Customer) -> dict[str, Any]:
    """The context of the customer file's receivables tab; `status` is 400 when the date or a filter is wrong."""
    require(request.user, PERMISSION)
    form = OpenItemsForm(request.GET, customer)
    if not form.is_valid():
        return {"form": form, "status": 400}
    data = form.cleaned_data
    as_of, ids = data["as_of"], group_ids(request.user, customer) if data["group"] else [customer.pk]
    query = carried(form)
    items = open_items(ids, as_of, overdue_only=data["overdue"], currency=data["currency"]).select_related("customer")
    context: dict[str, Any] = {
        "form": form, "as_of": as_of, "query": query.urlencode(), "grouped": len(ids) > 1,
        "in_group": customer.parent_id is not None or customer.children.exists(),
        "items": Paginator(items, PAGE_SIZE).get_page(request.GET.get("page")),
        "credits": credit_lines(customer, as_of),
        "statement_url": link("receivables:statement", carried(form, "overdue", "currency"), customer.pk),
        "xlsx_url": link("receivables:open-items-xlsx", query, customer.pk),
    }
    try:
        figures = customer_figures(ids, as_of)
        history = payment_history(ids, as_of)
        behaviour = behaviour_windows(ids, as_of)
    except MissingExchangeRate as error:
        context["missing_rate"] = str(error)
        return context
    plan = buckets()
    context.update(
        figures=figures, behaviour=list(behaviour.values()),
        aging=[(bucket, figures.aging[bucket.key]) for bucket in plan],
        aging_chart=charts.serialise(charts.aging_chart(plan, figures.aging, figures.currency)),
        history_chart=charts.serialise(charts.payment_history_chart(history, figures.currency)),
    )
    return context


def open_items_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The tab's open items, with the tab's filters, as an Excel file."""
    require(request.user, PERMISSION)
    customer = get_customer(request.user, pk)
    form = OpenItemsForm(request.GET, customer)
    if not form.is_valid():
        return bad_input(request, form)
    data = form.cleaned_data
    ids = group_ids(request.user, customer) if data["group"] else [customer.pk]
    items: Any = open_items(ids, data["as_of"], overdue_only=data["overdue"], currency=data["currency"])
    headers = [_("Invoice number"), _("Invoice date"), _("Due date"), _("Days past due"), _("Currency"),
               _("Gross amount"), _("Open amount"), _("Disputed")]
    rows = ([i.number, i.invoice_date, i.due_date, i.days_past_due, i.currency_id, i.gross_amount, i.open_then,
             _("Yes") if i.disputed else ""] for i in items.iterator())
    return xlsx_response(f"open-items-{customer.code}-{data['as_of']}.xlsx", _("Open items"), headers, rows)


def statement(request: AuthedRequest, pk: int) -> HttpResponse:
    """The statement of account as a PDF download, as of `?as_of=` (today by default)."""
    require(request.user, PERMISSION)
    customer = get_customer(request.user, pk)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return bad_input(request, form)
    as_of = form.cleaned_data["as_of"]
    response = HttpResponse(statement_pdf(customer, as_of), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"statement-{customer.code}-{as_of}.pdf")
    return response


# --- portfolio aging, drilled down -------------------------------------------------------------------------------

def aging_report(request: AuthedRequest) -> HttpResponse:
    """The book's (or a segment's) aging by bucket on a day; each bucket opens the customers in it."""
    require(request.user, PERMISSION)
    form = AgingForm(request.GET, request.user)
    if not form.is_valid():
        return render(request, "receivables/aging.html", {"form": form}, status=400)
    as_of = form.cleaned_data["as_of"]
    invoices = portfolio_invoices(request.user, form.filters())
    try:
        report = portfolio_aging(invoices, as_of)
    except MissingExchangeRate as error:
        return render(request, "receivables/aging.html", {"form": form, "missing_rate": str(error)})
    if form.wants_xlsx():
        table = [[bucket.label, report.amounts[bucket.key]] for bucket in report.buckets]
        return xlsx_response(f"aging-{as_of}.xlsx", _("Aging"), [_("Bucket"), amount_header(report.currency)],
                             [*table, [_("Total"), report.total]])
    query = carried(form, "bucket")
    links = {bucket.key: link("receivables:aging-customers", query, bucket=bucket.key) for bucket in report.buckets}
    rows = [{"bucket": bucket, "amount": report.amounts[bucket.key], "url": links[bucket.key],
             "share": share(report.amounts[bucket.key], report.total)} for bucket in report.buckets]
    return render(request, "receivables/aging.html", {
        "form": form, "report": report, "rows": rows, "customers": customers_with_open_items(invoices, as_of),
        "chart": charts.serialise(charts.aging_chart(report.buckets, report.amounts, report.currency, links)),
        "all_url": link("receivables:aging-customers", query, bucket=""),
        "xlsx_url": link("receivables:aging", query, format="xlsx"),
    })


def chosen_bucket(form: BucketForm) -> Bucket | None:
    """The bucket asked for (the form has already refused unknown keys), or None for all of them."""
    key = form.cleaned_data["bucket"]
    return next((bucket for bucket in buckets() if bucket.key == key), None)


def aging_customers(request: AuthedRequest) -> HttpResponse:
    """The customers with money in one bucket (or in any), biggest first, with all their buckets."""
    require(request.user, PERMISSION)
    form = BucketForm(request.GET, request.user)
    if not form.is_valid():
        return render(request, "receivables/aging_customers.html", {"form": form}, status=400)
    as_of, bucket, plan = form.cleaned_data["as_of"], chosen_bucket(form), buckets()
    context: dict[str, Any] = {"form": form, "bucket": bucket, "plan": plan,
                               "back_url": link("receivables:aging", carried(form, "bucket"))}
    try:
        rows = aging_by_customer(portfolio_invoices(request.user, form.filters()), as_of, bucket.key if bucket else "")
        if form.wants_xlsx():
            headers = [_("Customer number"), _("Legal name"), _("Local-language name"),
                       *(b.label for b in plan), _("Total")]
            return xlsx_response(f"aging-customers-{as_of}.xlsx", _("Aging by customer"), headers, (
                [row["customer__code"], row["customer__name"], row["customer__local_name"],
                 *(row[b.key] for b in plan), row["total"]] for row in rows))
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    except MissingExchangeRate as error:
        return render(request, "receivables/aging_customers.html", {**context, "missing_rate": str(error)})
    query = carried(form)
    context.update(
        page=page, query=query.urlencode(), xlsx_url=link("receivables:aging-customers", query, format="xlsx"),
        rows=[{"code": row["customer__code"], "name": row["customer__local_name"] or row["customer__name"],
               "amounts": [row[b.key] for b in plan], "total": row["total"],
               "url": link("receivables:aging-items", query, row["customer_id"])} for row in page],
    )
    return render(request, "receivables/aging_customers.html", context)


def aging_items(request: AuthedRequest, pk: int) -> HttpResponse:
    """One customer's open items in a bucket (or all of them), oldest due first."""
    require(request.user, PERMISSION)
    customer = get_customer(request.user, pk)
    form = BucketForm(request.GET, request.user)
    if not form.is_valid():
        return render(request, "receivables/aging_items.html", {"form": form, "customer": customer}, status=400)
    as_of, bucket = form.cleaned_data["as_of"], chosen_bucket(form)
    context: dict[str, Any] = {"form": form, "customer": customer, "bucket": bucket, "as_of": as_of,
                               "back_url": link("receivables:aging-customers", carried(form))}
    invoices = portfolio_invoices(request.user, form.filters()).filter(customer=customer)
    try:
        items: Any = bucket_items(invoices, as_of, bucket.key if bucket else "")
        if form.wants_xlsx():
            headers = [_("Customer number"), _("Invoice number"), _("Invoice date"), _("Due date"), _("Days past due"),
                       _("Currency"), _("Open amount"), amount_header(functional_currency())]
            return xlsx_response(f"aging-items-{customer.code}-{as_of}.xlsx", _("Open items"), headers, (
                [customer.code, i.number, i.invoice_date, i.due_date, days_past_due(i.due_date, as_of), i.currency_id,
                 i.open_then, i.open_functional] for i in items.iterator()))
        page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    except MissingExchangeRate as error:
        return render(request, "receivables/aging_items.html", {**context, "missing_rate": str(error)})
    query = carried(form)
    context.update(page=page, query=query.urlencode(), currency=functional_currency(),
                   rows=[(item, days_past_due(item.due_date, as_of)) for item in page],
                   xlsx_url=link("receivables:aging-items", query, customer.pk, format="xlsx"))
    return render(request, "receivables/aging_items.html", context)


def days_past_due(due: dt.date, as_of: dt.date) -> int:
    """As the aging counts them: 0 until the due date has passed."""
    return max((as_of - due).days, 0)


# --- KPI dashboard -----------------------------------------------------------------------------------------------

def kpi_dashboard(request: AuthedRequest) -> HttpResponse:
    """24 months of DSO and friends, with the book's aging at the last 12 month ends, for a segment."""
    require(request.user, PERMISSION)
    form = KpiForm(request.GET, request.user)
    if not form.is_valid():
        return render(request, "receivables/kpis.html", {"form": form}, status=400)
    end = form.period_end()
    invoices = portfolio_invoices(request.user, form.filters())
    try:
        periods = monthly_kpis(invoices, end, KPI_MONTHS)
        if form.wants_xlsx():
            return xlsx_response(f"kpis-{end:%Y-%m}.xlsx", _("KPIs"), kpi_headers(), [kpi_row(p) for p in periods])
        agings = [portfolio_aging(invoices, period.period_end) for period in periods[-AGING_MONTHS:]]
    except MissingExchangeRate as error:
        return render(request, "receivables/kpis.html", {"form": form, "missing_rate": str(error)})
    return render(request, "receivables/kpis.html", {
        "form": form, "periods": list(reversed(periods)), "currency": periods[-1].currency,
        "trend_chart": charts.serialise(charts.kpi_trend_chart(periods)),
        "aging_chart": charts.serialise(charts.monthly_aging_chart(agings)),
        "xlsx_url": link("receivables:kpis", carried(form), format="xlsx"),
    })


def kpi_headers() -> list[str]:
    """The KPI table's columns, written out in full: the export is read without the page's explanations."""
    return [_("Month"), _("Period end"), _("AR"), _("Current AR"), _("Opening AR"), _("Credit sales"), _("DSO"),
            _("Count-back DSO"), _("Count-back DSO capped"), _("Best possible DSO"), _("Average days delinquent"),
            _("CEI (%)")]


def kpi_row(period: PeriodKpis) -> list[object]:
    """One month as the selector returned it: amounts stay Decimals, a ratio without a denominator stays empty."""
    return [period.period_start.strftime("%Y-%m"), period.period_end, period.ar, period.current_ar,
            period.opening_ar, period.credit_sales, period.dso, period.dso_count_back,
            _("Yes") if period.dso_count_back_capped else "", period.best_possible_dso,
            period.average_days_delinquent, period.cei]
