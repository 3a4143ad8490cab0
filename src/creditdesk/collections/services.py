"""Writes about promises to pay: a collector records one, and the nightly job judges those whose day has passed.

The brief's Promise to pay (承诺付款): an amount and a day a customer commits to; kept or broken. A promise is
kept when the customer's payments in its currency, received from the day it was recorded up to and with the
promised day, add up to at least its amount; otherwise it is broken. Payments received before the promise was
made settled something else and do not count. Every step leaves an audit entry.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.audit.services import diff, record_audit, snapshot
from creditdesk.collections.models import PromiseStatus, PromiseToPay
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor
from creditdesk.customers.models import Customer
from creditdesk.receivables.models import Payment

CENT = Decimal("0.01")
PROMISE_FIELDS = ["customer", "amount", "currency", "promised_for", "note", "status"]


@transaction.atomic
def record_promise(actor: Actor, customer: Customer, amount: Decimal, currency: str, promised_for: dt.date,
                   note: str = "") -> PromiseToPay:
    """A customer's commitment as the collector heard it (in the customer's invoicing currency when none is given):
    open until the nightly job judges it."""
    require(actor, "collections.add_promisetopay")
    if amount <= 0:
        raise ValidationError({"amount": _("The promised amount must be more than zero.")})
    if promised_for < timezone.localdate():
        raise ValidationError({"promised_for": _("The promised day cannot be in the past.")})
    promise = PromiseToPay(customer=customer, amount=amount, currency_id=(currency or customer.currency_id).upper(),
                           promised_for=promised_for, note=(note or "").strip(), recorded_by=actor)
    promise.full_clean(exclude=["recorded_by"])
    promise.amount = promise.amount.quantize(CENT)  # "500" and "500.00" are audited alike
    promise.save()
    record_audit(actor, "promise.create", promise, diff({}, snapshot(promise, PROMISE_FIELDS)))
    return promise


def paid_towards(promise: PromiseToPay) -> Decimal:
    """The customer's payments in the promise's currency from the day it was recorded (local time) up to and with
    the promised day; summed here, exactly, not as SQLite's floats."""
    recorded_on = timezone.localdate(promise.recorded_at)
    amounts = Payment.objects.filter(customer_id=promise.customer_id, currency_id=promise.currency_id,
                                     received_on__gte=recorded_on, received_on__lte=promise.promised_for)
    return sum(amounts.values_list("amount", flat=True), Decimal("0.00"))


@transaction.atomic
def judge_promises(today: dt.date | None = None) -> dict[str, int]:
    """The daily job: every open promise whose day is over is judged kept or broken, by the system, audited."""
    day = today or timezone.localdate()
    due = list(PromiseToPay.objects.select_for_update(of=("self",)).select_related("customer")
               .filter(status=PromiseStatus.OPEN, promised_for__lt=day).order_by("promised_for", "id"))
    judged = {PromiseStatus.KEPT.value: 0, PromiseStatus.BROKEN.value: 0}
    for promise in due:
        paid = paid_towards(promise)
        status = PromiseStatus.KEPT if paid >= promise.amount else PromiseStatus.BROKEN
        promise.status, promise.judged_on = status, day
        promise.save(update_fields=["status", "judged_on"])
        record_audit(None, f"promise.{status}", promise,
                     {"status": [PromiseStatus.OPEN, status], "judged_on": [None, day]},
                     _("Paid %(paid)s of %(amount)s %(currency)s by %(date)s.") % {
                         "paid": paid, "amount": promise.amount, "currency": promise.currency_id,
                         "date": promise.promised_for})
        judged[status] += 1
    return judged
