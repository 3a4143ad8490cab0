"""The demo's credit limits, checks and credit files: counts for a seed, the same seed giving the same portfolio,
limits approved by someone other than the requester, statements that pass the analyst's checks."""

import datetime as dt
from collections import Counter
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from creditdesk.assessment.models import CreditAssessment, ExternalRating, FinancialStatement, QualitativeAnswer
from creditdesk.assessment.services import sanity_errors
from creditdesk.limits.demo import tidy
from creditdesk.limits.models import CreditCheck, CreditLimit, LimitApproval, LimitStatus

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)
REAL_LOCALDATE = timezone.localdate


def on_demo_day(value: dt.datetime | None = None, timezone: Any = None) -> dt.date:
    """The services' "today" pinned to the demo's, so the checks and assessments do not move with the clock."""
    return TODAY if value is None else REAL_LOCALDATE(value, timezone)


def load(customers: int = 30, seed: int = 1) -> str:
    out = StringIO()
    with mock.patch("django.utils.timezone.localdate", on_demo_day):
        call_command("demo_data", customers=customers, seed=seed, today=TODAY, stdout=out)
    return out.getvalue()


def portfolio() -> dict[str, list[tuple[Any, ...]]]:
    """What the demo wrote, by customer code rather than id, so two loads can be compared."""
    return {
        "limits": sorted(CreditLimit.objects.values_list(
            "customer__code", "kind", "status", "amount", "currency_id", "valid_from", "valid_to", "review_on",
            "overdue_cap", "approvals_required")),
        "checks": sorted(CreditCheck.objects.values_list("customer__code", "order_reference", "amount", "decision",
                                                         "status")),
        "statements": sorted(FinancialStatement.objects.values_list("customer__code", "period_end", "total_assets",
                                                                    "equity", "net_income")),
        "answers": sorted(QualitativeAnswer.objects.values_list("customer__code", "factor", "answer")),
        "ratings": sorted(ExternalRating.objects.values_list("customer__code", "agency", "grade", "rated_on")),
        "assessments": sorted(CreditAssessment.objects.values_list("customer__code", "score", "rating",
                                                                   "recommended_limit")),
    }


def test_a_seed_gives_these_limits_checks_and_credit_files():
    out = load()
    limits = Counter(CreditLimit.objects.values_list("kind", "status"))
    assert limits == {("standard", "active"): 21, ("standard", "expired"): 3, ("standard", "requested"): 3,
                      ("group", "active"): 1, ("temporary", "active"): 1}
    assert Counter(CreditCheck.objects.values_list("decision", "status")) == {
        ("approved", "reserved"): 3, ("watch", "reserved"): 2, ("blocked", "released"): 1, ("blocked", "rejected"): 1}
    assert FinancialStatement.objects.count() == 52
    assert QualitativeAnswer.objects.count() == 126
    assert ExternalRating.objects.count() == 1
    assert CreditAssessment.objects.count() == 5
    assert ("Added credit files: 52 financial statements, 126 qualitative answers, 1 external ratings and "
            "5 assessments; credit limits: 23 active, 3 awaiting approval and 3 expired; 7 credit checks: "
            "3 approved, 2 to watch and 2 blocked, of which 1 released and 1 rejected.") in out


def test_the_same_seed_gives_the_same_portfolio_and_another_seed_another():
    with transaction.atomic():
        load()
        first = portfolio()
        transaction.set_rollback(True)
    with transaction.atomic():
        load()
        assert portfolio() == first
        transaction.set_rollback(True)
    load(seed=2)
    assert portfolio()["limits"] != first["limits"]


def test_standing_limits_are_approved_in_their_band_by_someone_else_and_some_are_due_for_review():
    load()
    standing = CreditLimit.objects.exclude(status=LimitStatus.REQUESTED).annotate(given=Count("approvals"))
    assert standing and all(limit.given == limit.approvals_required for limit in standing)
    assert not LimitApproval.objects.filter(approver=F("limit__requested_by")).exists()
    assert CreditLimit.objects.filter(status=LimitStatus.ACTIVE, review_on__lte=TODAY + dt.timedelta(days=30))
    assert all(limit.amount == tidy(limit.amount) for limit in CreditLimit.objects.all())
    assert CreditLimit.objects.filter(status=LimitStatus.REQUESTED, approver_roles__contains="cfo").exists()
    assert set(CreditLimit.objects.filter(approver_roles__contains="cfo").values_list("approval_rule", flat=True)) == {
        "each"}
    by_each = standing.filter(approval_rule="each")
    assert by_each and all(list(limit.approvals.values_list("role", flat=True)) == ["credit_manager", "cfo"]
                           for limit in by_each)


def test_statements_pass_the_analysts_checks_and_weaker_payers_have_weaker_ones():
    load(customers=60)
    with mock.patch("django.utils.timezone.localdate", on_demo_day):
        assert all(not sanity_errors(statement) for statement in FinancialStatement.objects.all())
    latest = FinancialStatement.objects.filter(period_end=dt.date(2025, 12, 31))
    blocked = latest.filter(customer__status="blocked")
    assert blocked and all(s.net_income < 0 and s.current_liabilities > s.current_assets for s in blocked)
    assert FinancialStatement.objects.filter(period_end=dt.date(2024, 12, 31)).count() == latest.count()


def test_checks_released_by_the_manager_carry_a_reason_and_a_last_day():
    load()
    released = CreditCheck.objects.get(status="released")
    assert released.override_by.username == "manager"
    assert released.override_reason and released.override_expires_on == TODAY + dt.timedelta(days=14)
    assert {r["code"] for r in released.reasons} in ({"over_limit"}, {"group_over_limit"},
                                                     {"over_limit", "group_over_limit"})
    rejected = CreditCheck.objects.get(status="rejected")
    assert rejected.override_by.username == "manager" and rejected.override_reason and rejected.reasons
