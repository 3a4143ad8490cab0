"""What every ledger feed shares: rows keyed by (source, external id), checked against the file and the
database in bulk, then written in bulk; re-sending a file finds every row unchanged and writes nothing.

Documents created by a feed are accounted for by the import batch (file, hash, counts, who, when) and its
audit entry; a document the feed changes gets its own audit entry with the values before and after.
"""

import datetime as dt
from abc import abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, ClassVar

from django.db import connection, models
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from creditdesk.audit.services import diff, record_audits, snapshot
from creditdesk.core.bulk import insert_rows
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor
from creditdesk.currencies.models import Currency
from creditdesk.customers.models import Customer
from creditdesk.imports.cells import RowProblem
from creditdesk.imports.kinds import ImportKind, Plan, Record, RowError
from creditdesk.receivables.selectors import active_allocations, cents

CHUNK = 900
DEFAULT_SOURCE = "erp"
# how Chinese ERPs and bank files often write the common currencies
CURRENCY_NAMES = {"RMB": "CNY", "人民币": "CNY", "美元": "USD", "欧元": "EUR", "港币": "HKD", "港元": "HKD",
                  "日元": "JPY", "英镑": "GBP"}


@dataclass(frozen=True)
class CustomerRef:
    """What a feed needs to know of a customer it names."""

    id: int
    currency_id: str
    payment_terms_days: int


@dataclass
class LedgerRow:
    """One checked row: where it is in the file, its key, and the field values to write."""

    number: int
    key: tuple[str, str]
    values: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)
    existing: Any = None
    changes: dict[str, Any] = field(default_factory=dict)


def chunks(values: list[Any]) -> Iterable[list[Any]]:
    """SQLite limits the parameters of one query, so long lists are looked up in slices (PostgreSQL: large ones)."""
    size = 50_000 if connection.vendor == "postgresql" else CHUNK
    for start in range(0, len(values), size):
        yield values[start:start + size]


def known_customers(references: set[str]) -> dict[str, CustomerRef]:
    """Customers as a file names them: by external id or by customer number."""
    found: dict[str, CustomerRef] = {}
    for part in chunks(sorted(references)):
        rows = Customer.objects.filter(Q(external_id__in=part) | Q(code__in=part)).values_list(
            "id", "external_id", "code", "currency_id", "payment_terms_days")
        for pk, external_id, code, currency, terms in rows:
            reference = CustomerRef(pk, currency, terms)
            found.setdefault(code, reference)
            if external_id:
                found[external_id] = reference
    return found


def existing_by_key(model: type[models.Model], keys: set[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """Documents already in the ledger under the file's (source, external id) keys."""
    found: dict[tuple[str, str], Any] = {}
    by_source: dict[str, list[str]] = {}
    for source, external_id in keys:
        by_source.setdefault(source, []).append(external_id)
    for source, external_ids in by_source.items():
        for part in chunks(external_ids):
            items: Any = model._default_manager.filter(source=source, external_id__in=part)
            found.update({(source, item.external_id): item for item in items})
    return found


def allocated_totals(via: str, ids: list[int]) -> dict[int, Decimal]:
    """What is allocated to each of these invoices or payments, in one grouped query per slice."""
    totals: dict[int, Decimal] = {}
    for part in chunks(ids) if via else []:
        totals.update(active_allocations().filter(**{f"{via}_id__in": part}).order_by().values_list(via)
                      .annotate(total=Sum("amount")).values_list(via, "total"))
    return {pk: cents(total) for pk, total in totals.items()}


class LedgerImport(ImportKind):
    """A feed of one kind of ledger document, upserted by (source, external id)."""

    model: ClassVar[type[models.Model]]
    compared: ClassVar[list[str]]
    update_action: ClassVar[str]
    allocated_via: ClassVar[str] = ""  # "invoice" or "payment": documents whose allocations limit their changes

    def plan(self, records: list[Record]) -> Plan:
        self.prepare(records)
        plan, rows = Plan(), []
        for number, raw in records:
            try:
                row = self.parse_row(number, raw)
                self.check_lengths(row)
                rows.append(row)
            except RowProblem as problem:
                plan.errors.append(RowError(number, problem.column, problem.message))
        self.check_duplicates(rows, plan)
        existing = existing_by_key(self.model, {row.key for row in rows})
        self.allocated = allocated_totals(self.allocated_via, [item.pk for item in existing.values()])
        for row in rows:
            row.existing = existing.get(row.key)
            try:
                self.classify(row, plan)
            except RowProblem as problem:
                plan.errors.append(RowError(row.number, problem.column, problem.message))
        self.check_file(rows, plan)
        return plan

    def prepare(self, records: list[Record]) -> None:
        """Read once for the whole file what its rows refer to."""
        self.currencies = set(Currency.objects.filter(is_active=True).values_list("code", flat=True))
        self.customers = known_customers({raw.get("customer", "") for _n, raw in records} - {""})

    @abstractmethod
    def parse_row(self, number: int, raw: dict[str, str]) -> LedgerRow:
        """Read every cell of a row, or name the first cell that is wrong."""

    def check_file(self, rows: list[LedgerRow], plan: Plan) -> None:
        """A new document's number must not already belong to another document of the same source."""
        new = [row for row in plan.creates if row.values.get("number")]
        taken: dict[tuple[str, str], str] = {}
        for source in {row.key[0] for row in new}:
            numbers = [row.values["number"] for row in new if row.key[0] == source]
            for part in chunks(numbers):
                taken.update({(source, number): external_id for number, external_id in self.model._default_manager
                              .filter(source=source, number__in=part).values_list("number", "external_id")})
        for row in new:
            if (row.key[0], row.values["number"]) in taken:
                plan.errors.append(RowError(row.number, "number", _("Number %(number)s is already used by external id "
                                                                    "“%(other)s”.") % {
                    "number": row.values["number"], "other": taken[(row.key[0], row.values["number"])]}))

    def key(self, raw: dict[str, str], fallback: str = "") -> tuple[str, str]:
        source = raw.get("source", "").strip() or DEFAULT_SOURCE
        external_id = raw.get("external_id", "").strip() or fallback
        if not external_id:
            raise RowProblem("external_id", _("Required."))
        return source, external_id

    def customer(self, raw: dict[str, str]) -> CustomerRef:
        reference = raw.get("customer", "").strip()
        if not reference:
            raise RowProblem("customer", _("Required."))
        if reference not in self.customers:
            raise RowProblem("customer", _("No customer with external id or number “%(value)s”.")
                             % {"value": reference})
        return self.customers[reference]

    def currency(self, raw: dict[str, str], customer: CustomerRef | None) -> str:
        """The row's currency, else the customer's invoicing currency; an unknown code is refused."""
        written = raw.get("currency", "").strip().upper()
        code = CURRENCY_NAMES.get(written, written) or (customer.currency_id if customer else "")
        if code not in self.currencies:
            raise RowProblem("currency", _("Unknown currency “%(value)s”.") % {"value": raw.get("currency", "")})
        return code

    def check_lengths(self, row: LedgerRow) -> None:
        """A value longer than its column is a row error, not a failed write."""
        for name, limit in self.limits.items():
            value = row.values.get(name)
            if isinstance(value, str) and len(value) > limit:
                raise RowProblem(name, _("At most %(limit)d characters.") % {"limit": limit})

    @cached_property
    def limits(self) -> dict[str, int]:
        return {f.attname: f.max_length for f in self.model._meta.concrete_fields
                if isinstance(f, models.CharField) and f.max_length}

    @staticmethod
    def check_duplicates(rows: list[LedgerRow], plan: Plan) -> None:
        """The same document twice in one file is an error, not a silent overwrite."""
        for name in ("key", "number"):
            first_seen: dict[Any, int] = {}
            for row in rows:
                value = row.key if name == "key" else (row.key[0], row.values.get("number"))
                if value[1] is None:
                    continue
                if value in first_seen:
                    column = "external_id" if name == "key" else "number"
                    plan.errors.append(RowError(row.number, column, _("Duplicate of row %(row)d.")
                                                % {"row": first_seen[value]}))
                first_seen.setdefault(value, row.number)

    def classify(self, row: LedgerRow, plan: Plan) -> None:
        """New, changed or unchanged against what the ledger holds under the same key."""
        if row.existing is None:
            plan.creates.append(row)
            return
        candidate = self.model(**{**{f.attname: getattr(row.existing, f.attname)
                                     for f in self.model._meta.concrete_fields}, **row.values})
        row.changes = diff(snapshot(row.existing, self.compared), snapshot(candidate, self.compared))
        if row.changes:
            self.check_change(row, candidate)
            plan.updates.append(row)
        else:
            plan.unchanged += 1

    def check_change(self, row: LedgerRow, candidate: Any) -> None:
        """Refuse a change the ledger cannot take (for example an amount below what is already allocated)."""

    def apply(self, actor: Actor, plan: Plan, reason: str) -> None:
        """Creates in bulk, changes in bulk with one audit entry each, then what the kind does after."""
        require(actor, self.permission)
        self.before_write(actor, plan, reason)
        insert_rows(self.model, (row.values for row in plan.creates))
        changed = []
        for row in plan.updates:
            for name, value in row.values.items():
                setattr(row.existing, name, value)
            changed.append(row.existing)
        fields = sorted({name for row in plan.updates for name in row.values})
        if changed:
            self.model._default_manager.bulk_update(changed, fields, batch_size=1000)
        record_audits(actor, self.update_action, [(row.existing, row.changes) for row in plan.updates], reason)
        self.after_write(actor, plan, reason)

    def before_write(self, actor: Actor, plan: Plan, reason: str) -> None:
        """What must exist before the documents are written (customers seen for the first time)."""

    def after_write(self, actor: Actor, plan: Plan, reason: str) -> None:
        """What follows from the documents written (settlements, allocations)."""


def required_date(column: str, value: dt.date | None) -> dt.date:
    if value is None:
        raise RowProblem(column, _("Required."))
    return value
