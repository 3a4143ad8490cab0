"""Running a credit assessment (信用评估) and overriding its rating.

An assessment gathers the scorecard's inputs from the credit file (the latest statement's ratios, the
qualitative answers, the payment behaviour in the ledger, the latest agency rating on our scale), scores them
on the expert card and keeps everything it used: inputs, each factor's points, score, class, PD, terms, the
card's version, who ran it and when, and the limit recommended for the class. A rating override needs a
reason from its maker and an approval from someone else with the authority to approve limits; both are
audited and the overrides are reported.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.assessment.behaviour import behaviour_factors
from creditdesk.assessment.expert import Rated, rate, scale
from creditdesk.assessment.financials import altman_z, ratios
from creditdesk.assessment.models import CreditAssessment, FinancialStatement, OverrideStatus
from creditdesk.assessment.recommendation import Recommendation, recommend_limit
from creditdesk.assessment.scoring.scorecard import Scorecard
from creditdesk.assessment.selectors import factor_answers, policy_model, rating_history
from creditdesk.assessment.trained import rate_trained
from creditdesk.audit.services import record_audit
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor
from creditdesk.customers.models import Customer

RUN, APPROVE = "assessment.add_creditassessment", "limits.approve_creditlimit"


def statement_inputs(customer: Customer, today: dt.date) -> dict[str, Any]:
    """The latest statement's ratios the card reads; nothing when no statement has been entered."""
    latest = FinancialStatement.objects.filter(customer=customer, period_end__lte=today).order_by("-period_end").first()
    if latest is None:
        return {}
    found = ratios(latest)
    return {"z_score": altman_z(latest).z, "current_ratio": found.current_ratio, "debt_ratio": found.debt_ratio,
            "net_margin": found.net_margin}


def gather_inputs(customer: Customer, today: dt.date) -> dict[str, Any]:
    """Every input a card may read, from the credit file and the ledger, as known today."""
    behaviour = behaviour_factors([customer.pk], today)
    agency = rating_history(customer).filter(rated_on__lte=today).first()
    return {
        **statement_inputs(customer, today),
        **{item.factor.code: item.answer.answer for item in factor_answers(customer) if item.answer},
        "days_beyond_terms": behaviour.days_beyond_terms_year,
        "days_beyond_terms_trend": behaviour.days_beyond_terms_trend,
        "share_paid_late": behaviour.share_paid_late, "open_disputes": behaviour.open_disputes,
        "broken_promises": behaviour.broken_promises, "external_rating": agency.rating_class if agency else None,
    }


def rate_on_policy(inputs: dict[str, Any]) -> Rated:
    """Score on the policy's trained model when a change made one active, else on the expert card."""
    model = policy_model()
    return rate(inputs) if model is None else rate_trained(inputs, model.code, Scorecard.from_dict(model.definition))


def as_text(value: Any) -> Any:
    """Inputs kept as JSON: decimals as text, so they come back exactly."""
    return str(value) if isinstance(value, Decimal) else value


def recommendation_record(found: Recommendation) -> list[dict[str, Any]]:
    return [{"code": rule.code, "label": str(rule.label), "amount": as_text(rule.amount), "applies": rule.applies,
             "reason": str(rule.reason)} for rule in found.rules]


def contribution_record(rated: Rated) -> list[dict[str, Any]]:
    return [{"code": c.code, "label": str(c.label), "value": as_text(c.value), "bin": c.bin, "points": c.points,
             "weight": str(c.weight), "contribution": str(c.contribution)} for c in rated.contributions]


@transaction.atomic
def run_assessment(actor: Actor, customer: Customer) -> CreditAssessment:
    """Score the customer now and keep what the score was made of, with the limit recommended for its class."""
    require(actor, RUN)
    today = timezone.localdate()
    inputs = gather_inputs(customer, today)
    rated = rate_on_policy(inputs)
    found = recommend_limit(customer, rated.rating, today)
    assessment = CreditAssessment.objects.create(
        customer=customer, model_version=rated.version, inputs={k: as_text(v) for k, v in inputs.items()},
        contributions=contribution_record(rated), score=rated.score, rating=rated.rating, pd=rated.pd,
        terms_days=rated.terms_days, recommended_limit=found.amount, recommendation=recommendation_record(found),
        binding_rule=found.binding or "", run_by=actor)
    record_audit(actor, "assessment.run", assessment, {
        "score": [None, str(rated.score)], "rating": [None, rated.rating],
        "recommended_limit": [None, as_text(found.amount)]}, customer_id=customer.pk)
    return assessment


def locked(assessment: CreditAssessment) -> CreditAssessment:
    return CreditAssessment.objects.select_for_update().get(pk=assessment.pk)


@transaction.atomic
def request_override(actor: Actor, assessment: CreditAssessment, rating: int, reason: str) -> CreditAssessment:
    """An analyst asks for another class than the card gave, and says why."""
    require(actor, RUN)
    assessment = locked(assessment)
    classes = [item.rating for item in scale()]
    if rating not in classes or rating == assessment.rating:
        raise ValidationError({"rating": _("Choose a class of the scale other than the one the card gave.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the rating should be overridden.")})
    if assessment.override_status == OverrideStatus.REQUESTED:
        raise ValidationError(_("An override of this assessment already waits for approval."))
    assessment.override_rating, assessment.override_reason = rating, reason.strip()[:300]
    assessment.override_status, assessment.override_requested_by = OverrideStatus.REQUESTED, actor
    assessment.override_decided_by = None
    assessment.save()
    record_audit(actor, "assessment.override_request", assessment, {"rating": [assessment.rating, rating]},
                 reason, customer_id=assessment.customer_id)
    return assessment


@transaction.atomic
def decide_override(actor: Actor, assessment: CreditAssessment, approve: bool, reason: str = "") -> CreditAssessment:
    """Someone other than the maker, with the authority to approve limits, approves or rejects the override."""
    require(actor, APPROVE)
    assessment = locked(assessment)
    if assessment.override_status != OverrideStatus.REQUESTED:
        raise ValidationError(_("No override of this assessment waits for approval."))
    if assessment.override_requested_by_id == getattr(actor, "pk", None):
        raise ValidationError(_("The maker of an override cannot approve or reject it."))
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("Say why the override is rejected.")})
    assessment.override_status = OverrideStatus.APPROVED if approve else OverrideStatus.REJECTED
    assessment.override_decided_by, assessment.override_decided_at = actor, timezone.now()
    assessment.save()
    record_audit(actor, f"assessment.override_{assessment.override_status}", assessment, {
        "rating": [assessment.rating, assessment.final_rating]}, reason, customer_id=assessment.customer_id)
    return assessment
