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
from django.db.models import Avg

from creditdesk.audit.services import record_audit
from creditdesk.collections.models import PromiseToPay
from creditdesk.collections.services import judge_promises, paid_towards
from creditdesk.customers.models import Customer
from creditdesk.receivables.demo import Profile, profile_of
from creditdesk.receivables.models import Invoice

PROMISES = {Profile.SLOW: (1, Decimal("0.8")), Profile.DISPUTING: (1, Decimal("0.6")),
            Profile.DETERIORATING: (2, Decimal("0.4")), Profile.DEFAULTING: (3, Decimal("0.1"))}
HUNDRED = Decimal("100")


def drawn_promises(customer: Customer, seed: int, today: dt.date, recorder: User) -> list[PromiseToPay]:
    """The customer's promises: count and keeping share by its profile, days drawn from its own seed."""
    count, keeps = PROMISES.get(profile_of(customer, seed), (0, Decimal(0)))
    rng = random.Random(f"{seed}:{customer.code}:promises")
    typical = (Invoice.objects.filter(customer=customer, currency_id=customer.currency_id)
               .aggregate(typical=Avg("gross_amount"))["typical"])
    promises = []
    for _ in range(count if typical else 0):
        made = today - dt.timedelta(days=rng.randint(5, 360))
        promise = PromiseToPay(customer=customer, currency_id=customer.currency_id, recorded_by=recorder,
                               promised_for=made + dt.timedelta(days=rng.randint(7, 21)), amount=Decimal(1),
                               note="Demo: promised on the phone.")
        promise.amount = amount_for(promise, made, Decimal(typical), rng.random() < keeps)
        promises.append((promise, made))
    return [promise for promise, _ in sorted(promises, key=lambda pair: pair[1])]


def amount_for(promise: PromiseToPay, made: dt.date, typical: Decimal, kept: bool) -> Decimal:
    """What the customer promised: at most what it then paid when it keeps its word, an invoice more when not."""
    promise.recorded_at = dt.datetime.combine(made, dt.time(10), tzinfo=dt.UTC)
    paid = paid_towards(promise)
    if kept and paid >= HUNDRED:
        return (paid / HUNDRED).to_integral_value(ROUND_DOWN) * HUNDRED
    return (paid + typical).quantize(HUNDRED, ROUND_DOWN) + HUNDRED


def load_demo_promises(seed: int, today: dt.date) -> dict[str, int]:
    """Every late payer's promises of the last year, judged as the nightly job would on the demo's today."""
    collector = User.objects.get(username="collector")
    drawn = [promise for customer in Customer.objects.order_by("code")
             for promise in drawn_promises(customer, seed, today, collector)]
    made = [promise.recorded_at for promise in drawn]
    created = PromiseToPay.objects.bulk_create(drawn)
    for promise, recorded_at in zip(created, made, strict=True):
        promise.recorded_at = recorded_at
    PromiseToPay.objects.bulk_update(created, ["recorded_at"])
    record_audit(collector, "demo_promises.load", collector, {"promises": [0, len(created)]})
    return {"recorded": len(created), **judge_promises(today)}
