"""Demo ledger history: two years of invoices, credit notes, payments and allocations behind every demo customer.

Each customer pays the way its behaviour profile says (`profile_of`: prompt, slow, seasonal, deteriorating,
disputing, defaulting), so aging, DSO, dunning and early warnings have something real to show. The profile
and the whole ledger of a customer come from a `random.Random` seeded with the portfolio seed and the
customer's code: nothing new is stored, the same seed always gives the same ledger, and one customer's
history does not depend on how many others there are. Amounts are whole minor units until they are written.
Ledgers are drawn in pure Python, then written with `bulk_create` a chunk of customers at a time, so the
history of 100,000 customers never has to fit in memory at once.
"""

import calendar
import datetime as dt
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from django.contrib.auth.models import User
from django.db import transaction

from creditdesk.audit.services import record_audit
from creditdesk.currencies.iso4217 import CURRENCIES
from creditdesk.currencies.models import ExchangeRate
from creditdesk.customers.demo import AMOUNT_SCALES, BATCH_SIZE, DemoCustomer, Weighted
from creditdesk.customers.models import Customer
from creditdesk.receivables.models import Allocation, CreditNote, Invoice, InvoiceStatus, Payment, SalesOrder

SOURCE = "demo"
MONTHS = 24
CHUNK = 1000
FUNCTIONAL_CURRENCY = "CNY"
VAT_PERCENT = 13
MINOR_UNITS = {code: units for code, _, units in CURRENCIES}
DAY = dt.timedelta(days=1)


class Coded(Protocol):
    """What a profile is derived from, on a generated customer as on a stored one."""

    @property
    def code(self) -> str: ...

    @property
    def status(self) -> str: ...


class Profile(StrEnum):
    """How a customer pays: it decides every payment date in its ledger."""

    PROMPT = "prompt"
    SLOW = "slow"
    SEASONAL = "seasonal"
    DETERIORATING = "deteriorating"
    DISPUTING = "disputing"
    DEFAULTING = "defaulting"


PROFILES = Weighted([(Profile.PROMPT, 40), (Profile.SLOW, 24), (Profile.SEASONAL, 10), (Profile.DETERIORATING, 10),
                     (Profile.DISPUTING, 10), (Profile.DEFAULTING, 3)])
ON_HOLD_PROFILES = Weighted([(Profile.DETERIORATING, 40), (Profile.DISPUTING, 30), (Profile.SLOW, 30)])
MONTHLY_NET_CNY = {"micro": 30_000, "small": 120_000, "medium": 450_000, "large": 1_800_000}
INVOICE_COUNTS = Weighted([(1, 30), (2, 35), (3, 22), (4, 13)])
MEAN_INVOICE_COUNT = 2.18
CN_METHODS = Weighted([("bank_transfer", 85), ("bank_acceptance", 15)])
ZH_REMITTANCES = ("货款 {refs}", "支付发票{refs}", "付{refs}货款", "{refs}")
ZH_PLAIN_REMITTANCES = ("货款", "{month}月货款", "往来款")
EN_REMITTANCES = ("Payment of invoice {refs}", "INV {refs}", "Settlement {refs}", "{refs} payment")
EN_PLAIN_REMITTANCES = ("Payment for goods", "Payment {month} statement", "Trade payment")
ZH_ADVANCES = ("预付款", "预付货款")
EN_ADVANCES = ("Advance payment", "Payment on account")
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
RATE_LEVELS = {"USD": 7.10, "EUR": 7.80, "HKD": 0.91, "JPY": 0.048, "GBP": 9.00, "KRW": 0.0052, "SGD": 5.30,
               "AUD": 4.70, "THB": 0.20, "VND": 0.00028}
RATE_VOLATILITY = 0.003
RATE_REVERSION = 0.02


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """What a customer's history is drawn from, the same whether generated or read back from the database."""

    code: str
    country: str
    currency: str
    size: str
    status: str
    payment_terms_days: int


@dataclass(frozen=True, slots=True)
class DemoInvoice:
    """An invoice as generated; amounts in minor units, `paid` when its allocations reach the gross amount."""

    number: str
    invoice_date: dt.date
    due_date: dt.date
    net: int
    tax: int
    order_reference: str
    disputed: bool
    paid: bool

    @property
    def gross(self) -> int:
        return self.net + self.tax


@dataclass(frozen=True, slots=True)
class DemoCreditNote:
    """A credit note against the invoice at index `invoice` of the same ledger."""

    number: str
    issued_on: dt.date
    amount: int
    invoice: int


@dataclass(frozen=True, slots=True)
class DemoPayment:
    """A payment as the bank reports it."""

    external_id: str
    received_on: dt.date
    amount: int
    method: str
    bank_reference: str
    remittance_text: str


@dataclass(frozen=True, slots=True)
class DemoAllocation:
    """Part of the payment or credit note at an index set against the invoice at `invoice`."""

    invoice: int
    payment: int | None
    credit_note: int | None
    amount: int
    allocated_on: dt.date


@dataclass(frozen=True, slots=True)
class DemoOrder:
    """An open sales order, expected to be invoiced soon."""

    number: str
    ordered_on: dt.date
    amount: int
    expected_invoice_date: dt.date


@dataclass(frozen=True, slots=True)
class DemoLedger:
    """One customer's ledger as generated, ready to compare and to write."""

    code: str
    currency: str
    profile: Profile
    invoices: tuple[DemoInvoice, ...]
    credit_notes: tuple[DemoCreditNote, ...]
    payments: tuple[DemoPayment, ...]
    allocations: tuple[DemoAllocation, ...]
    orders: tuple[DemoOrder, ...]


@dataclass(frozen=True, slots=True)
class DemoRate:
    """A day's rate: units of the functional currency (CNY) per unit of `currency`."""

    currency: str
    rate_date: dt.date
    rate: Decimal


@dataclass(frozen=True, slots=True)
class HistoryResult:
    """What a history load wrote, for the command to report."""

    invoices: int = 0
    credit_notes: int = 0
    payments: int = 0
    allocations: int = 0
    orders: int = 0
    rates: int = 0

    def __add__(self, other: "HistoryResult") -> "HistoryResult":
        """Chunks add up to the load's totals."""
        return HistoryResult(*(a + b for a, b in zip(self.counts(), other.counts(), strict=True)))

    def counts(self) -> tuple[int, ...]:
        """The figures in field order."""
        return (self.invoices, self.credit_notes, self.payments, self.allocations, self.orders, self.rates)


@dataclass(slots=True)
class Draft:
    """An invoice before its settlement is known."""

    number: str
    invoice_date: dt.date
    due_date: dt.date
    net: int
    tax: int
    order_reference: str


@dataclass(frozen=True, slots=True)
class Part:
    """Money the customer pays on one day towards one invoice, before parts are grouped into payments."""

    paid_on: dt.date
    invoice: int
    amount: int


def month_start(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def window_start(today: dt.date) -> dt.date:
    """The history covers this month and the 23 before it, so every date is within 24 months of `today`."""
    return month_start(today, 1 - MONTHS)


def profile_of(customer: Coded, seed: int) -> Profile:
    """Blocked customers are the ones that stopped paying and those on hold are trouble; the rest are drawn."""
    if customer.status == "blocked":
        return Profile.DEFAULTING
    rng = random.Random(f"{seed}:{customer.code}:profile")
    return (ON_HOLD_PROFILES if customer.status == "on_hold" else PROFILES).pick(rng)


def demo_accounts(portfolio: Iterable[DemoCustomer]) -> list[DemoAccount]:
    """The accounts of a generated portfolio, to draw its history without a database."""
    return [DemoAccount(c.code, c.country, c.currency, c.size, c.status, c.payment_terms_days) for c in portfolio]


class LedgerBuilder:
    """Draws one customer's ledger from its own random stream."""

    def __init__(self, account: DemoAccount, seed: int, today: dt.date) -> None:
        self.account = account
        self.profile = profile_of(account, seed)
        self.rng = random.Random(f"{seed}:{account.code}:ledger")
        self.today = today
        self.start = window_start(today)
        self.scale = 10 ** MINOR_UNITS.get(account.currency, 2)
        self.chinese = account.country == "CN"
        self.mean_net = (MONTHLY_NET_CNY[account.size] / MEAN_INVOICE_COUNT * AMOUNT_SCALES.get(account.currency, 1.0)
                         * self.rng.lognormvariate(0, 0.6))
        self.ends_on, self.last_payment_on = self.trading_period()
        self.unpaid_from = today - dt.timedelta(days=self.rng.randint(60, 120))
        self.peaks = self.peak_months()
        self.drafts: list[Draft] = []
        self.credit_notes: list[DemoCreditNote] = []
        self.parts: list[Part] = []
        self.payments: list[DemoPayment] = []
        self.allocations: list[DemoAllocation] = []
        self.disputed: set[int] = set()

    def trading_period(self) -> tuple[dt.date, dt.date]:
        """Last invoice and payment dates: defaulters stopped paying 6–15 months ago, closed accounts buying 3–12."""
        rng = self.rng
        if self.profile is Profile.DEFAULTING:
            stop = self.today - dt.timedelta(days=rng.randint(180, 450))
            return stop + dt.timedelta(days=rng.randint(31, 62)), stop - DAY
        if self.account.status == "closed":
            return month_start(self.today, 1 - rng.randint(3, 12)) - DAY, self.today
        return self.today, self.today

    def peak_months(self) -> set[int]:
        """Two consecutive months of peak sales for a seasonal customer."""
        if self.profile is not Profile.SEASONAL:
            return set()
        first = self.rng.randrange(12)
        return {first + 1, (first + 1) % 12 + 1}

    def build(self) -> DemoLedger:
        """The ledger: nothing for a prospect, who has never bought."""
        if self.account.status == "prospect":
            return DemoLedger(self.account.code, self.account.currency, self.profile, (), (), (), (), ())
        self.draw_invoices()
        for index, draft in enumerate(self.drafts):
            self.settle(index, draft)
        self.group_payments()
        self.pay_on_account()
        allocated = [0] * len(self.drafts)
        for allocation in self.allocations:
            allocated[allocation.invoice] += allocation.amount
        invoices = tuple(
            DemoInvoice(d.number, d.invoice_date, d.due_date, d.net, d.tax, d.order_reference,
                        index in self.disputed, allocated[index] == d.net + d.tax)
            for index, d in enumerate(self.drafts))
        return DemoLedger(self.account.code, self.account.currency, self.profile, invoices, tuple(self.credit_notes),
                          tuple(self.payments), tuple(self.allocations), self.orders())

    def draw_invoices(self) -> None:
        """One to four invoices a month (more in a seasonal peak), from the first month the customer bought."""
        rng = self.rng
        first = rng.randint(1, 12) if self.profile in (Profile.PROMPT, Profile.SLOW, Profile.SEASONAL,
                                                       Profile.DISPUTING) and rng.random() < 0.15 else 0
        for offset in range(first, MONTHS):
            month = month_start(self.start, offset)
            if month > self.ends_on:
                break
            peak = month.month in self.peaks
            count = INVOICE_COUNTS.pick(rng) + (rng.randint(1, 2) if peak else 0)
            last_day = min(calendar.monthrange(month.year, month.month)[1], (self.ends_on - month).days + 1)
            days = sorted(rng.randint(1, last_day) for _ in range(count))
            factor = 1.8 if peak else 0.8 if self.peaks else 1.0
            for serial, day in enumerate(days, start=1):
                self.draw_invoice(month.replace(day=day), serial, factor)

    def draw_invoice(self, invoice_date: dt.date, serial: int, factor: float) -> None:
        """Net scaled to the customer's size; 13 % VAT in China, none on exports."""
        rng = self.rng
        net = max(self.scale, round(self.mean_net * factor * rng.lognormvariate(0, 0.4) * self.scale))
        tax = (net * VAT_PERCENT + 50) // 100 if self.chinese else 0
        terms = self.account.payment_terms_days
        reference = f"PO{invoice_date:%y%m}{rng.randrange(10_000):04d}" if rng.random() < 0.6 else ""
        self.drafts.append(Draft(f"INV-{invoice_date:%y%m}-{self.account.code}-{serial}", invoice_date,
                                 invoice_date + dt.timedelta(days=terms), net, tax, reference))

    def planned_payment(self, draft: Draft) -> dt.date | None:
        """When the profile pays this invoice, whether or not that day has come; None: never."""
        rng, profile = self.rng, self.profile
        if profile is Profile.PROMPT:
            delay = 0 if rng.random() < 0.4 else -rng.randint(1, 10)
        elif profile is Profile.SLOW:
            delay = rng.randint(10, 40)
        elif profile is Profile.SEASONAL:
            delay = rng.randint(20, 60) if draft.due_date.month <= 3 else rng.randint(-5, 10)
        elif profile is Profile.DISPUTING:
            delay = rng.randint(-3, 15)
        elif profile is Profile.DETERIORATING:
            if draft.invoice_date >= self.unpaid_from:
                return None
            progress = (draft.invoice_date - self.start).days / (self.unpaid_from - self.start).days
            delay = round(60 * progress) + rng.randint(-5, 10)
        else:
            delay = rng.randint(5, 30)
        return draft.due_date + dt.timedelta(days=delay)

    def settle(self, index: int, draft: Draft) -> None:
        """Credit notes for disputes and returns, then the payments; a dispute still open holds up payment."""
        rng = self.rng
        gross = draft.net + draft.tax
        paid_on = self.planned_payment(draft)
        due = gross
        if self.profile is Profile.DISPUTING and rng.random() < 0.15:
            credited_on = draft.invoice_date + dt.timedelta(days=rng.randint(15, 45))
            if paid_on is None or paid_on > self.today or credited_on > self.today:
                self.disputed.add(index)
                return
            due -= self.credit(index, credited_on, gross, 0.05, 0.30)
            paid_on = max(paid_on, credited_on) + dt.timedelta(days=rng.randint(5, 25))
        elif paid_on is not None and rng.random() < 0.02:
            credited_on = draft.invoice_date + dt.timedelta(days=rng.randint(5, 20))
            if credited_on <= min(paid_on, self.today):
                due -= self.credit(index, credited_on, gross, 0.03, 0.15)
        if paid_on is None or paid_on > self.last_payment_on:
            return
        if self.profile in (Profile.DETERIORATING, Profile.DEFAULTING) and rng.random() < 0.2:
            first = max(1, round(due * rng.uniform(0.4, 0.7)))
            self.parts.append(Part(paid_on, index, first))
            rest_on = paid_on + dt.timedelta(days=rng.randint(15, 45))
            if rest_on <= self.last_payment_on:
                self.parts.append(Part(rest_on, index, due - first))
        else:
            self.parts.append(Part(paid_on, index, due))

    def credit(self, index: int, issued_on: dt.date, gross: int, low: float, high: float) -> int:
        """A credit note for a share of the invoice, allocated to it on the day it is issued."""
        amount = max(1, int(gross * self.rng.uniform(low, high)))
        number = len(self.credit_notes)
        self.credit_notes.append(DemoCreditNote(f"CN-{self.account.code}-{number + 1:03d}", issued_on, amount, index))
        self.allocations.append(DemoAllocation(index, None, number, amount, issued_on))
        return amount

    def group_payments(self) -> None:
        """One payment per part, but now and then two invoices paid together on the earlier day."""
        parts = sorted(self.parts, key=lambda part: (part.paid_on, part.invoice))
        position = 0
        while position < len(parts):
            group = parts[position:position + 1]
            if position + 1 < len(parts):
                current, following = parts[position], parts[position + 1]
                if (following.invoice != current.invoice and (following.paid_on - current.paid_on).days <= 20
                        and self.rng.random() < 0.2):
                    group.append(following)
            self.pay(group)
            position += len(group)

    def pay(self, group: Sequence[Part]) -> None:
        """A payment for the group's invoices, allocated on the day it arrives."""
        received_on = group[0].paid_on
        number = len(self.payments)
        invoices = [self.drafts[part.invoice] for part in group]
        text = self.remittance(list(dict.fromkeys(draft.number for draft in invoices)), invoices[0].invoice_date.month)
        self.payments.append(self.payment(received_on, sum(part.amount for part in group), text))
        self.allocations.extend(DemoAllocation(part.invoice, number, None, part.amount, received_on) for part in group)

    def payment(self, received_on: dt.date, amount: int, remittance_text: str) -> DemoPayment:
        """The bank's side of a payment: method and reference as a Chinese or a foreign bank would give them."""
        rng = self.rng
        if self.chinese:
            method = CN_METHODS.pick(rng)
            reference = f"{received_on:%Y%m%d}{rng.randrange(10**10):010d}"
        else:
            method, reference = "wire_transfer", f"FT{received_on:%y%m%d}{rng.randrange(10**6):06d}"
        return DemoPayment(f"RCPT-{self.account.code}-{len(self.payments) + 1:04d}", received_on, amount, method,
                           reference, remittance_text)

    def remittance(self, numbers: Sequence[str], month: int) -> str:
        """Usually the invoice numbers, in the customer's language; sometimes only a word about the goods."""
        rng = self.rng
        if rng.random() < 0.12:
            template = rng.choice(ZH_PLAIN_REMITTANCES if self.chinese else EN_PLAIN_REMITTANCES)
            return template.format(month=month if self.chinese else EN_MONTHS[month - 1])
        template = rng.choice(ZH_REMITTANCES if self.chinese else EN_REMITTANCES)
        return template.format(refs=("、" if self.chinese else ", ").join(numbers))

    def pay_on_account(self) -> None:
        """Now and then a customer still buying sends an advance that matches no invoice."""
        rng = self.rng
        if self.ends_on < self.today or self.profile is Profile.DEFAULTING or rng.random() >= 0.04:
            return
        amount = max(1, round(self.mean_net * rng.uniform(0.3, 1.0) / 1000)) * 1000 * self.scale
        text = rng.choice(ZH_ADVANCES if self.chinese else EN_ADVANCES)
        self.payments.append(self.payment(self.today - dt.timedelta(days=rng.randint(1, 45)), amount, text))

    def orders(self) -> tuple[DemoOrder, ...]:
        """One to three open orders for an active customer still buying, to be invoiced in the coming weeks."""
        rng = self.rng
        if self.account.status != "active" or self.ends_on < self.today or self.profile is Profile.DEFAULTING:
            return ()
        vat = 1 + VAT_PERCENT / 100 if self.chinese else 1.0
        return tuple(
            DemoOrder(f"SO-{self.account.code}-{serial:02d}", self.today - dt.timedelta(days=rng.randint(0, 20)),
                      max(self.scale, round(self.mean_net * vat * rng.lognormvariate(0, 0.4) * self.scale)),
                      self.today + dt.timedelta(days=rng.randint(3, 35)))
            for serial in range(1, rng.randint(1, 3) + 1))


def generate_history(accounts: Iterable[DemoAccount], seed: int, today: dt.date) -> list[DemoLedger]:
    """Every account's ledger of the 24 months up to `today`; the same seed always gives the same ledgers."""
    return [LedgerBuilder(account, seed, today).build() for account in accounts]


def generate_rates(currencies: Iterable[str], seed: int, today: dt.date) -> list[DemoRate]:
    """Every weekday's rate, a mean-reverting walk around a realistic level, from on or before the window's start."""
    first = window_start(today)
    while first.weekday() >= 5:
        first -= DAY
    rates = []
    for currency in sorted(currencies):
        rng = random.Random(f"{seed}:{currency}:rates")
        level, drift, day = RATE_LEVELS[currency], 0.0, first
        while day <= today:
            if day.weekday() < 5:
                rates.append(DemoRate(currency, day, Decimal(f"{level * math.exp(drift):.6g}")))
                drift += rng.gauss(0, RATE_VOLATILITY) - RATE_REVERSION * drift
            day += DAY
    return rates


def money(amount: int, scale: int) -> Decimal:
    """Minor units back to a decimal amount of the currency."""
    return Decimal(amount) / scale


def insert_rates(rates: Sequence[DemoRate]) -> int:
    """Insert the rates no one has set yet; a rate already there is kept as it is."""
    if not rates:
        return 0
    existing = set(ExchangeRate.objects.filter(
        currency_id__in={rate.currency for rate in rates}, rate_date__gte=min(rate.rate_date for rate in rates)
    ).values_list("currency_id", "rate_date"))
    rows = ExchangeRate.objects.bulk_create([
        ExchangeRate(currency_id=rate.currency, rate_date=rate.rate_date, rate=rate.rate, source=SOURCE)
        for rate in rates if (rate.currency, rate.rate_date) not in existing
    ], batch_size=BATCH_SIZE)
    return len(rows)


def ids_by_ledger(rows: Sequence[Invoice | CreditNote | Payment], sizes: Iterable[int]) -> list[list[int]]:
    """Inserted ids, per ledger in ledger order, so indexes in a ledger resolve to ids."""
    ids = iter(row.pk for row in rows)
    return [[next(ids) for _ in range(size)] for size in sizes]


def insert_ledgers(ledgers: Sequence[DemoLedger], customer_ids: dict[str, int], allocator_id: int | None
                   ) -> HistoryResult:
    """Write the ledgers, documents first so the allocations can point at their ids."""
    scales = [10 ** MINOR_UNITS.get(ledger.currency, 2) for ledger in ledgers]
    invoices = ids_by_ledger(Invoice.objects.bulk_create([
        Invoice(customer_id=customer_ids[ledger.code], currency_id=ledger.currency, source=SOURCE,
                external_id=i.number, number=i.number, invoice_date=i.invoice_date, due_date=i.due_date,
                net_amount=money(i.net, scale), tax_amount=money(i.tax, scale), gross_amount=money(i.gross, scale),
                order_reference=i.order_reference, payment_terms_days=(i.due_date - i.invoice_date).days,
                status=InvoiceStatus.PAID if i.paid else InvoiceStatus.OPEN, disputed=i.disputed)
        for ledger, scale in zip(ledgers, scales, strict=True) for i in ledger.invoices
    ], batch_size=BATCH_SIZE), (len(ledger.invoices) for ledger in ledgers))
    credit_notes = ids_by_ledger(CreditNote.objects.bulk_create([
        CreditNote(customer_id=customer_ids[ledger.code], currency_id=ledger.currency, source=SOURCE,
                   external_id=n.number, number=n.number, issued_on=n.issued_on, amount=money(n.amount, scale),
                   invoice_id=ids[n.invoice])
        for ledger, scale, ids in zip(ledgers, scales, invoices, strict=True) for n in ledger.credit_notes
    ], batch_size=BATCH_SIZE), (len(ledger.credit_notes) for ledger in ledgers))
    payments = ids_by_ledger(Payment.objects.bulk_create([
        Payment(customer_id=customer_ids[ledger.code], currency_id=ledger.currency, source=SOURCE,
                external_id=p.external_id, received_on=p.received_on, amount=money(p.amount, scale), method=p.method,
                bank_reference=p.bank_reference, remittance_text=p.remittance_text)
        for ledger, scale in zip(ledgers, scales, strict=True) for p in ledger.payments
    ], batch_size=BATCH_SIZE), (len(ledger.payments) for ledger in ledgers))
    allocations = Allocation.objects.bulk_create([
        Allocation(invoice_id=invoice_ids[a.invoice], amount=money(a.amount, scale), allocated_on=a.allocated_on,
                   payment_id=None if a.payment is None else payment_ids[a.payment],
                   credit_note_id=None if a.credit_note is None else note_ids[a.credit_note],
                   created_by_id=allocator_id)
        for ledger, scale, invoice_ids, payment_ids, note_ids in zip(ledgers, scales, invoices, payments, credit_notes,
                                                                     strict=True)
        for a in ledger.allocations
    ], batch_size=BATCH_SIZE)
    orders = SalesOrder.objects.bulk_create([
        SalesOrder(customer_id=customer_ids[ledger.code], currency_id=ledger.currency, source=SOURCE,
                   external_id=o.number, number=o.number, ordered_on=o.ordered_on, amount=money(o.amount, scale),
                   expected_invoice_date=o.expected_invoice_date)
        for ledger, scale in zip(ledgers, scales, strict=True) for o in ledger.orders
    ], batch_size=BATCH_SIZE)
    return HistoryResult(sum(map(len, invoices)), sum(map(len, credit_notes)), sum(map(len, payments)),
                         len(allocations), len(orders))


def load_demo_history(seed: int, today: dt.date) -> HistoryResult:
    """Write every stored customer's history and its currencies' rates; the demo collector made the allocations."""
    stored = list(Customer.objects.order_by("code").values_list(
        "pk", "code", "country", "currency_id", "size", "status", "payment_terms_days"))
    customer_ids = {code: pk for pk, code, *_ in stored}
    accounts = [DemoAccount(*row[1:]) for row in stored]
    allocator_id = User.objects.filter(username="collector").values_list("pk", flat=True).first()
    foreign = {account.currency for account in accounts} - {FUNCTIONAL_CURRENCY}
    with transaction.atomic():
        result = HistoryResult(rates=insert_rates(generate_rates(foreign, seed, today)))
        for start in range(0, len(accounts), CHUNK):
            ledgers = generate_history(accounts[start:start + CHUNK], seed, today)
            result += insert_ledgers(ledgers, customer_ids, allocator_id)
        record_audit(None, "demo_history.load", User.objects.get(username="admin"),
                     {name: [None, count] for name, count in asdict(result).items()})
    return result
