"""Ledger documents for tests, recorded through the receivables services so they are validated and audited."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User

from creditdesk.customers.models import Customer
from creditdesk.receivables.models import Invoice, Payment
from creditdesk.receivables.services import allocate, record_invoice, record_payment
from creditdesk.testing.factories import UserFactory


def bookkeeper() -> User:
    """The analyst who records the test ledger."""
    return UserFactory(username="ledger.analyst", role="credit_analyst")


def invoice(customer: Customer, number: str, gross: Decimal, issued: dt.date, *, due: dt.date,
            currency: str = "CNY") -> Invoice:
    """An invoice without tax, due on the day given."""
    return record_invoice(bookkeeper(), {
        "customer": customer, "number": number, "invoice_date": issued, "due_date": due, "currency_id": currency,
        "net_amount": gross, "tax_amount": Decimal("0.00"), "gross_amount": gross})


def payment(customer: Customer, external_id: str, amount: Decimal, received: dt.date, *,
            against: Invoice | None = None) -> Payment:
    """A payment received, allocated to an invoice when one is named, else left on account."""
    actor = bookkeeper()
    paid = record_payment(actor, {"customer": customer, "external_id": external_id, "received_on": received,
                                  "amount": amount, "currency_id": customer.currency_id})
    if against is not None:
        allocate(actor, against, paid, amount, on=received)
    return paid
