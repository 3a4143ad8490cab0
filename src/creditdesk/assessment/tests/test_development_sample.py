"""The development sample, worked by hand: observed on 30 June 2025 with a 12-month horizon, so the outcome window
runs from 1 July 2025 up to and with 30 June 2026, and a customer is bad when one of its invoices was more than 90
days past due and still open inside it. Each customer below tells one case of `assessment.sample`'s definition."""

import csv
import datetime as dt
import io
import math
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from creditdesk.assessment.demo import load_demo_portfolio_model
from creditdesk.assessment.models import QualitativeAnswer, ScoringModel
from creditdesk.assessment.sample import development_sample, months_ahead, outcome_known, window_end
from creditdesk.assessment.tests.factories import ExternalRatingFactory, FinancialStatementFactory
from creditdesk.assessment.trained import input_codes
from creditdesk.receivables.models import Allocation, Invoice
from creditdesk.receivables.services import allocate, record_credit_note, record_invoice, record_payment
from creditdesk.testing.factories import CustomerFactory, UserFactory

D = Decimal
OBSERVED = dt.date(2025, 6, 30)
counter = iter(range(1, 10**9))


def bill(actor, customer, issued: dt.date, due: dt.date, gross: str = "1000.00") -> Invoice:
    return record_invoice(actor, {"customer": customer, "number": f"INV-{next(counter)}", "invoice_date": issued,
                                  "due_date": due, "currency_id": "CNY", "net_amount": D(gross),
                                  "tax_amount": D("0.00"), "gross_amount": D(gross)})


def pay(actor, invoice: Invoice, received: dt.date, amount: str = "1000.00") -> Allocation:
    payment = record_payment(actor, {"customer": invoice.customer, "received_on": received, "amount": D(amount),
                                     "currency_id": invoice.currency_id})
    return allocate(actor, invoice, payment, D(amount), on=received)


def credit(actor, invoice: Invoice, issued: dt.date, amount: str = "1000.00") -> Allocation:
    note = record_credit_note(actor, {"customer": invoice.customer, "number": f"CN-{next(counter)}",
                                      "issued_on": issued, "amount": D(amount), "currency_id": "CNY",
                                      "invoice": invoice})
    return allocate(actor, invoice, note, D(amount), on=issued)


def customer_with_history(actor, code: str, **extra):
    """A customer invoiced in May 2025 and paid on the due day, so it is in the sample and paid well until then."""
    customer = CustomerFactory(code=code, **extra)
    pay(actor, bill(actor, customer, dt.date(2025, 5, 1), dt.date(2025, 5, 31)), dt.date(2025, 5, 31))
    return customer


def outcomes(frame) -> dict[str, str]:
    return dict(zip(frame["customer"], frame["bad"], strict=True))


@pytest.fixture
def portfolio(analyst) -> list[str]:
    """One customer per case, in the sample's (code) order; due 1 Aug 2025 + 90 days = 30 Oct 2025 (Aug 31 is +30,
    Sep 30 is +60, Oct 30 is +90), so day 91 past due is 31 Oct 2025."""
    late = customer_with_history(analyst, "A-DAY91")
    pay(analyst, bill(analyst, late, dt.date(2025, 6, 15), dt.date(2025, 8, 1)), dt.date(2025, 10, 31))
    on_day_90 = customer_with_history(analyst, "B-DAY90")
    pay(analyst, bill(analyst, on_day_90, dt.date(2025, 6, 15), dt.date(2025, 8, 1)), dt.date(2025, 10, 30))
    by_credit_note = customer_with_history(analyst, "B-NOTE90")
    credit(analyst, bill(analyst, by_credit_note, dt.date(2025, 6, 15), dt.date(2025, 8, 1)), dt.date(2025, 10, 30))
    never = customer_with_history(analyst, "A-NEVER")
    bill(analyst, never, dt.date(2025, 9, 1), dt.date(2025, 10, 1))  # issued in the window, never paid
    # 1 Jan 2025 + 90 = 1 Apr 2025: more than 90 days past due from 2 Apr, before the observation day
    settled_before = customer_with_history(analyst, "C-BEFORE")
    pay(analyst, bill(analyst, settled_before, dt.date(2024, 12, 1), dt.date(2025, 1, 1)), dt.date(2025, 5, 1))
    settled_on_day = customer_with_history(analyst, "C-ONDAY")
    pay(analyst, bill(analyst, settled_on_day, dt.date(2024, 12, 1), dt.date(2025, 1, 1)), OBSERVED)
    still_open = customer_with_history(analyst, "D-STILL")
    pay(analyst, bill(analyst, still_open, dt.date(2024, 12, 1), dt.date(2025, 1, 1)), dt.date(2025, 7, 1))
    # 1 Apr 2026 + 90 = 30 Jun 2026, day 91 is 1 Jul 2026: after the window; 31 Mar 2026 + 90 = 29 Jun 2026
    after = customer_with_history(analyst, "E-AFTER")
    bill(analyst, after, dt.date(2026, 3, 1), dt.date(2026, 4, 1))
    last_day = customer_with_history(analyst, "E-LASTDAY")
    bill(analyst, last_day, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    cancelled = customer_with_history(analyst, "F-CANCEL")
    Invoice.objects.filter(pk=bill(analyst, cancelled, dt.date(2025, 6, 15), dt.date(2025, 8, 1)).pk).update(
        status="cancelled")
    bounced = customer_with_history(analyst, "G-BOUNCED")
    allocation = pay(analyst, bill(analyst, bounced, dt.date(2025, 6, 15), dt.date(2025, 8, 1)), dt.date(2025, 8, 1))
    Allocation.objects.filter(pk=allocation.pk).update(  # reversed in September 2025: open again on day 91
        reversed_at=timezone.make_aware(dt.datetime(2025, 9, 15, 12)), reversal_reason="bounced")
    blocked = customer_with_history(analyst, "H-BLOCKED", status="blocked")
    bill(analyst, blocked, dt.date(2025, 6, 1), dt.date(2025, 7, 1))
    # not in the sample: first invoiced after the observation day; or only a cancelled invoice by then
    newcomer = CustomerFactory(code="X-NEW")
    bill(analyst, newcomer, dt.date(2025, 7, 1), dt.date(2025, 7, 31))
    only_cancelled = CustomerFactory(code="X-CANCEL")
    Invoice.objects.filter(pk=bill(analyst, only_cancelled, dt.date(2025, 5, 1), dt.date(2025, 5, 31)).pk).update(
        status="cancelled")
    CustomerFactory(code="X-NOINV")
    return ["A-DAY91", "A-NEVER", "B-DAY90", "B-NOTE90", "C-BEFORE", "C-ONDAY", "D-STILL", "E-AFTER", "E-LASTDAY",
            "F-CANCEL", "G-BOUNCED", "H-BLOCKED"]


def test_each_case_is_bad_or_good_as_the_definition_says(portfolio):
    assert outcomes(development_sample(OBSERVED)) == {
        "A-DAY91": "bad",  # paid on day 91 past due, inside the window
        "A-NEVER": "bad",  # issued in the window and never paid: day 91 on 31 Dec 2025
        "B-DAY90": "good",  # paid on day 90 past due
        "B-NOTE90": "good",  # settled by a credit note on day 90
        "C-BEFORE": "good",  # more than 90 days past due only before the observation day, settled by then
        "C-ONDAY": "good",  # settled on the observation day itself: nothing open in the window
        "D-STILL": "bad",  # already over 90 days past due on the observation day and still open on 1 July
        "E-AFTER": "good",  # day 91 past due is 1 Jul 2026, the day after the window
        "E-LASTDAY": "bad",  # day 91 past due is 30 Jun 2026, the window's last day
        "F-CANCEL": "good",  # the invoice never paid was cancelled: never owed
        "G-BOUNCED": "bad",  # paid on the due day, but the payment was reversed before day 91
        "H-BLOCKED": "bad",  # blocked today, still in the sample: its status now is part of the outcome
    }


def test_a_shorter_horizon_or_a_longer_tolerance_changes_the_outcome(portfolio):
    # 3 months: the window ends 30 Sep 2025, before day 91 of the August invoices
    assert outcomes(development_sample(OBSERVED, horizon_months=3))["A-DAY91"] == "good"
    assert outcomes(development_sample(OBSERVED, horizon_months=3))["D-STILL"] == "bad"
    # 91 days tolerated: paying on day 91 past due is now in time
    assert outcomes(development_sample(OBSERVED, days_past_due=91))["A-DAY91"] == "good"


def test_customer_ids_limit_the_sample(portfolio):
    ids = list(CustomerFactory._meta.model.objects.filter(code__in=["B-DAY90", "A-DAY91", "X-NEW"])
               .values_list("pk", flat=True))
    assert outcomes(development_sample(OBSERVED, customer_ids=ids)) == {"A-DAY91": "bad", "B-DAY90": "good"}


def test_columns_and_inputs_are_as_known_on_the_observation_day(analyst):
    customer = customer_with_history(analyst, "A-INPUTS")
    FinancialStatementFactory(customer=customer, period_end=dt.date(2024, 12, 31), entered_by=analyst)
    # a statement for a year that ended after the observation day was not known then
    FinancialStatementFactory(customer=customer, period_end=dt.date(2025, 12, 31), entered_by=analyst,
                              current_liabilities=D("500000.00"))
    ExternalRatingFactory(customer=customer, rated_on=dt.date(2025, 3, 15), rating_class=4, entered_by=analyst)
    ExternalRatingFactory(customer=customer, rated_on=dt.date(2025, 9, 1), rating_class=7, grade="B+",
                          entered_by=analyst)
    QualitativeAnswer.objects.create(customer=customer, factor="management_quality", answer="strong",
                                     answered_by=analyst)
    frame = development_sample(OBSERVED)
    assert list(frame.columns) == ["customer", *input_codes(), "bad"]
    assert list(frame.columns) == [
        "customer", "z_score", "current_ratio", "debt_ratio", "net_margin", "days_beyond_terms",
        "days_beyond_terms_trend", "share_paid_late", "open_disputes", "broken_promises", "external_rating",
        "years_in_business", "management_quality", "market_position", "industry_risk", "ownership", "legal_events",
        "bad"]
    row = frame.iloc[0].to_dict()
    missing = {code: row.pop(code) for code in ("years_in_business", "market_position", "industry_risk",
                                                "ownership", "legal_events")}
    assert all(value is None or (isinstance(value, float) and math.isnan(value)) for value in missing.values())
    assert row == {
        "customer": "A-INPUTS",
        "z_score": 3.0772,  # the hand-worked statement of 2024 (`test_financials`), not the one of 2025
        "current_ratio": 1.6,  # 400 / 250; the 2025 statement would give 400 / 500 = 0.8
        "debt_ratio": 0.6,  # 600 / 1,000
        "net_margin": 0.035,  # 70 / 2,000
        "days_beyond_terms": 0.0,  # the one invoice paid by the observation day was paid on its due day
        "days_beyond_terms_trend": 0.0,  # 0 in the last 3 months − 0 in the last 12
        "share_paid_late": 0.0,  # 0 of 1 settled invoice
        "open_disputes": 0.0, "broken_promises": 0.0,
        "external_rating": 4.0,  # the rating of March 2025; the one of September 2025 came later
        "management_quality": "strong",
        "bad": "good",
    }


def test_a_customer_without_a_statement_has_missing_ratios(analyst):
    customer_with_history(analyst, "A-BARE")
    row = development_sample(OBSERVED).iloc[0]
    assert all(math.isnan(row[code]) for code in ("z_score", "current_ratio", "debt_ratio", "net_margin"))
    assert math.isnan(row["external_rating"])
    assert row["management_quality"] is None


def test_months_ahead_keeps_the_day_or_takes_the_months_last():
    assert months_ahead(dt.date(2025, 6, 30), 12) == dt.date(2026, 6, 30)
    assert months_ahead(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert months_ahead(dt.date(2023, 11, 30), 3) == dt.date(2024, 2, 29)
    assert window_end(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert outcome_known(dt.date(2025, 6, 30), 12, dt.date(2026, 6, 30))
    assert not outcome_known(dt.date(2025, 6, 30), 12, dt.date(2026, 6, 29))


# --- the command ------------------------------------------------------------------------------------------------

def run(*args: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("scoring", *args, stdout=out)
    return out.getvalue()


def test_sample_writes_the_csv_and_says_what_it_wrote(portfolio, tmp_path):
    out = tmp_path / "sample.csv"
    printed = run("sample", "--as-of", "2025-06-30", "--out", str(out))
    assert printed.strip() == f"12 customers, 6 bad, observed on 2025-06-30, written to {out}"
    with out.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["customer", *input_codes(), "bad"]
    assert [row[0] for row in rows[1:]] == portfolio
    by_code = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_code["A-DAY91"]["bad"] == "bad" and by_code["B-DAY90"]["bad"] == "good"
    assert by_code["A-DAY91"]["z_score"] == ""  # missing is empty
    assert by_code["A-DAY91"]["days_beyond_terms"] == "0.0"


def test_sample_options_reach_the_sample(portfolio, tmp_path):
    out = tmp_path / "sample.csv"
    printed = run("sample", "--as-of", "2025-06-30", "--horizon", "3", "--days-past-due", "91", "--out", str(out))
    # the window ends 30 Sep 2025 and only day 92 past due is bad: H-BLOCKED's invoice due 1 Jul 2025 reaches day
    # 92 on 1 Oct 2025, after the window; only D-STILL, open on the observation day, is left bad
    assert printed.strip() == f"12 customers, 1 bad, observed on 2025-06-30, written to {out}"


@pytest.mark.parametrize(("args", "message"), [
    (["--as-of", "2025-13-01"], "not a date: 2025-13-01 (expected YYYY-MM-DD)"),
    (["--as-of", "30/06/2025"], "not a date: 30/06/2025 (expected YYYY-MM-DD)"),
    (["--as-of", "2025-06-30", "--horizon", "0"], "the horizon must be at least 1 month"),
    (["--as-of", "2025-06-30", "--days-past-due", "-1"], "the days past due cannot be negative"),
])
def test_sample_refuses_bad_options(db, tmp_path, args, message):
    with pytest.raises(CommandError) as raised:
        run("sample", *args, "--out", str(tmp_path / "s.csv"))
    assert str(raised.value) == message
    assert not (tmp_path / "s.csv").exists()


def test_sample_refuses_a_day_whose_outcome_is_not_known_yet(db, tmp_path):
    day = timezone.localdate() - dt.timedelta(days=40)
    with pytest.raises(CommandError) as raised:
        run("sample", "--as-of", day.isoformat(), "--out", str(tmp_path / "s.csv"))
    assert str(raised.value) == (f"the outcome of {day} is not known yet: its 12-month window ends on "
                                 f"{months_ahead(day, 12)}; choose an earlier day or a shorter horizon")


def test_sample_refuses_an_empty_sample(portfolio, tmp_path):
    with pytest.raises(CommandError) as raised:
        run("sample", "--as-of", "2024-11-30", "--out", str(tmp_path / "s.csv"))
    assert str(raised.value) == "no customer had an invoice on or before 2024-11-30: the sample is empty"
    assert not (tmp_path / "s.csv").exists()


# --- the demo's portfolio model ---------------------------------------------------------------------------------

def late_payer(actor, code: str) -> None:
    """Paid its May invoice 40 days late, then left the September one unpaid: bad in the window."""
    customer = CustomerFactory(code=code)
    pay(actor, bill(actor, customer, dt.date(2025, 5, 1), dt.date(2025, 5, 31)), dt.date(2025, 6, 20))
    bill(actor, customer, dt.date(2025, 9, 1), dt.date(2025, 10, 1))


def test_the_demo_trains_a_portfolio_model_and_asks_for_its_activation(analyst):
    demo_analyst = UserFactory(username="analyst", role="credit_analyst")
    for number in range(13):
        customer_with_history(analyst, f"G{number:02d}")
        late_payer(analyst, f"L{number:02d}")
    model = load_demo_portfolio_model(months_ahead(OBSERVED, 12))
    assert model is not None
    assert (model.code, model.status, model.registered_by, model.requested_by) == (
        "portfolio-2025", "requested", demo_analyst, demo_analyst)
    assert model.note.startswith("Trained on our 26 customers as known on 2025-06-30, 13 of them more than 90 days")
    assert model.request_reason
    validation = model.definition["validation"]
    assert (validation["rows"], validation["positives"], validation["folds"]) == (26, 13, 5)
    assert ScoringModel.objects.count() == 1


def test_the_demo_skips_the_model_when_a_class_is_too_small_to_cross_validate(analyst):
    UserFactory(username="analyst", role="credit_analyst")
    for number in range(13):
        customer_with_history(analyst, f"G{number:02d}")
    for number in range(12):  # 12 bad: a fold would train on 9 or 10, and a card needs 10
        late_payer(analyst, f"L{number:02d}")
    assert load_demo_portfolio_model(months_ahead(OBSERVED, 12)) is None
    assert not ScoringModel.objects.exists()
