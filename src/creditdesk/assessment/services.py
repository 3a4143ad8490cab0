"""Writes about financial statements: entered, corrected or imported after the checks an analyst would make
by hand (the balance sheet balances, parts stay within their totals, the period has ended), each audited.

A correction changes the statement in place; the audit trail keeps the figures before and after and the reason.
"""

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from creditdesk.assessment.models import NON_NEGATIVE_LINES, PARTS, FinancialStatement
from creditdesk.audit.services import diff, record_audit, record_audits, snapshot
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor
from creditdesk.customers.models import Customer

LINES = ["current_assets", "cash", "receivables", "inventory", "total_assets", "current_liabilities",
         "total_liabilities", "equity", "retained_earnings", "revenue", "gross_profit", "ebit", "interest_expense",
         "net_income", "operating_cash_flow"]
STATEMENT_FIELDS = ["customer", "period_end", "period_months", "currency", "audited", "source", *LINES]
# How far total assets may stray from liabilities + equity, as a share of total assets (rounding, minorities).
BALANCE_TOLERANCE = Decimal("0.01")
CENT = Decimal("0.01")
Problem = tuple[str, str]


def balance_tolerance() -> Decimal:
    """The module's 1 % unless the setting CREDITDESK_BALANCE_TOLERANCE (a fraction) says otherwise."""
    return Decimal(str(getattr(settings, "CREDITDESK_BALANCE_TOLERANCE", BALANCE_TOLERANCE)))


def label(line: str) -> str:
    return capfirst(str(getattr(FinancialStatement._meta.get_field(line), "verbose_name", line)))


def sign_problems(statement: FinancialStatement) -> Iterator[Problem]:
    if statement.total_assets is not None and statement.total_assets <= 0:
        yield "total_assets", _("Total assets must be greater than zero.")
    for line in NON_NEGATIVE_LINES:
        value = getattr(statement, line)
        if value is not None and value < 0:
            yield line, _("%(line)s cannot be negative.") % {"line": label(line)}


def part_problems(statement: FinancialStatement) -> Iterator[Problem]:
    """A part (cash, current assets, gross profit …) larger than its total is a typing error."""
    for part, whole in PARTS:
        value, total = getattr(statement, part), getattr(statement, whole)
        if value is not None and total is not None and value > total:
            yield part, _("%(part)s cannot exceed %(whole)s.") % {"part": label(part), "whole": label(whole).lower()}


def balance_problems(statement: FinancialStatement) -> Iterator[Problem]:
    """Assets = liabilities + equity, within the tolerance."""
    assets, liabilities, equity = statement.total_assets, statement.total_liabilities, statement.equity
    if assets is None or liabilities is None or equity is None or assets <= 0:
        return
    tolerance = balance_tolerance()
    if abs(assets - liabilities - equity) > tolerance * assets:
        yield "equity", _("Total liabilities plus equity (%(sum)s) differ from total assets (%(assets)s) by more "
                          "than %(tolerance)s%% of total assets.") % {
            "sum": liabilities + equity, "assets": assets, "tolerance": f"{(tolerance * 100).normalize():f}"}


def period_problems(statement: FinancialStatement, today: dt.date) -> Iterator[Problem]:
    if statement.period_end is not None and statement.period_end > today:
        yield "period_end", _("The period has not ended yet; enter the statement once it has.")


def sanity_errors(statement: FinancialStatement) -> dict[str, str]:
    """Every figure that cannot be right, by the field at fault (the first problem of each field)."""
    errors: dict[str, str] = {}
    for field, message in (*period_problems(statement, timezone.localdate()), *sign_problems(statement),
                           *part_problems(statement), *balance_problems(statement)):
        errors.setdefault(field, message)
    return errors


def check_statement(statement: FinancialStatement, exclude: Iterable[str] = ("customer", "entered_by")) -> None:
    """The model's field rules, then the sanity checks; the figures are kept to the cent, as stored."""
    statement.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    errors = sanity_errors(statement)
    if errors:
        raise ValidationError(errors)
    for line in LINES:
        value = getattr(statement, line)
        if value is not None:
            setattr(statement, line, value.quantize(CENT))


def check_period_free(statement: FinancialStatement) -> None:
    """One statement per customer and period end: a second one is a correction of the first."""
    taken = FinancialStatement.objects.filter(customer_id=statement.customer_id, period_end=statement.period_end)
    if taken.exclude(pk=statement.pk).exists():
        raise ValidationError({"period_end": _("This customer already has a statement for the period ending "
                                               "%(date)s; correct that one instead.") % {"date": statement.period_end}})


@transaction.atomic
def enter_statement(actor: Actor, customer: Customer, data: dict[str, Any]) -> FinancialStatement:
    """A period's statement added to the customer's credit file."""
    require(actor, "assessment.add_financialstatement")
    statement = FinancialStatement(customer=customer, entered_by=actor, **data)
    check_statement(statement)
    check_period_free(statement)
    statement.save()
    record_audit(actor, "financial_statement.create", statement, diff({}, snapshot(statement, STATEMENT_FIELDS)))
    return statement


@transaction.atomic
def correct_statement(actor: Actor, statement: FinancialStatement, data: dict[str, Any],
                      reason: str) -> FinancialStatement:
    """Change figures of a statement; only what really changed is written and audited, with the reason."""
    require(actor, "assessment.change_financialstatement")
    statement = FinancialStatement.objects.select_for_update().get(pk=statement.pk)
    before = snapshot(statement, STATEMENT_FIELDS)
    for field, value in data.items():
        setattr(statement, field, value)
    check_statement(statement)
    check_period_free(statement)
    changes = diff(before, snapshot(statement, STATEMENT_FIELDS))
    if not changes:
        return statement
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the statement is corrected.")})
    statement.save()
    record_audit(actor, "financial_statement.correct", statement, changes, reason.strip())
    return statement


@transaction.atomic
def import_statements(actor: Actor, new: list[FinancialStatement],
                      changed: Sequence[tuple[FinancialStatement, dict[str, Any]]], reason: str) -> None:
    """Write a checked import at once, one audit entry per statement; the import has run every check already."""
    require(actor, *(["assessment.add_financialstatement"] if new else []),
            *(["assessment.change_financialstatement"] if changed else []))
    customers = Customer.objects.in_bulk({s.customer_id for s in new})  # named in the audit entries, one query
    for statement in new:
        statement.entered_by, statement.customer = actor, customers[statement.customer_id]
    FinancialStatement.objects.bulk_create(new, batch_size=500)
    record_audits(actor, "financial_statement.create",
                  [(s, diff({}, snapshot(s, STATEMENT_FIELDS))) for s in new], reason)
    audits = []
    for statement, values in changed:
        before = snapshot(statement, STATEMENT_FIELDS)
        for field, value in values.items():
            setattr(statement, field, value)
        audits.append((statement, diff(before, snapshot(statement, STATEMENT_FIELDS))))
    fields = sorted({name for _s, values in changed for name in values})
    if changed:
        FinancialStatement.objects.bulk_update([s for s, _v in changed], fields, batch_size=500)
    record_audits(actor, "financial_statement.correct", audits, reason)
