"""Financial statements from a spreadsheet or CSV: one row per customer and period end, upserted on that pair.

A row names its customer by customer number or external id and says the whole statement: an empty line is
unknown, an empty currency is the customer's invoicing currency, empty months are 12. Every row passes the
same checks as a statement entered by hand, or nothing is written; a known statement whose figures differ is
corrected (audited before and after), and the same file again writes nothing.
"""

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creditdesk.assessment.models import FinancialStatement, StatementSource
from creditdesk.assessment.services import LINES, STATEMENT_FIELDS, check_statement, import_statements
from creditdesk.audit.services import diff, snapshot
from creditdesk.core.types import Actor
from creditdesk.currencies.models import Currency
from creditdesk.imports.cells import RowProblem, parse_bool, parse_choice, parse_date, parse_int, parse_money
from creditdesk.imports.kinds import ImportKind, Plan, Record, RowError, register
from creditdesk.receivables.feeds import CURRENCY_NAMES, CustomerRef, chunks, known_customers, required_date

Key = tuple[int, dt.date]


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
        if not reference:
            raise RowProblem("customer", _("Required."))
        if reference not in self.customers:
            raise RowProblem("customer", _("No customer with external id or number “%(value)s”.")
                             % {"value": reference})
        return self.customers[reference]

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
