"""Demo promises to pay: what the collector heard from the customers that pay late over the last year.

Slow, disputing, deteriorating and defaulting payers (`receivables.demo.profile_of`) made one to three promises
each, on days drawn from the last year, each for a day one to three weeks later. Whether a promise is kept is
read from the demo ledger, as the nightly job reads it: a promise the payer's profile keeps asks for no more than
the customer then paid by the promised day; the others ask for an invoice's worth more. The promises are written
with `bulk_create` (one audit entry for the load) and judged by `judge_promises` on the demo's today, so the
broken ones feed the assessments as they would in use; the latest may still be open.
"""

import datetime as dt
import random
from decimal import ROUND_DOWN, Decimal

from django.contrib.auth.models import User
from django.db.models import Avg, F

from creditdesk.audit.services import record_audit
from creditdesk.collections.models import PromiseToPay
from creditdesk.collections.services import judge_promises, paid_towards
from creditdesk.customers.models import Customer
from creditdesk.receivables.demo import Profile, profile_of
from creditdesk.receivables.models import Invoice

PROMISES = {Profile.SLOW: (1, Decimal("0.8")), Profile.DISPUTING: (1, Decimal("0.6")),
            Profile.DETERIORATING: (2, Decimal("0.4")), Profile.DEFAULTING: (3, Decimal("0.1"))}
HUNDRED = Decimal("100")


def drawn_promises(customer: Customer, seed: int, today: dt.date, recorder: User,
                   typical: Decimal) -> list[PromiseToPay]:
    """The customer's promises: count and keeping share by its profile, days drawn from its own seed."""
    count, keeps = PROMISES[profile_of(customer, seed)]
    rng = random.Random(f"{seed}:{customer.code}:promises")
    promises = []
    for _ in range(count):
        made = today - dt.timedelta(days=rng.randint(5, 360))
        promise = PromiseToPay(customer=customer, currency_id=customer.currency_id, recorded_by=recorder,
                               recorded_at=dt.datetime.combine(made, dt.time(10), tzinfo=dt.UTC),
                               promised_for=made + dt.timedelta(days=rng.randint(7, 21)),
                               note="Demo: promised on the phone.")
        promise.amount = amount_for(promise, typical, rng.random() < keeps)
        promises.append(promise)
    return sorted(promises, key=lambda promise: promise.recorded_at)


def amount_for(promise: PromiseToPay, typical: Decimal, kept: bool) -> Decimal:
    """What the customer promised: at most what it then paid when it keeps its word, an invoice more when not."""
    paid = paid_towards(promise)
    if kept and paid >= HUNDRED:
        return (paid / HUNDRED).to_integral_value(ROUND_DOWN) * HUNDRED
    return (paid + typical).quantize(HUNDRED, ROUND_DOWN) + HUNDRED


def typical_invoices(customer_ids: list[int]) -> dict[int, Decimal]:
    """Each customer's average invoice in its own currency, in one query."""
    found = (Invoice.objects.filter(customer_id__in=customer_ids, currency_id=F("customer__currency_id"))
             .values("customer_id").annotate(typical=Avg("gross_amount")).values_list("customer_id", "typical"))
    return {customer_id: Decimal(typical) for customer_id, typical in found}


def load_demo_promises(seed: int, today: dt.date) -> dict[str, int]:
    """Every late payer's promises of the last year, judged as the nightly job would on the demo's today."""
    collector = User.objects.get(username="collector")
    late = [customer for customer in Customer.objects.order_by("code") if profile_of(customer, seed) in PROMISES]
    typical = typical_invoices([customer.pk for customer in late])
    drawn = [promise for customer in late if customer.pk in typical
             for promise in drawn_promises(customer, seed, today, collector, typical[customer.pk])]
    made = [promise.recorded_at for promise in drawn]
    created = PromiseToPay.objects.bulk_create(drawn)
    for promise, recorded_at in zip(created, made, strict=True):
        promise.recorded_at = recorded_at
    PromiseToPay.objects.bulk_update(created, ["recorded_at"])
    record_audit(None, "demo_promises.load", User.objects.get(username="admin"), {"promises": [None, len(created)]})
    return {"recorded": len(created), **judge_promises(today)}
