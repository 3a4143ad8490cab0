"""Statement of account (对账单): what one customer owes us as of a day, as a PDF in the customer's language.

Open invoices, unallocated payments and credit notes are counted as they stood on the statement date (the
allocations made by then and not reversed by then, as `aging.open_as_of` counts them), so a statement for
a past day shows what the customer would have seen that day, and its aging summary agrees with `aging()`.
Cancelled invoices are left out. Amounts and dates are printed in one fixed form (1,234.56 and 2026-11-30)
whatever the language.
"""

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import weasyprint
from django.conf import settings
from django.db.models import QuerySet
from django.template import Engine
from django.utils import translation

from creditdesk.customers.choices import Language
from creditdesk.customers.models import Customer
from creditdesk.receivables.aging import Aging, Bucket, aging, buckets, open_as_of
from creditdesk.receivables.models import CreditNote, Invoice, InvoiceStatus, Payment
from creditdesk.receivables.selectors import allocated_sum, allocations_as_of, difference

TEMPLATE = "receivables/statement.html"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

@functools.cache
def engine() -> Engine:
    """Django templates with the project's `money` filter; a PDF has no request, so no context processors either."""
    return Engine(app_dirs=True, libraries={"i18n": "django.templatetags.i18n",
                                            "creditdesk": "creditdesk.core.templatetags.creditdesk"})


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice as the statement lists it: what was still open on the day, and how late it was."""

    currency: str
    number: str
    invoice_date: dt.date
    due_date: dt.date
    days_overdue: int
    gross: Decimal
    open_amount: Decimal
    disputed: bool


@dataclass(frozen=True)
class OpenCredit:
    """A payment or credit note with money not yet set against an invoice."""

    currency: str
    kind: str  # "payment" or "credit_note"; the template words it in the customer's language
    reference: str
    date: dt.date
    amount: Decimal
    unallocated: Decimal


@dataclass(frozen=True)
class CurrencySection:
    """Everything in one currency: amounts in different currencies are never added up."""

    currency: str
    invoices: list[OpenInvoice]
    credits: list[OpenCredit]
    aging: Aging | None
    plan: list[Bucket]

    @property
    def open_total(self) -> Decimal:
        return sum((i.open_amount for i in self.invoices), ZERO)

    @property
    def overdue_total(self) -> Decimal:
        return sum((i.open_amount for i in self.invoices if i.days_overdue > 0), ZERO)

    @property
    def credit_total(self) -> Decimal:
        return sum((c.unallocated for c in self.credits), ZERO)

    @property
    def balance(self) -> Decimal:
        """Open invoices − unallocated payments and credit notes: what the customer still has to pay."""
        return self.open_total - self.credit_total

    @property
    def aging_amounts(self) -> list[Decimal]:
        """The aging row in bucket order, for a table whose columns are the buckets."""
        return [self.aging.amounts[b.key] for b in self.plan] if self.aging else []


def invoice_lines(invoices: QuerySet[Invoice], as_of: dt.date) -> list[OpenInvoice]:
    """Invoices with something open on `as_of`, oldest due first; fully settled ones have nothing to show."""
    rows: Any = open_as_of(invoices, as_of)  # annotated with open_then, which the ORM's types do not know
    rows = rows.filter(open_then__gt=0).order_by("due_date", "number", "pk")
    return [OpenInvoice(currency=i.currency_id, number=i.number, invoice_date=i.invoice_date, due_date=i.due_date,
                        days_overdue=max((as_of - i.due_date).days, 0), gross=i.gross_amount,
                        open_amount=i.open_then.quantize(CENT), disputed=i.disputed) for i in rows]


def credit_lines(customer: Customer, as_of: dt.date) -> list[OpenCredit]:
    """Payments received and credit notes issued by `as_of` with something left to allocate on that day."""
    counted = allocations_as_of(as_of)
    payments = (Payment.objects.filter(customer=customer, received_on__lte=as_of)
                .annotate(settled=allocated_sum("payment", counted))
                .annotate(left=difference("amount", "settled")).filter(left__gt=0))
    notes = (CreditNote.objects.filter(customer=customer, issued_on__lte=as_of)
             .annotate(settled=allocated_sum("credit_note", counted))
             .annotate(left=difference("amount", "settled")).filter(left__gt=0))
    lines = [OpenCredit(p.currency_id, "payment", p.bank_reference, p.received_on, p.amount, p.left.quantize(CENT))
             for p in payments]
    lines += [OpenCredit(n.currency_id, "credit_note", n.number, n.issued_on, n.amount, n.left.quantize(CENT))
              for n in notes]
    return sorted(lines, key=lambda line: (line.date, line.kind, line.reference))


def customer_names(customer: Customer) -> list[str]:
    """The name the reader knows first (the Chinese one for a Chinese reader), then the other if different."""
    names = [customer.name, customer.local_name]
    if customer.language != Language.EN:
        names.reverse()
    return list(dict.fromkeys(name for name in names if name))


def statement_context(customer: Customer, as_of: dt.date) -> dict[str, Any]:
    """What the statement shows, as data: one section per currency, the customer's own currency first."""
    invoices = Invoice.objects.filter(customer=customer).exclude(status=InvoiceStatus.CANCELLED)
    open_items = invoice_lines(invoices, as_of)
    credits = credit_lines(customer, as_of)
    by_currency = {row.currency: row for row in aging(invoices, as_of)}
    plan = buckets()
    currencies = sorted({i.currency for i in open_items} | {c.currency for c in credits},
                        key=lambda code: (code != customer.currency_id, code))
    sections = [CurrencySection(currency=code, invoices=[i for i in open_items if i.currency == code],
                                credits=[c for c in credits if c.currency == code],
                                aging=by_currency.get(code), plan=plan) for code in currencies]
    return {
        "company": getattr(settings, "CREDITDESK_COMPANY_NAME", "CreditDesk"),
        "customer": customer,
        "names": customer_names(customer),
        "as_of": as_of,
        "language": customer.language,
        "sections": sections,
        "buckets": plan,
        "aged_sections": [section for section in sections if section.aging],
        "overdue": any(section.overdue_total > 0 for section in sections),
    }


def statement_html(customer: Customer, as_of: dt.date) -> str:
    """The statement as HTML, every label in the customer's correspondence language."""
    with translation.override(customer.language):
        return engine().render_to_string(TEMPLATE, statement_context(customer, as_of))


def statement_pdf(customer: Customer, as_of: dt.date) -> bytes:
    """The statement as an A4 PDF; nothing is fetched while rendering, the page is self-contained."""
    no_fetching = weasyprint.URLFetcher(allowed_protocols=())
    return weasyprint.HTML(string=statement_html(customer, as_of), url_fetcher=no_fetching).write_pdf()
