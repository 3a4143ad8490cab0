"""Writes to the assessment inputs of a credit file, each checked and audited.

Financial statements are entered, corrected or imported after the checks an analyst would make by hand (the
balance sheet balances, parts stay within their totals, the period has ended); a correction changes the statement
in place and the audit trail keeps the figures before and after and the reason. External ratings are recorded
(typed, imported or fetched from an online agency) only in a grade the agency's scale maps onto our classes.
Qualitative answers are checked against the factors in force (`qualitative`).
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

from creditdesk.assessment.models import (
    NON_NEGATIVE_LINES,
    PARTS,
    AgencyScale,
    ExternalRating,
    FinancialStatement,
    QualitativeAnswer,
    RatingSource,
)
from creditdesk.assessment.providers import rating_provider
from creditdesk.assessment.qualitative import factors_by_code, unknown_factor
from creditdesk.audit.services import diff, record_audit, record_audits, snapshot
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor
from creditdesk.customers.models import Customer

LINES = ["current_assets", "cash", "receivables", "inventory", "total_assets", "current_liabilities",
         "total_liabilities", "equity", "retained_earnings", "revenue", "gross_profit", "ebit", "interest_expense",
         "net_income", "operating_cash_flow"]
STATEMENT_FIELDS = ["customer", "period_end", "period_months", "currency", "audited", "source", *LINES]
RATING_FIELDS = ["customer", "agency", "grade", "rating_class", "rated_on", "outlook", "source", "document"]
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


# --- external ratings ----------------------------------------------------------------------------------------------

Scales = dict[str, dict[str, AgencyScale]]


def agency_scales() -> Scales:
    """Every agency's grades in one query, keyed in lower case, so "s&p" "bbb-" finds S&P's BBB-."""
    scales: Scales = {}
    for scale in AgencyScale.objects.order_by("rating_class", "pk"):
        scales.setdefault(scale.agency.casefold(), {})[scale.grade.casefold()] = scale
    return scales


def scale_of(rating: ExternalRating, scales: Scales) -> AgencyScale | Problem:
    """The scale's grade the rating names, or why there is none: the message names the agencies or grades known."""
    grades = scales.get(rating.agency.strip().casefold())
    if grades is None:
        known = sorted({scale.agency for agency in scales.values() for scale in agency.values()})
        return "agency", _("No scale is kept for the agency “%(agency)s”; the agencies are: %(known)s.") % {
            "agency": rating.agency, "known": ", ".join(known)}
    scale = grades.get(rating.grade.strip().casefold())
    if scale is None:
        return "grade", _("“%(grade)s” is not a grade of %(agency)s; its grades are: %(known)s.") % {
            "grade": rating.grade, "agency": next(iter(grades.values())).agency,
            "known": ", ".join(known.grade for known in grades.values())}
    return scale


def document_problems(rating: ExternalRating) -> Iterator[Problem]:
    document = rating.document
    if document is not None and (document.customer_id != rating.customer_id or document.deleted_at is not None):
        yield "document", _("The report must be one of this customer's documents.")


def rating_date_problems(rating: ExternalRating, today: dt.date) -> Iterator[Problem]:
    if rating.rated_on is not None and rating.rated_on > today:
        yield "rated_on", _("A rating cannot be dated in the future.")


def check_rating(rating: ExternalRating, scales: Scales) -> None:
    """The model's field rules, then the mapping onto our classes, the date and the report; a rating that passes
    takes the agency's and grade's spelling from the scale, and our class."""
    rating.full_clean(exclude=["customer", "entered_by", "rating_class", "document"], validate_unique=False,
                      validate_constraints=False)
    scale = scale_of(rating, scales)
    problems = []
    if isinstance(scale, AgencyScale):
        rating.agency, rating.grade, rating.rating_class = scale.agency, scale.grade, scale.rating_class
    else:
        problems.append(scale)
    errors: dict[str, str] = {}
    for field, message in (*problems, *rating_date_problems(rating, timezone.localdate()), *document_problems(rating)):
        errors.setdefault(field, message)
    if errors:
        raise ValidationError(errors)


def check_rating_free(rating: ExternalRating) -> None:
    """One rating per customer, agency and day: the same day again is a correction, by file."""
    taken = ExternalRating.objects.filter(customer_id=rating.customer_id, agency=rating.agency,
                                          rated_on=rating.rated_on)
    if taken.exclude(pk=rating.pk).exists():
        raise ValidationError({"rated_on": _("This customer already has a rating by %(agency)s on %(date)s.") % {
            "agency": rating.agency, "date": rating.rated_on}})


def save_rating(actor: Actor, rating: ExternalRating, reason: str = "") -> ExternalRating:
    rating.save()
    record_audit(actor, "external_rating.create", rating, diff({}, snapshot(rating, RATING_FIELDS)), reason)
    return rating


@transaction.atomic
def record_rating(actor: Actor, customer: Customer, data: dict[str, Any]) -> ExternalRating:
    """An agency's rating added to the credit file, mapped onto our classes through the agency's scale."""
    require(actor, "assessment.add_externalrating")
    rating = ExternalRating(customer=customer, entered_by=actor, **data)
    check_rating(rating, agency_scales())
    check_rating_free(rating)
    return save_rating(actor, rating)


@transaction.atomic
def import_ratings(actor: Actor, new: list[ExternalRating],
                   changed: Sequence[tuple[ExternalRating, dict[str, Any]]], reason: str) -> None:
    """Write a checked import at once, one audit entry per rating; the import has run every check already."""
    require(actor, *(["assessment.add_externalrating"] if new else []),
            *(["assessment.change_externalrating"] if changed else []))
    customers = Customer.objects.in_bulk({r.customer_id for r in new})  # named in the audit entries, one query
    for rating in new:
        rating.entered_by, rating.customer = actor, customers[rating.customer_id]
    ExternalRating.objects.bulk_create(new, batch_size=500)
    record_audits(actor, "external_rating.create", [(r, diff({}, snapshot(r, RATING_FIELDS))) for r in new], reason)
    audits = []
    for rating, values in changed:
        before = snapshot(rating, RATING_FIELDS)
        for field, value in values.items():
            setattr(rating, field, value)
        audits.append((rating, diff(before, snapshot(rating, RATING_FIELDS))))
    if changed:
        fields = sorted({name for _r, values in changed for name in values})
        ExternalRating.objects.bulk_update([r for r, _v in changed], fields, batch_size=500)
    record_audits(actor, "external_rating.correct", audits, reason)


@transaction.atomic
def fetch_ratings(actor: Actor, customer: Customer, provider: str) -> list[ExternalRating]:
    """What an online agency has on the customer, recorded like ratings entered by hand; a rating already on file
    for the agency and day is left as it is. One unmappable record refuses them all."""
    require(actor, "assessment.add_externalrating")
    records = rating_provider(provider).fetch(customer)
    scales, on_file = agency_scales(), set(customer.external_ratings.values_list("agency", "rated_on"))
    fetched = []
    for record in records:
        rating = ExternalRating(customer=customer, entered_by=actor, source=RatingSource.PROVIDER,
                                agency=record.agency, grade=record.grade, rated_on=record.rated_on,
                                outlook=record.outlook)
        check_rating(rating, scales)
        if (rating.agency, rating.rated_on) not in on_file:
            on_file.add((rating.agency, rating.rated_on))
            fetched.append(rating)
    return [save_rating(actor, rating, provider) for rating in fetched]


# --- qualitative factors -------------------------------------------------------------------------------------------

def answer_problem(code: str, answer: str, note: str) -> str | None:
    """What is wrong with one factor's answer and note; an empty answer takes an answer back, and needs no note."""
    if answer:
        try:
            QualitativeAnswer(factor=code, answer=answer, note=note).full_clean(
                exclude=["customer", "answered_by"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            return " ".join(error.messages)
        return None
    if code not in factors_by_code():
        return unknown_factor(code)
    return _("Choose an answer to keep a note on it.") if note.strip() else None


def answer_state(answers: dict[str, QualitativeAnswer]) -> dict[str, str]:
    """Answers and notes as the audit trail shows them: the answer under the factor, the note beside it."""
    state = {}
    for code, answer in answers.items():
        state[code], state[f"{code}.note"] = answer.answer, answer.note
    return state


@transaction.atomic
def answer_factors(actor: Actor, customer: Customer, answers: dict[str, str],
                   notes: dict[str, str] | None = None) -> list[QualitativeAnswer]:
    """Answer the factors named (an empty answer takes one back), each with its note, kept as it was when not given;
    one audit entry with every change before and after. Factors not named keep their answers."""
    require(actor, "assessment.add_qualitativeanswer", "assessment.change_qualitativeanswer")
    notes = notes or {}
    Customer.objects.select_for_update().filter(pk=customer.pk).first()  # one answering at a time, first ones too
    current = {a.factor: a for a in QualitativeAnswer.objects.filter(customer=customer)}
    wanted = {code: (answer, notes.get(code, current[code].note if code in current else ""))
              for code, answer in answers.items()}
    errors = {code: problem for code, (answer, note) in wanted.items()
              if (problem := answer_problem(code, answer, note))}
    errors.update({code: _("A note needs the factor's answer beside it.") for code in notes.keys() - answers.keys()})
    if errors:
        raise ValidationError(errors)
    before = answer_state(current)
    for code, (answer, note) in wanted.items():
        write_answer(actor, customer, current, code, answer, note.strip())
    after = answer_state(current)
    changes = {key: [before.get(key), after.get(key)] for key in {**before, **after}
               if before.get(key) != after.get(key)}
    if changes:
        record_audit(actor, "qualitative_factors.answer", customer, changes)
    return sorted(current.values(), key=lambda a: a.factor)


def write_answer(actor: Actor, customer: Customer, current: dict[str, QualitativeAnswer], code: str, answer: str,
                 note: str) -> None:
    """Create, change or delete one answer in `current` and in the database; an unchanged one is not written."""
    existing = current.get(code)
    if not answer:
        if existing is not None:
            existing.delete()
            del current[code]
        return
    if existing is not None and (existing.answer, existing.note) == (answer, note):
        return
    if existing is None:
        existing = current[code] = QualitativeAnswer(customer=customer, factor=code)
    existing.answer, existing.note, existing.answered_by = answer, note, actor
    existing.save()
