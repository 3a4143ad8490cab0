"""Customer master data from files and API batches, upserted by external id."""

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from creditdesk.audit.services import diff, snapshot
from creditdesk.core.types import Actor
from creditdesk.currencies.models import Currency
from creditdesk.customers.choices import CompanySize, CustomerStatus, Industry, Language
from creditdesk.customers.models import Customer
from creditdesk.customers.services import (
    check_uscc_required,
    import_customers,
    next_customer_codes,
)
from creditdesk.customers.uscc import normalise_uscc, validate_uscc
from creditdesk.imports.cells import RowProblem, parse_choice, parse_date, parse_int
from creditdesk.imports.kinds import ImportKind, Plan, Record, RowError, register

USER_COLUMNS = ("owner", "analyst", "collector")
CHOICE_COLUMNS = {"industry": Industry, "size": CompanySize, "status": CustomerStatus, "language": Language}


def country_names() -> dict[str, str]:
    """Countries by ISO code, English name and Chinese name, as people type them."""
    names: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            names.update({str(name).casefold(): code for code, name in countries})
    names.update({code.casefold(): code for code, _name in countries})
    names.update({alpha3.casefold(): countries.alpha2(alpha3) for alpha3 in ("CHN", "USA", "DEU", "JPN", "GBR")})
    return names


@dataclass
class Lookups:
    """Everything a file refers to, read once for the whole file instead of once per row."""

    existing: dict[str, Customer]
    users: dict[str, Any]
    currencies: set[str]
    countries: dict[str, str]
    uscc_owner: dict[str, str | None]
    code_owner: dict[str, str | None]

    @classmethod
    def for_records(cls, records: list[Record]) -> "Lookups":
        external_ids = [raw.get("external_id", "") for _n, raw in records]
        usccs = [normalise_uscc(raw.get("uscc", "")) for _n, raw in records if raw.get("uscc")]
        codes = [raw.get("code", "") for _n, raw in records if raw.get("code")]
        usernames = {raw.get(c, "") for _n, raw in records for c in USER_COLUMNS} - {""}
        customers = Customer.objects.select_related("parent")
        existing = {c.external_id: c for c in chunked_in(customers, "external_id", external_ids)}
        parents = {raw.get("parent", "") for _n, raw in records} - {""} - set(existing)
        existing.update({c.external_id: c for c in chunked_in(customers, "external_id", list(parents))})
        return cls(
            existing={k: v for k, v in existing.items() if k},
            users={u.get_username(): u for u in get_user_model().objects.filter(username__in=usernames)},
            currencies=set(Currency.objects.filter(is_active=True).values_list("code", flat=True)),
            countries=country_names(),
            uscc_owner=dict(chunked_values(Customer.objects.all(), "uscc", usccs)),
            code_owner=dict(chunked_values(Customer.objects.all(), "code", codes)),
        )


def chunked_in(queryset: Any, field_name: str, values: list[str], size: int = 900) -> list[Any]:
    """SQLite limits query parameters, so long lists are looked up in slices."""
    found: list[Any] = []
    for start in range(0, len(values), size):
        found.extend(queryset.filter(**{f"{field_name}__in": values[start:start + size]}))
    return found


def chunked_values(queryset: Any, field_name: str, values: list[str]) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for start in range(0, len(values), 900):
        found.extend(queryset.filter(**{f"{field_name}__in": values[start:start + 900]})
                     .values_list(field_name, "external_id"))
    return found


def leads_back(row: "CustomerRow", file_parent: Mapping[str, str | None], in_file: Mapping[int, str]) -> bool:
    """Walk up from the row's new parent, the file's parents overriding the database's; True on a circle."""
    external_id: str | None = row.parent
    for _step in range(1000):
        if not external_id:
            return False
        if external_id == row.external_id:
            return True
        if external_id in file_parent:
            external_id = file_parent[external_id]
            continue
        parent_id = Customer.objects.filter(external_id=external_id).values_list("parent_id", flat=True).first()
        while parent_id is not None and parent_id not in in_file:
            parent_id = Customer.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
        external_id = in_file.get(parent_id) if parent_id is not None else None
    return True


@dataclass
class CustomerRow:
    """One checked row: its number, the values to write, and its parent's external id."""

    number: int
    external_id: str
    values: dict[str, Any]
    parent: str | None = None
    existing: Customer | None = None
    changes: dict[str, Any] = field(default_factory=dict)


@register
class CustomerImport(ImportKind):
    name = "customers"
    label = gettext_lazy("Customers")
    permission = "customers.add_customer"
    required = frozenset({"external_id", "name", "country"})
    columns = {
        "external_id": gettext_lazy("external id"), "code": gettext_lazy("customer number"),
        "name": gettext_lazy("legal name"), "local_name": gettext_lazy("local-language name"),
        "uscc": gettext_lazy("unified social credit code"),
        "registration_number": gettext_lazy("registration number"), "tax_number": gettext_lazy("tax number"),
        "country": gettext_lazy("country"), "industry": gettext_lazy("industry"),
        "size": gettext_lazy("company size"), "founded_on": gettext_lazy("founded on"),
        "address": gettext_lazy("address"), "language": gettext_lazy("correspondence language"),
        "currency": gettext_lazy("invoicing currency"), "payment_terms_days": gettext_lazy("payment terms (days)"),
        "owner": gettext_lazy("sales owner"), "analyst": gettext_lazy("credit analyst"),
        "collector": gettext_lazy("collector"), "status": gettext_lazy("status"),
        "parent": gettext_lazy("parent company"),
    }

    def plan(self, records: list[Record]) -> Plan:
        lookups = Lookups.for_records(records)
        plan, rows = Plan(), []
        for number, raw in records:
            self.row_checked()
            try:
                rows.append(self.parse_row(number, raw, lookups))
            except RowProblem as problem:
                plan.errors.append(RowError(number, problem.column, problem.message))
        self.check_duplicates(rows, plan)
        self.check_references(rows, {raw.get("external_id", "") for _n, raw in records}, lookups, plan)
        for row in self.parents_first(rows, plan):
            self.classify(row, plan)
        self.check_circles_with_database(rows, plan)
        return plan

    def parse_row(self, number: int, raw: dict[str, str], lookups: Lookups) -> CustomerRow:
        """Read every cell of a row into field values, or name the first cell that is wrong."""
        external_id = raw.get("external_id", "")
        if not external_id:
            raise RowProblem("external_id", _("Required."))
        if not raw.get("name"):
            raise RowProblem("name", _("Required."))
        values: dict[str, Any] = {k: raw[k] for k in ("name", "local_name", "registration_number",
                                                      "tax_number", "address") if k in raw}
        if raw.get("code"):  # an empty cell keeps the customer's number, or draws the next for a new one
            values["code"] = raw["code"]
        values["external_id"] = external_id
        country = lookups.countries.get(raw.get("country", "").casefold())
        if country is None:
            raise RowProblem("country", _("Unknown country “%(value)s”.") % {"value": raw.get("country", "")})
        values["country"] = country
        if "uscc" in raw:
            values["uscc"] = self.parse_uscc(raw["uscc"], external_id, lookups)
        if raw.get("code") and lookups.code_owner.get(raw["code"], external_id) != external_id:
            raise RowProblem("code", _("Customer number %(code)s belongs to another customer.") % {"code": raw["code"]})
        for column, choices in CHOICE_COLUMNS.items():
            # an empty language cell: by country for a new customer (see classify), unchanged for a known one
            if column in raw and (raw[column] or column != "language"):
                values[column] = parse_choice(column, raw[column], choices) or (
                    CustomerStatus.ACTIVE if column == "status" else "")
        if "founded_on" in raw:
            values["founded_on"] = parse_date("founded_on", raw["founded_on"])
        if "payment_terms_days" in raw:
            values["payment_terms_days"] = parse_int("payment_terms_days", raw["payment_terms_days"], 30)
        self.parse_references(raw, values, lookups)
        return CustomerRow(number, external_id, values, raw.get("parent"))

    @staticmethod
    def parse_uscc(text: str, external_id: str, lookups: Lookups) -> str | None:
        if not text:
            return None
        try:
            validate_uscc(text)
        except ValidationError as error:
            raise RowProblem("uscc", error.messages[0]) from None
        code = normalise_uscc(text)
        if lookups.uscc_owner.get(code, external_id) != external_id:
            raise RowProblem("uscc", _("This code belongs to another customer."))
        return code

    @staticmethod
    def parse_references(raw: dict[str, str], values: dict[str, Any], lookups: Lookups) -> None:
        if "currency" in raw:
            currency = raw["currency"].upper() or "CNY"
            if currency not in lookups.currencies:
                raise RowProblem("currency", _("Unknown currency “%(value)s”.") % {"value": raw["currency"]})
            values["currency_id"] = currency
        for column in USER_COLUMNS:
            if column in raw:
                if raw[column] and raw[column] not in lookups.users:
                    raise RowProblem(column, _("No user “%(value)s”.") % {"value": raw[column]})
                values[column] = lookups.users.get(raw[column])

    @staticmethod
    def check_duplicates(rows: list[CustomerRow], plan: Plan) -> None:
        """The same external id or code twice in one file is an error, not a silent overwrite."""
        for key in ("external_id", "uscc", "code"):
            first_seen: dict[str, int] = {}
            for row in rows:
                value = row.values.get(key)
                if not value:
                    continue
                if value in first_seen:
                    plan.errors.append(RowError(row.number, key, _("Duplicate of row %(row)d.")
                                                % {"row": first_seen[value]}))
                first_seen.setdefault(value, row.number)

    @staticmethod
    def check_references(rows: list[CustomerRow], in_file: set[str], lookups: Lookups, plan: Plan) -> None:
        """A parent is in the file (even on a row with its own error, reported there) or already known."""
        for row in rows:
            row.existing = lookups.existing.get(row.external_id)
            if row.parent and row.parent not in in_file and row.parent not in lookups.existing:
                plan.errors.append(RowError(row.number, "parent", _("No customer with external id “%(value)s”.")
                                            % {"value": row.parent}))

    @staticmethod
    def parents_first(rows: list[CustomerRow], plan: Plan) -> list[CustomerRow]:
        """Order rows so a parent in the same file is written before its children; refuse circles."""
        by_id = {row.external_id: row for row in rows}
        ordered: list[CustomerRow] = []
        state: dict[str, str] = {}
        for row in rows:
            path: list[CustomerRow] = []
            node: CustomerRow | None = row
            while node is not None and node.external_id not in state:
                state[node.external_id] = "visiting"
                path.append(node)
                node = by_id.get(node.parent or "")
            if node is not None and state[node.external_id] == "visiting":
                plan.errors.append(RowError(node.number, "parent", _("These parents form a circle.")))
            for member in reversed(path):
                state[member.external_id] = "done"
                ordered.append(member)
        return ordered

    @staticmethod
    def check_circles_with_database(rows: list[CustomerRow], plan: Plan) -> None:
        """A new parent may close a circle through companies already on file, not only within the file."""
        file_parent = {row.external_id: row.parent for row in rows if row.parent is not None}
        in_file = {row.existing.pk: row.external_id for row in rows if row.existing and row.parent is not None}
        for row in rows:
            if row.existing is None or not row.parent or row.parent == (
                    row.existing.parent.external_id if row.existing.parent else ""):
                continue
            if leads_back(row, file_parent, in_file):
                plan.errors.append(RowError(row.number, "parent", _("This parent would make the group a circle.")))

    def classify(self, row: CustomerRow, plan: Plan) -> None:
        """New, changed or unchanged; field rules checked on the would-be customer."""
        if row.existing is None:
            row.values.setdefault("language", Language.ZH_HANS if row.values["country"] == "CN" else Language.EN)
            row.values.setdefault("currency_id", "CNY")
            candidate = Customer(**row.values)
        else:
            candidate = copy.copy(row.existing)
            for name, value in row.values.items():
                setattr(candidate, name, value)
        try:
            candidate.full_clean(exclude=["code", "country", "currency", "owner", "analyst", "collector", "parent"],
                                 validate_unique=False)
            check_uscc_required(candidate)
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                plan.errors.append(RowError(row.number, column, "; ".join(messages)))
            return
        if row.existing is None:
            plan.creates.append(row)
            return
        fields = list(self.audited(row))
        row.changes = diff(snapshot(row.existing, fields), snapshot(candidate, fields))
        if row.parent is not None:
            current = row.existing.parent.external_id if row.existing.parent else ""
            if current != row.parent:
                row.changes["parent"] = [current, row.parent]
        if row.changes:
            plan.updates.append(row)
        else:
            plan.unchanged += 1

    @staticmethod
    def audited(row: CustomerRow) -> dict[str, None]:
        return {("currency" if k == "currency_id" else k): None for k in row.values}

    def apply(self, actor: Actor, plan: Plan, reason: str) -> None:
        """Parents first, in bulk, through the customers service that audits every customer."""
        numbers = iter(next_customer_codes(sum(1 for row in plan.creates if not row.values.get("code"))))
        new = {row.external_id: Customer(**row.values) for row in plan.creates}
        for customer in new.values():
            customer.code = customer.code or next(numbers)
        parents = {c.external_id: c for c in Customer.objects.filter(
            external_id__in={row.parent for row in [*plan.creates, *plan.updates] if row.parent} - set(new))}
        changed = []
        for row in plan.creates:
            new[row.external_id].parent = new.get(row.parent or "") or parents.get(row.parent or "")
        for row in plan.updates:
            values = dict(row.values)
            if row.parent is not None:
                values["parent"] = new.get(row.parent) or parents.get(row.parent) if row.parent else None
            changed.append((row.existing, values))
        try:
            import_customers(actor, list(new.values()), changed, reason)
        except ValidationError as error:
            raise ValidationError(_("The import cannot be written: %(problem)s")
                                  % {"problem": "; ".join(error.messages)}) from None
