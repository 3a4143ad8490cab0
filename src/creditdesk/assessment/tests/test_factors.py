"""The assessment's non-financial inputs: qualitative factors defined in configuration and answered per customer
(checked against the configuration, audited before and after), and payment behaviour read from a hand-built ledger.

The ledger of the behaviour tests, as of 30 November 2026 (windows count payments after the same day 3 or 12
months earlier):

| invoice | amount   | due        | paid                     | days beyond terms | windows     |
| A       | 1,000.00 | 2026-10-31 | 2026-11-10               | 10                | 3, 12       |
| B       | 3,000.00 | 2026-10-01 | 2026-09-21               | 0                 | 3, 12       |
| C       | 2,000.00 | 2026-05-01 | 2026-06-15               | 45                | 12          |
| D       |   500.00 | 2025-12-31 | 2026-02-09               | 40                | 12          |
| E       |   900.00 | 2025-11-30 | 2025-11-30               | 0                 | none        |
| F       |   800.00 | 2026-10-15 | 500.00 on 2026-11-01     | 17                | 3, 12, open |
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy

from creditdesk.assessment.behaviour import BehaviourFactors, behaviour_factors
from creditdesk.assessment.models import QualitativeAnswer
from creditdesk.assessment.qualitative import DEFAULT_FACTORS, Choice, factors
from creditdesk.assessment.selectors import factor_answers
from creditdesk.assessment.services import answer_factors
from creditdesk.audit.actions import action_label
from creditdesk.audit.models import AuditEntry
from creditdesk.receivables.models import Invoice
from creditdesk.receivables.services import allocate, record_credit_note, record_invoice, record_payment
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal
AS_OF = dt.date(2026, 11, 30)
SCALE = {"code": "scale", "label": gettext_lazy("Scale of operations"),
         "answers": [("large", gettext_lazy("Large")), ("small", "Small")]}


@pytest.fixture
def customer(db):
    return CustomerFactory(code="C100001")


def answer_entries() -> list[tuple[str, dict]]:
    return [(e.action, e.changes) for e in AuditEntry.objects.filter(action="qualitative_factors.answer")
            .order_by("id")]


def refusal(actor, customer, answers: dict, notes: dict | None = None) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        answer_factors(actor, customer, answers, notes)
    return caught.value.message_dict


# --- the factors in force -----------------------------------------------------------------------------------------

def test_the_default_factors_and_their_answers_best_first(settings):
    assert [(f.code, str(f.label)) for f in factors()] == [
        ("years_in_business", "Years in business"), ("management_quality", "Management quality"),
        ("market_position", "Market position"), ("industry_risk", "Industry risk"), ("ownership", "Ownership"),
        ("legal_events", "Legal events")]
    assert [a.code for a in factors()[0].answers] == ["over_10", "5_to_10", "2_to_5", "under_2"]
    assert [(a.code, str(a.label)) for a in factors()[5].answers] == [
        ("none", "None known"), ("minor", "Minor: small claims or settled disputes"),
        ("major", "Major: litigation, enforcement or penalties"),
        ("insolvency", "Insolvency or restructuring proceedings")]
    assert factors() is DEFAULT_FACTORS


def test_the_setting_replaces_the_defaults(settings):
    settings.CREDITDESK_QUALITATIVE_FACTORS = [SCALE]
    (only,) = factors()
    assert (only.code, str(only.label), only.answers) == ("scale", "Scale of operations", (
        Choice("large", gettext_lazy("Large")), Choice("small", "Small")))


@pytest.mark.parametrize(("setting", "message"), [
    ([{"code": "scale", "label": "Scale"}], "needs a code, a label and answers"),
    ([{**SCALE, "answers": []}], "'scale' needs answers, and codes of 1 to 40 characters."),
    ([{**SCALE, "code": "x" * 41}], "needs answers, and codes of 1 to 40 characters."),
    ([{**SCALE, "answers": [("large", "Large"), ("large", "Big")]}], "'scale' allows an answer twice."),
    ([SCALE, SCALE], "a factor code is used twice."),
])
def test_a_setting_that_cannot_be_answered_is_refused(settings, setting, message):
    settings.CREDITDESK_QUALITATIVE_FACTORS = setting
    with pytest.raises(ImproperlyConfigured, match=message):
        factors()


def test_a_stored_answer_is_checked_against_the_factors_in_force(customer, analyst, settings):
    def problems(factor: str, answer: str) -> dict[str, list[str]]:
        with pytest.raises(ValidationError) as caught:
            QualitativeAnswer(customer=customer, answered_by=analyst, factor=factor, answer=answer).full_clean()
        return caught.value.message_dict

    assert problems("ownership", "cooperative") == {"answer": [
        "“cooperative” is not an answer to Ownership; choose one of: state_owned, listed, group_subsidiary, private, "
        "individual."]}
    settings.CREDITDESK_QUALITATIVE_FACTORS = [SCALE]
    assert problems("ownership", "listed") == {"factor": [
        "“ownership” is not a qualitative factor; the factors are: scale."]}


# --- answering ----------------------------------------------------------------------------------------------------

def test_answers_are_saved_and_audited_in_one_entry_with_before_and_after(analyst, customer):
    saved = answer_factors(analyst, customer, {"management_quality": "strong", "legal_events": "none"},
                           {"legal_events": "  Court records checked 2026-11. "})

    assert [(a.factor, a.answer, a.note, a.answered_by) for a in saved] == [
        ("legal_events", "none", "Court records checked 2026-11.", analyst),
        ("management_quality", "strong", "", analyst)]
    assert answer_entries() == [("qualitative_factors.answer", {
        "management_quality": [None, "strong"], "management_quality.note": [None, ""],
        "legal_events": [None, "none"], "legal_events.note": [None, "Court records checked 2026-11."]})]
    entry = AuditEntry.objects.get(action="qualitative_factors.answer")
    assert (entry.object_type, entry.object_id, entry.customer_id) == ("customers.customer", str(customer.pk),
                                                                       customer.pk)
    assert action_label("qualitative_factors.answer") == "Qualitative factors answered"


def test_a_change_a_take_back_and_an_unchanged_answer(analyst, manager, customer):
    answer_factors(analyst, customer, {"management_quality": "strong", "legal_events": "none",
                                       "ownership": "private"}, {"ownership": "Founder-owned."})

    saved = answer_factors(manager, customer, {"management_quality": "adequate", "legal_events": "",
                                               "ownership": "private"})

    assert [(a.factor, a.answer, a.note, a.answered_by) for a in saved] == [
        ("management_quality", "adequate", "", manager), ("ownership", "private", "Founder-owned.", analyst)]
    assert answer_entries()[1] == ("qualitative_factors.answer", {
        "management_quality": ["strong", "adequate"], "legal_events": ["none", None],
        "legal_events.note": ["", None]})
    answer_factors(manager, customer, {"management_quality": "adequate", "industry_risk": ""})
    assert len(answer_entries()) == 2  # nothing changed, nothing written


def test_every_wrong_answer_is_named_under_its_factor_and_nothing_is_saved(analyst, customer):
    answers = {"management_quality": "brilliant", "luck": "good", "legal_events": "", "market_position": "leader",
               "ownership": "listed"}
    notes = {"legal_events": "Two lawsuits.", "industry_risk": "High?", "ownership": "x" * 301}
    assert refusal(analyst, customer, answers, notes) == {
        "management_quality": ["“brilliant” is not an answer to Management quality; choose one of: strong, adequate, "
                               "weak."],
        "luck": ["“luck” is not a qualitative factor; the factors are: years_in_business, management_quality, "
                 "market_position, industry_risk, ownership, legal_events."],
        "legal_events": ["Choose an answer to keep a note on it."],
        "industry_risk": ["A note needs the factor's answer beside it."],
        "ownership": ["Ensure this value has at most 300 characters (it has 301)."],
    }
    assert QualitativeAnswer.objects.count() == 0


@pytest.mark.parametrize("role", ["sales", "collector", "auditor", "cfo"])
def test_roles_that_do_not_keep_credit_files_cannot_answer(db, customer, role):
    with pytest.raises(PermissionDenied):
        answer_factors(UserFactory(username=f"u_{role}", role=role), customer, {"ownership": "listed"})


def test_the_answers_read_back_in_the_configurations_order_without_retired_factors(analyst, customer, settings):
    answer_factors(analyst, customer, {"ownership": "listed", "years_in_business": "over_10"})
    assert [(item.factor.code, item.answer.answer if item.answer else None, item.choice)
            for item in factor_answers(customer)][:5] == [
        ("years_in_business", "over_10", factors()[0].answers[0]), ("management_quality", None, None),
        ("market_position", None, None), ("industry_risk", None, None),
        ("ownership", "listed", factors()[4].answers[1])]
    settings.CREDITDESK_QUALITATIVE_FACTORS = [{**SCALE, "code": "ownership"}]
    (item,) = factor_answers(customer)
    assert (item.factor.code, item.answer.answer, item.choice) == ("ownership", "listed", None)


# --- payment behaviour --------------------------------------------------------------------------------------------

counter = iter(range(1, 10**9))


def bill(actor, customer, gross: str, issued: dt.date, due: dt.date, **extra) -> Invoice:
    return record_invoice(actor, {"customer": customer, "number": f"INV-{next(counter)}", "invoice_date": issued,
                                  "due_date": due, "currency_id": "CNY", "net_amount": D(gross),
                                  "tax_amount": D("0.00"), "gross_amount": D(gross), **extra})


def pay(actor, invoice: Invoice, amount: str, received: dt.date) -> None:
    payment = record_payment(actor, {"customer": invoice.customer, "received_on": received, "amount": D(amount),
                                     "currency_id": invoice.currency_id})
    allocate(actor, invoice, payment, D(amount), on=received)


@pytest.fixture
def ledger(analyst, customer):
    """The table of the module docstring, a credit-note settlement and disputed invoices open, paid and cancelled."""
    pay(analyst, bill(analyst, customer, "1000.00", dt.date(2026, 10, 1), dt.date(2026, 10, 31)), "1000.00",
        dt.date(2026, 11, 10))
    pay(analyst, bill(analyst, customer, "3000.00", dt.date(2026, 9, 1), dt.date(2026, 10, 1)), "3000.00",
        dt.date(2026, 9, 21))
    pay(analyst, bill(analyst, customer, "2000.00", dt.date(2026, 4, 1), dt.date(2026, 5, 1)), "2000.00",
        dt.date(2026, 6, 15))
    pay(analyst, bill(analyst, customer, "500.00", dt.date(2025, 12, 1), dt.date(2025, 12, 31)), "500.00",
        dt.date(2026, 2, 9))
    pay(analyst, bill(analyst, customer, "900.00", dt.date(2025, 11, 1), dt.date(2025, 11, 30)), "900.00",
        dt.date(2025, 11, 30))
    pay(analyst, bill(analyst, customer, "800.00", dt.date(2026, 9, 15), dt.date(2026, 10, 15)), "500.00",
        dt.date(2026, 11, 1))
    cleared = bill(analyst, customer, "250.00", dt.date(2026, 8, 1), dt.date(2026, 8, 31))  # no payment: not paid
    note = record_credit_note(analyst, {"customer": customer, "number": "CN-1", "issued_on": dt.date(2026, 9, 30),
                                        "amount": D("250.00"), "currency_id": "CNY", "invoice": cleared})
    allocate(analyst, cleared, note, D("250.00"), on=dt.date(2026, 9, 30))
    bill(analyst, customer, "600.00", dt.date(2026, 11, 10), dt.date(2026, 12, 10), disputed=True)
    pay(analyst, bill(analyst, customer, "100.00", dt.date(2026, 7, 1), dt.date(2026, 7, 31), disputed=True),
        "100.00", dt.date(2026, 7, 20))
    bill(analyst, customer, "700.00", dt.date(2026, 11, 2), dt.date(2026, 12, 2), disputed=True, status="cancelled")


def test_behaviour_factors_from_a_hand_built_ledger(ledger, customer, django_assert_num_queries):
    with django_assert_num_queries(3):
        factors_now = behaviour_factors([customer.pk], AS_OF)

    assert factors_now == BehaviourFactors(
        # 3 months: A, B, F's 500 → (1,000 × 10 + 500 × 17) / 4,500 = 4.11
        days_beyond_terms_recent=D("4.1"),
        # 12 months: also C, D and the disputed 100 paid on time → (18,500 + 90,000 + 20,000) / 7,100 = 18.10
        days_beyond_terms_year=D("18.1"),
        days_beyond_terms_trend=D("-14.0"),  # paying earlier lately
        # settled by a payment in the 12 months: A, B, C, D and the disputed 100 (E is 12 months back, F still open,
        # the 250 cleared by a credit note); after the due date: A, C, D
        invoices_settled=5, invoices_paid_late=3, share_paid_late=D("0.6000"),
        open_disputes=1,  # the 600 open; the 100 is paid and the 700 cancelled
        broken_promises=0,  # no promises to pay recorded
    )


def test_behaviour_as_of_an_earlier_day_sees_the_ledger_as_it_stood(ledger, customer):
    earlier = behaviour_factors([customer.pk], dt.date(2026, 11, 5))
    # A unpaid on Nov 5; the 12-month window now reaches E (Nov 30, 2025, on time): B, C, D, E, the 100 settled
    assert (earlier.invoices_settled, earlier.invoices_paid_late, earlier.share_paid_late) == (5, 2, D("0.4000"))
    # 3 months: B and F's 500 → 500 × 17 / 3,500 = 2.43
    assert (earlier.days_beyond_terms_recent, earlier.open_disputes) == (D("2.4"), 0)  # the 600 was not issued yet


def test_a_group_is_measured_as_one(analyst, ledger, customer):
    sister = CustomerFactory()
    pay(analyst, bill(analyst, sister, "1000.00", dt.date(2026, 9, 1), dt.date(2026, 9, 30)), "1000.00",
        dt.date(2026, 11, 29))  # 60 days beyond terms
    group = behaviour_factors([customer.pk, sister.pk], AS_OF)
    # 3 months: (18,500 + 60,000) / 5,500 = 14.27
    assert (group.days_beyond_terms_recent, group.invoices_settled, group.invoices_paid_late) == (D("14.3"), 6, 4)


def test_a_customer_without_a_ledger_has_nothing_to_measure(customer):
    assert behaviour_factors([customer.pk], AS_OF) == BehaviourFactors(None, None, None, 0, 0, None, 0, 0)
