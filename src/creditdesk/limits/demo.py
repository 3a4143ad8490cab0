"""Demo credit limits and credit checks on top of the demo ledger, so the Limits tab and the queues have work in them.

Each customer buying from us gets the limit a credit manager would set: its average monthly sales in the ledger ×
(payment terms + 15 buffer days) / 30, rounded to two significant figures, requested by the demo analyst and
approved by whoever the authority band names (the demo manager, and the CFO for the largest). Review dates spread
over the coming year, a few within the review window; some accounts are left with an expired limit, and defaulters
and closed accounts keep only their expired one. A few group tops get a group limit and a few customers a
temporary one. About ten fresh requests wait in the approvals inbox (some in the CFO's band), and a few dozen
orders are put through the real credit check, some blocked, two released and one rejected by the manager.
Choices come from `random.Random` seeded with the portfolio seed, so a seed always gives the same limits; the
checks and requests are decided by the services as of the real day, which is the demo's unless `--today` moves it.
Standing limits are written with `bulk_create` and one audit entry per request and approval; what waits in an
inbox or a queue goes through the services, so it is exactly what a user's action would have left.
"""

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import User
from django.db.models import Max, Min, Sum
from django.utils import timezone

from creditdesk.audit.services import diff, record_audits, snapshot
from creditdesk.currencies.selectors import convert, functional_currency, rate_on
from creditdesk.customers.demo import BATCH_SIZE
from creditdesk.customers.models import Customer
from creditdesk.limits.authority import band_for
from creditdesk.limits.checks import check_order
from creditdesk.limits.models import (
    CheckStatus,
    CreditCheck,
    CreditLimit,
    Decision,
    LimitApproval,
    LimitKind,
    LimitStatus,
)
from creditdesk.limits.overrides import reject_check, release_check
from creditdesk.limits.services import LIMIT_FIELDS, request_limit
from creditdesk.receivables.demo import Profile, profile_of
from creditdesk.receivables.models import Allocation, Invoice, InvoiceStatus, OrderStatus, SalesOrder

BUFFER_DAYS = 15
ACTIVE_SHARE = 0.9
EXPIRED_SHARE = 0.05
SOON_SHARE = 0.12
CAP_SHARE = 0.3
CFO_AMOUNT = Decimal("6000000")
RELEASES = 2
# Blocked only for going over a limit: what a manager may let through on a payment announced.
OVER_LIMIT = {"over_limit", "group_over_limit"}
# How far above the current exposure a limit is set, by how the customer pays; absent: the sales formula alone.
COVER = {Profile.PROMPT: (1.3, 1.8), Profile.SEASONAL: (1.3, 1.8), Profile.DISPUTING: (1.2, 1.6),
         Profile.SLOW: (1.0, 1.3)}
# Who approves in which role, in the order they are asked.
APPROVERS = (("manager", "credit_manager"), ("cfo", "cfo"))
GOOD_PAYERS = (Profile.PROMPT, Profile.SEASONAL)
LATE_PAYERS = (Profile.SLOW, Profile.DETERIORATING)


@dataclass(frozen=True, slots=True)
class LimitsResult:
    """What the limits load wrote, for the command to report."""

    active: int
    requested: int
    expired: int
    checks: dict[str, int]

    @property
    def total_checks(self) -> int:
        """Every checked order has one decision, whatever the manager did with it afterwards."""
        return sum(self.checks[decision] for decision in Decision.values)


def monthly_sales() -> dict[int, Decimal]:
    """Each customer's average gross sales per month it traded in the ledger, in its currency."""
    rows = (Invoice.objects.exclude(status=InvoiceStatus.CANCELLED).values("customer_id")
            .annotate(total=Sum("gross_amount"), first=Min("invoice_date"), last=Max("invoice_date")))
    return {row["customer_id"]: row["total"] / (months_between(row["first"], row["last"]) + 1) for row in rows}


def exposures() -> dict[int, Decimal]:
    """Each customer's open invoices less what is allocated to them, plus its open orders, in its currency."""
    found: dict[int, Decimal] = defaultdict(Decimal)
    for query in (Invoice.objects.filter(status=InvoiceStatus.OPEN).values_list("customer_id")
                  .annotate(total=Sum("gross_amount")),
                  SalesOrder.objects.filter(status=OrderStatus.OPEN).values_list("customer_id")
                  .annotate(total=Sum("amount"))):
        for customer_id, total in query:
            found[customer_id] += total
    for customer_id, total in (Allocation.objects.filter(invoice__status=InvoiceStatus.OPEN)
                               .values_list("invoice__customer_id").annotate(total=Sum("amount"))):
        found[customer_id] -= total
    return found


def months_between(first: dt.date, last: dt.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def tidy(amount: Decimal) -> Decimal:
    """Two significant figures, as limits are set: 1,234,567 becomes 1,200,000."""
    if amount <= 0:
        return Decimal(0)
    step = Decimal(10) ** max(0, amount.adjusted() - 1)
    return ((amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step).quantize(Decimal("0.01"))


class LimitPlanner:
    """Draws the standing limits and their approvals, then writes them at once."""

    def __init__(self, seed: int, today: dt.date, users: dict[str, User]) -> None:
        self.seed, self.today, self.users = seed, today, users
        self.limits: list[CreditLimit] = []
        self.approvers: list[list[tuple[User, str]]] = []
        self.now = timezone.now()
        self.rates: dict[str, Decimal] = {}

    def plan(self, customer: Customer, sales: Decimal, exposure: Decimal) -> CreditLimit | None:
        """The customer's standard limit (active or expired), or None when it is left without one; a good payer's
        covers its current exposure with room to spare, a late payer's only what the sales formula gives."""
        rng = random.Random(f"{self.seed}:{customer.code}:limit")
        profile = profile_of(customer, self.seed)
        cover = COVER.get(profile)
        amount = tidy(max(sales * (customer.payment_terms_days + BUFFER_DAYS) / 30,
                          exposure * Decimal(str(round(rng.uniform(*cover), 2))) if cover else Decimal(0)))
        roll = rng.random()
        if customer.status in ("blocked", "closed") or ACTIVE_SHARE <= roll < ACTIVE_SHARE + EXPIRED_SHARE:
            valid_to = self.today - dt.timedelta(days=rng.randint(20, 150))
            return self.add(customer, LimitKind.STANDARD, amount, LimitStatus.EXPIRED,
                            valid_to - dt.timedelta(days=365), valid_to, None, self.justification(customer, sales))
        if roll >= ACTIVE_SHARE:
            return None
        soon = rng.random() < SOON_SHARE
        review_on = self.today + dt.timedelta(days=rng.randint(-10, 30) if soon else rng.randint(31, 365))
        limit = self.add(customer, LimitKind.STANDARD, amount, LimitStatus.ACTIVE,
                         self.today - dt.timedelta(days=rng.randint(30, 600)), None, review_on,
                         self.justification(customer, sales))
        if profile in (Profile.SLOW, Profile.DISPUTING) and rng.random() < CAP_SHARE:
            limit.overdue_cap = tidy(amount / 5)
        return limit

    def rate(self, currency: str) -> Decimal:
        """Units of the functional currency per unit of `currency` today, looked up once per currency."""
        if currency not in self.rates:
            self.rates[currency] = rate_on(currency, self.today)
        return self.rates[currency]

    def justification(self, customer: Customer, sales: Decimal) -> str:
        return (f"Average monthly sales {sales:,.0f} {customer.currency_id} × ({customer.payment_terms_days} days' "
                f"terms + {BUFFER_DAYS} days) / 30.")

    def add(self, customer: Customer, kind: str, amount: Decimal, status: str, valid_from: dt.date,
            valid_to: dt.date | None, review_on: dt.date | None, justification: str) -> CreditLimit:
        """A limit approved in its authority band: the band's people in turn, never the analyst who asked."""
        band = band_for(amount * self.rate(customer.currency_id), functional_currency(), self.today)
        roles = band.roles.split(",")
        ended = status == LimitStatus.EXPIRED
        limit = CreditLimit(customer=customer, kind=kind, amount=amount, currency_id=customer.currency_id,
                            valid_from=valid_from, valid_to=valid_to, review_on=review_on, justification=justification,
                            status=status, requested_by=self.users["analyst"], **band.terms(),
                            decided_at=self.now, ended_at=self.now if ended else None,
                            end_reason=f"Ended on {valid_to}." if ended else "")
        self.limits.append(limit)
        self.approvers.append([(self.users[username], role) for username, role in APPROVERS
                               if role in roles][:band.approvals_required])
        return limit

    def write(self) -> None:
        """The limits, their approvals and the audit entries their request and approvals would have left."""
        CreditLimit.objects.bulk_create(self.limits, batch_size=BATCH_SIZE)
        approvals = [LimitApproval(limit=limit, approver=user, role=role)
                     for limit, people in zip(self.limits, self.approvers, strict=True) for user, role in people]
        LimitApproval.objects.bulk_create(approvals, batch_size=BATCH_SIZE)
        record_audits(self.users["analyst"], "credit_limit.request",
                      [(limit, diff({}, snapshot(limit, LIMIT_FIELDS))) for limit in self.limits])
        for username, _role in APPROVERS:
            record_audits(self.users[username], "credit_limit.approve",
                          [(a.limit, {"approvals": [None, a.role]}) for a in approvals
                           if a.approver.username == username])


def extra_limits(planner: LimitPlanner, rng: random.Random, standing: Sequence[CreditLimit]) -> None:
    """Group limits for a few group tops (most of their members' limits) and temporary ones for a seasonal peak."""
    today, count = planner.today, max(1, len(standing) // 80)
    by_customer = {limit.customer_id: limit for limit in standing}
    heads = set(Customer.objects.filter(parent__isnull=False).values_list("parent_id", flat=True))
    tops = [limit for limit in standing if limit.customer.parent_id is None and limit.customer.pk in heads]
    for limit in rng.sample(tops, min(count, len(tops))):
        members = [by_customer[pk].amount for pk in group_of(limit.customer.pk) if pk in by_customer]
        planner.add(limit.customer, LimitKind.GROUP, tidy(sum(members, Decimal(0)) * Decimal("0.8")),
                    LimitStatus.ACTIVE, limit.valid_from, None, limit.review_on,
                    "One limit for the whole group, below the sum of its members' limits.")
    peaks = [limit for limit in standing if profile_of(limit.customer, planner.seed) in GOOD_PAYERS]
    for limit in rng.sample(peaks, min(count, len(peaks))):
        planner.add(limit.customer, LimitKind.TEMPORARY, tidy(limit.amount * Decimal("1.5")), LimitStatus.ACTIVE,
                    today - dt.timedelta(days=rng.randint(0, 20)), today + dt.timedelta(days=rng.randint(20, 75)),
                    None, "Peak-season orders: half as much again until the season ends.")


def group_of(top: int) -> list[int]:
    """The top company and every member below it."""
    members, level = [top], [top]
    while level:
        level = list(Customer.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        members.extend(level)
    return members


def request_inbox(rng: random.Random, today: dt.date, analyst: User, standing: Sequence[CreditLimit],
                  without: Sequence[Customer], sales: dict[int, Decimal]) -> int:
    """Increases and first limits waiting for approval; the largest increases need the CFO too."""
    count = max(3, min(10, (len(standing) + len(without)) // 25))
    largest = sorted(standing, key=lambda limit: -convert(limit.amount, limit.currency_id, functional_currency(),
                                                          today))[:max(1, count // 3)]
    others = [limit for limit in standing if limit not in largest]
    firsts = rng.sample(without, min(len(without), count // 3))
    increases = rng.sample(others, min(len(others), count - len(largest) - len(firsts)))
    for limit in largest:
        cfo = convert(CFO_AMOUNT, functional_currency(), limit.currency_id, today)
        request(analyst, limit.customer, tidy(max(limit.amount * 2, cfo)), today,
                "Expansion of the customer's business: the next year's orders need twice the limit.")
    for limit in increases:
        request(analyst, limit.customer, tidy(limit.amount * Decimal(str(round(rng.uniform(1.3, 1.8), 2)))), today,
                "Sales expect more orders; the customer has paid well within the current limit.")
    for customer in firsts:
        request(analyst, customer, tidy(sales[customer.pk] * (customer.payment_terms_days + BUFFER_DAYS) / 30),
                today, "First limit: the customer has traded on orders checked one by one so far.")
    return len(largest) + len(increases) + len(firsts)


def request(analyst: User, customer: Customer, amount: Decimal, today: dt.date, justification: str) -> None:
    request_limit(analyst, customer, {"kind": LimitKind.STANDARD, "amount": amount,
                                      "currency_id": customer.currency_id, "valid_from": today,
                                      "review_on": today + dt.timedelta(days=365), "justification": justification})


def run_checks(rng: random.Random, seed: int, today: dt.date, users: dict[str, User],
               standing: Sequence[CreditLimit], without: Sequence[Customer]) -> dict[str, int]:
    """Orders through the real check: small ones from good payers, some near or past the limit, some from late
    payers and one without a limit; then the manager releases two blocked only for the limit and rejects one other,
    overdue first."""
    analyst, count = users["analyst"], max(1, min(6, len(standing) // 60))
    good = [limit for limit in standing if profile_of(limit.customer, seed) in GOOD_PAYERS]
    late = [limit for limit in standing if profile_of(limit.customer, seed) in LATE_PAYERS]
    picked = rng.sample(good, min(len(good), 6 * count))
    small, near, over = picked[:4 * count], picked[4 * count:5 * count], picked[5 * count:]
    serial = iter(range(1, 1000))
    checks: list[CreditCheck] = []

    def order(customer: Customer, amount: Decimal) -> None:
        checks.append(check_order(analyst, customer, f"PO-{today:%y%m}-{next(serial):04d}", max(amount, Decimal(1)),
                                  customer.currency_id))

    for limit in small:
        order(limit.customer, tidy(limit.amount * Decimal(str(round(rng.uniform(0.05, 0.2), 2)))))
    for share, limits in ((Decimal("0.95"), near), (Decimal("1.3"), over)):
        for limit in limits:
            probe = check_order(analyst, limit.customer, "probe", Decimal(1), limit.currency_id, simulate=True)
            room = (probe.limit_amount or Decimal(0)) * share - probe.exposure
            order(limit.customer, tidy(convert(room, functional_currency(), limit.currency_id, today)))
    for limit in rng.sample(late, min(len(late), count)):
        order(limit.customer, tidy(limit.amount / 10))
    for customer in rng.sample(without, min(len(without), 1)):
        order(customer, tidy(Decimal(rng.randint(50, 500)) * 1000))
    manager = users["manager"]
    blocked = [c for c in checks if c.status == CheckStatus.BLOCKED]
    releasable = [c for c in blocked if {r["code"] for r in c.reasons} <= OVER_LIMIT][:RELEASES]
    for check in releasable:
        release_check(manager, check, "Long-standing customer; a payment is announced for next week.",
                      today + dt.timedelta(days=14))
    refusable = sorted((c for c in blocked if c not in releasable),
                       key=lambda c: all(r["code"] != "overdue" for r in c.reasons))
    for check in refusable[:1]:
        reject_check(manager, check, "Overdue invoices must be paid, or a limit set, before new orders ship.")
    counts = Counter(CreditCheck.objects.filter(pk__in=[c.pk for c in checks]).values_list("decision", flat=True))
    statuses = Counter(CreditCheck.objects.filter(pk__in=[c.pk for c in checks]).values_list("status", flat=True))
    return {**{decision: counts[decision] for decision in Decision.values},
            "released": statuses[CheckStatus.RELEASED], "rejected": statuses[CheckStatus.REJECTED]}


def load_demo_limits(seed: int, today: dt.date) -> LimitsResult:
    """Standing limits for the customers who buy, the approvals inbox, then a few dozen checked orders."""
    users = {u.username: u for u in User.objects.filter(username__in=["analyst", "manager", "cfo"])}
    sales, exposure = monthly_sales(), exposures()
    planner = LimitPlanner(seed, today, users)
    without = []
    for customer in Customer.objects.filter(pk__in=sales).exclude(status="prospect").order_by("code"):
        if planner.plan(customer, sales[customer.pk], exposure[customer.pk]) is None and customer.status == "active":
            without.append(customer)
    standing = [limit for limit in planner.limits if limit.status == LimitStatus.ACTIVE]
    rng = random.Random(f"{seed}:limits")
    extra_limits(planner, rng, standing)
    planner.write()
    requested = request_inbox(rng, today, users["analyst"], standing, without, sales)
    checks = run_checks(rng, seed, today, users, standing, without)
    statuses = Counter(limit.status for limit in planner.limits)
    return LimitsResult(statuses[LimitStatus.ACTIVE], requested, statuses[LimitStatus.EXPIRED], checks)
