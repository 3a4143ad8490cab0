"""Financial statements and external ratings from a spreadsheet or CSV.

Statements: one row per customer and period end, upserted on that pair. A row names its customer by customer
number or external id and says the whole statement: an empty line is unknown, an empty currency is the customer's
invoicing currency, empty months are 12.

Ratings: one row per customer, agency and rating day, upserted on those three; the agency and grade may be written
in any case ("s&p", "bbb-") and are kept as the agency's scale spells them, with our class for the grade.

Every row passes the same checks as one entered by hand, or nothing is written; a known statement or rating whose
values differ is corrected (audited before and after), and the same file again writes nothing.
"""

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creditdesk.assessment.models import ExternalRating, FinancialStatement, Outlook, RatingSource, StatementSource
from creditdesk.assessment.services import (
    LINES,
    STATEMENT_FIELDS,
    Scales,
    agency_scales,
    check_rating,
    check_statement,
    import_ratings,
    import_statements,
)
from creditdesk.audit.services import diff, snapshot
from creditdesk.core.types import Actor
from creditdesk.currencies.models import Currency
from creditdesk.imports.cells import RowProblem, parse_bool, parse_choice, parse_date, parse_int, parse_money
from creditdesk.imports.kinds import ImportKind, Plan, Record, RowError, register
from creditdesk.receivables.feeds import CURRENCY_NAMES, CustomerRef, chunks, known_customers, required_date

Key = tuple[int, dt.date]
RatingKey = tuple[int, str, dt.date]  # customer, agency as its scale spells it, rated on
RATING_VALUES = ("grade", "rating_class", "outlook")  # what a file may correct in a rating on file


@dataclass
class StatementRow:
    """One readable row: where it is in the file, its customer and period, the field values to write."""

    number: int
    key: Key
    values: dict[str, Any]


def parse_line(column: str, text: str) -> Decimal | None:
    """An amount to the cent, None for an empty cell; a loss may be written -1234.56 or, like accountants, (1234.56)."""
    text = text.strip()
    if not text:
        return None
    if text.startswith("(") and text.endswith(")"):
        return -parse_money(column, text[1:-1])
    if text.startswith("-"):
        return -parse_money(column, text[1:])
    return parse_money(column, text)


def named_customer(customers: dict[str, CustomerRef], reference: str) -> CustomerRef:
    """The customer a row names by external id or customer number, or the cell's problem."""
    if not reference:
        raise RowProblem("customer", _("Required."))
    if reference not in customers:
        raise RowProblem("customer", _("No customer with external id or number “%(value)s”.") % {"value": reference})
    return customers[reference]


def existing_statements(keys: set[Key]) -> dict[Key, FinancialStatement]:
    """Statements already on file for the rows' customers and period ends."""
    found: dict[Key, FinancialStatement] = {}
    on_file = FinancialStatement.objects.filter(period_end__in={period_end for _c, period_end in keys})
    for part in chunks(sorted({customer for customer, _date in keys})):
        for statement in on_file.filter(customer_id__in=part).select_related("customer"):
            found[(statement.customer_id, statement.period_end)] = statement
    return {key: statement for key, statement in found.items() if key in keys}


@register
class FinancialStatementImport(ImportKind):
    name = "financial-statements"
    label = gettext_lazy("Financial statements")
    permission = "assessment.add_financialstatement"
    required = frozenset({"customer", "period_end", "source", "total_assets", "total_liabilities", "equity"})
    columns = {
        "customer": gettext_lazy("customer"), "period_end": gettext_lazy("period end"),
        "period_months": gettext_lazy("months covered"), "currency": gettext_lazy("currency"),
        "audited": gettext_lazy("audited"), "source": gettext_lazy("source"),
        "current_assets": gettext_lazy("current assets"), "cash": gettext_lazy("cash and equivalents"),
        "receivables": gettext_lazy("trade receivables"), "inventory": gettext_lazy("inventory"),
        "total_assets": gettext_lazy("total assets"), "current_liabilities": gettext_lazy("current liabilities"),
        "total_liabilities": gettext_lazy("total liabilities"), "equity": gettext_lazy("equity"),
        "retained_earnings": gettext_lazy("retained earnings"), "revenue": gettext_lazy("revenue"),
        "gross_profit": gettext_lazy("gross profit"), "ebit": gettext_lazy("EBIT"),
        "interest_expense": gettext_lazy("interest expense"), "net_income": gettext_lazy("net income"),
        "operating_cash_flow": gettext_lazy("operating cash flow"),
    }

    def plan(self, records: list[Record]) -> Plan:
        self.customers = known_customers({raw.get("customer", "").strip() for _n, raw in records} - {""})
        self.currencies = set(Currency.objects.filter(is_active=True).values_list("code", flat=True))
        plan, rows = Plan(), []
        for number, raw in records:
            self.row_checked()
            try:
                rows.append(self.parse_row(number, raw))
            except RowProblem as problem:
                plan.errors.append(RowError(number, problem.column, problem.message))
        rows = self.without_duplicates(rows, plan)
        existing = existing_statements({row.key for row in rows})
        for row in rows:
            self.classify(row, existing.get(row.key), plan)
        return plan

    def parse_row(self, number: int, raw: dict[str, str]) -> StatementRow:
        """Read every cell of a row, or name the first cell that cannot be read."""
        customer = self.customer(raw.get("customer", "").strip())
        period_end = required_date("period_end", parse_date("period_end", raw.get("period_end", "").strip()))
        source = parse_choice("source", raw.get("source", "").strip(), StatementSource)
        if not source:
            raise RowProblem("source", _("Required."))
        values: dict[str, Any] = {
            "customer_id": customer.id, "period_end": period_end, "source": source,
            "period_months": parse_int("period_months", raw.get("period_months", "").strip(), 12),
            "currency_id": self.currency(raw.get("currency", ""), customer),
            "audited": parse_bool("audited", raw.get("audited", "")),
            **{line: parse_line(line, raw.get(line, "")) for line in LINES},
        }
        return StatementRow(number, (customer.id, period_end), values)

    def customer(self, reference: str) -> CustomerRef:
        return named_customer(self.customers, reference)

    def currency(self, text: str, customer: CustomerRef) -> str:
        """The row's currency, else the customer's invoicing currency; an unknown code is refused."""
        written = text.strip().upper()
        code = CURRENCY_NAMES.get(written, written) or customer.currency_id
        if code not in self.currencies:
            raise RowProblem("currency", _("Unknown currency “%(value)s”.") % {"value": text})
        return code

    @staticmethod
    def without_duplicates(rows: list[StatementRow], plan: Plan) -> list[StatementRow]:
        """The same customer and period twice in one file is an error, not a silent overwrite."""
        first_seen: dict[Key, int] = {}
        for row in rows:
            if row.key in first_seen:
                plan.errors.append(RowError(row.number, "period_end", _("Duplicate of row %(row)d.")
                                            % {"row": first_seen[row.key]}))
            first_seen.setdefault(row.key, row.number)
        return [row for row in rows if first_seen[row.key] == row.number]

    @staticmethod
    def classify(row: StatementRow, existing: FinancialStatement | None, plan: Plan) -> None:
        """New, corrected or unchanged, after the checks a statement entered by hand passes."""
        candidate = copy.copy(existing) if existing is not None else FinancialStatement()
        for name, value in row.values.items():
            setattr(candidate, name, value)
        try:
            check_statement(candidate, exclude=("customer", "currency", "entered_by"))
        except ValidationError as error:
            plan.errors.extend(RowError(row.number, field, messages[0])
                               for field, messages in error.message_dict.items())
            return
        if existing is None:
            plan.creates.append(candidate)
        elif diff(snapshot(existing, STATEMENT_FIELDS), snapshot(candidate, STATEMENT_FIELDS)):
            plan.updates.append((existing, row.values))
        else:
            plan.unchanged += 1

    def apply(self, actor: Actor, plan: Plan, reason: str) -> None:
        import_statements(actor, plan.creates, plan.updates, reason)


def existing_ratings(keys: set[RatingKey]) -> dict[RatingKey, ExternalRating]:
    """Ratings already on file for the rows' customers, agencies and days."""
    found: dict[RatingKey, ExternalRating] = {}
    on_file = ExternalRating.objects.filter(rated_on__in={rated_on for _c, _a, rated_on in keys})
    for part in chunks(sorted({customer for customer, _a, _d in keys})):
        for rating in on_file.filter(customer_id__in=part).select_related("customer"):
            found[(rating.customer_id, rating.agency, rating.rated_on)] = rating
    return {key: rating for key, rating in found.items() if key in keys}


def rating_key(rating: ExternalRating) -> RatingKey:
    return rating.customer_id, rating.agency, rating.rated_on


@register
class ExternalRatingImport(ImportKind):
    name = "external-ratings"
    label = gettext_lazy("External ratings")
    permission = "assessment.add_externalrating"
    required = frozenset({"customer", "agency", "grade", "rated_on"})
    columns = {
        "customer": gettext_lazy("customer"), "agency": gettext_lazy("agency"), "grade": gettext_lazy("grade"),
        "rated_on": gettext_lazy("rated on"), "outlook": gettext_lazy("outlook"),
    }

    def plan(self, records: list[Record]) -> Plan:
        self.customers = known_customers({raw.get("customer", "").strip() for _n, raw in records} - {""})
        scales, plan, rows = agency_scales(), Plan(), []
        for number, raw in records:
            self.row_checked()
            try:
                rows.append((number, self.checked_row(raw, scales)))
            except RowProblem as problem:
                plan.errors.append(RowError(number, problem.column, problem.message))
            except ValidationError as error:
                plan.errors.extend(RowError(number, field, messages[0])
                                   for field, messages in error.message_dict.items())
        rows = self.without_duplicates(rows, plan)
        existing = existing_ratings({rating_key(rating) for _n, rating in rows})
        for _number, rating in rows:
            self.classify(rating, existing.get(rating_key(rating)), plan)
        return plan

    def checked_row(self, raw: dict[str, str], scales: Scales) -> ExternalRating:
        """A row read cell by cell, then checked and mapped like a rating entered by hand."""
        rating = ExternalRating(
            customer_id=named_customer(self.customers, raw.get("customer", "").strip()).id,
            agency=raw.get("agency", "").strip(), grade=raw.get("grade", "").strip(), source=RatingSource.IMPORTED,
            rated_on=required_date("rated_on", parse_date("rated_on", raw.get("rated_on", "").strip())),
            outlook=parse_choice("outlook", raw.get("outlook", "").strip(), Outlook))
        check_rating(rating, scales)
        return rating

    @staticmethod
    def without_duplicates(rows: list[tuple[int, ExternalRating]], plan: Plan) -> list[tuple[int, ExternalRating]]:
        """The same customer, agency and day twice in one file is an error, not a silent overwrite."""
        first_seen: dict[RatingKey, int] = {}
        for number, rating in rows:
            key = rating_key(rating)
            if key in first_seen:
                plan.errors.append(RowError(number, "rated_on", _("Duplicate of row %(row)d.")
                                            % {"row": first_seen[key]}))
            first_seen.setdefault(key, number)
        return [(number, rating) for number, rating in rows if first_seen[rating_key(rating)] == number]

    @staticmethod
    def classify(rating: ExternalRating, existing: ExternalRating | None, plan: Plan) -> None:
        """New, corrected (another grade or outlook that day) or unchanged."""
        if existing is None:
            plan.creates.append(rating)
            return
        values = {field: getattr(rating, field) for field in RATING_VALUES}
        if any(getattr(existing, field) != value for field, value in values.items()):
            plan.updates.append((existing, values))
        else:
            plan.unchanged += 1

    def apply(self, actor: Actor, plan: Plan, reason: str) -> None:
        import_ratings(actor, plan.creates, plan.updates, reason)
