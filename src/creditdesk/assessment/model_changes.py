"""Changing the policy's scoring model: a trained scorecard is registered as a draft, its activation is asked for
with a reason, and someone else with the authority to change the credit policy approves or rejects it.

Approval makes it the one model that scores new assessments and retires the model it replaces. Retiring the
policy's model without a successor (back to the expert card) is asked for and approved the same way; the model
keeps scoring until then. Every step is audited. Nothing of a registered model changes afterwards: a retrained
card is registered under a new code.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from creditdesk.assessment.expert import card
from creditdesk.assessment.models import ModelStatus, ScoringModel
from creditdesk.assessment.scoring.scorecard import Scorecard
from creditdesk.assessment.trained import unknown_inputs
from creditdesk.audit.services import record_audit
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor

REGISTER, ACTIVATE = "assessment.add_scoringmodel", "assessment.activate_scoringmodel"
REASON_LENGTH = 300
WAITING = (ModelStatus.REQUESTED, ModelStatus.RETIRING)
IN_FORCE = (ModelStatus.ACTIVE, ModelStatus.RETIRING)
# (status waiting, approved?) → (status after the decision, audit action)
OUTCOMES: dict[tuple[str, bool], tuple[str, str]] = {
    (ModelStatus.REQUESTED, True): (ModelStatus.ACTIVE, "scoring_model.activated"),
    (ModelStatus.REQUESTED, False): (ModelStatus.REJECTED, "scoring_model.activation_rejected"),
    (ModelStatus.RETIRING, True): (ModelStatus.RETIRED, "scoring_model.retired"),
    (ModelStatus.RETIRING, False): (ModelStatus.ACTIVE, "scoring_model.retirement_rejected"),
}


def readable_scorecard(definition: Any) -> Scorecard:
    """The scorecard a saved definition holds, or a ValidationError saying why it is not one."""
    try:
        return Scorecard.from_dict(definition)
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise ValidationError({"definition": _("This is not a scorecard saved by “scoring train”: %(error)s")
                               % {"error": error}}) from error


def checked_code(code: str) -> str:
    """A new model's code: a slug of its own, not the expert card's version."""
    cleaned = code.strip()
    if not cleaned or slugify(cleaned) != cleaned or len(cleaned) > 40:
        raise ValidationError({"code": _("Use up to 40 lower-case letters, digits, hyphens or underscores.")})
    if cleaned == card().version or ScoringModel.objects.filter(code=cleaned).exists():
        raise ValidationError({"code": _("A model with this code already exists.")})
    return cleaned


@transaction.atomic
def register_model(actor: Actor, code: str, definition: Any, note: str = "") -> ScoringModel:
    """Keep a trained scorecard as a draft, refusing one that reads inputs no assessment gathers."""
    require(actor, REGISTER)
    scorecard = readable_scorecard(definition)
    unknown = unknown_inputs(scorecard)
    if unknown:
        raise ValidationError({"definition": _("The model reads factors an assessment does not gather: %(factors)s.")
                               % {"factors": ", ".join(unknown)}})
    model = ScoringModel.objects.create(code=checked_code(code), method=scorecard.method,
                                        definition=scorecard.to_dict(), note=note.strip()[:REASON_LENGTH],
                                        registered_by=actor)
    record_audit(actor, "scoring_model.register", model, {"status": [None, model.status],
                                                          "method": [None, model.method]})
    return model


def locked(model: ScoringModel) -> ScoringModel:
    return ScoringModel.objects.select_for_update().get(pk=model.pk)


def asked(actor: Actor, model: ScoringModel, reason: str, status: str, action: str) -> ScoringModel:
    """Record a requested change of the policy's model, with its reason; any earlier decision is cleared."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the policy's model should change.")})
    before = model.status
    model.status, model.requested_by, model.requested_at = status, actor, timezone.now()
    model.request_reason = reason.strip()[:REASON_LENGTH]
    model.decided_by, model.decided_at, model.decision_reason = None, None, ""
    model.save()
    record_audit(actor, action, model, {"status": [before, model.status]}, reason)
    return model


@transaction.atomic
def request_activation(actor: Actor, model: ScoringModel, reason: str) -> ScoringModel:
    """Ask for a draft (or a rejected or retired model) to become the policy's model, saying why."""
    require(actor, REGISTER)
    model = locked(model)
    if model.status in WAITING or model.status == ModelStatus.ACTIVE:
        raise ValidationError(_("This model is already the policy's model or waits for approval."))
    return asked(actor, model, reason, ModelStatus.REQUESTED, "scoring_model.activation_request")


@transaction.atomic
def request_retirement(actor: Actor, model: ScoringModel, reason: str) -> ScoringModel:
    """Ask for the policy's model to step down, so the expert card scores again; it scores until approved."""
    require(actor, REGISTER)
    model = locked(model)
    if model.status != ModelStatus.ACTIVE:
        raise ValidationError(_("Only the policy's model can be retired."))
    return asked(actor, model, reason, ModelStatus.RETIRING, "scoring_model.retirement_request")


@transaction.atomic
def decide_change(actor: Actor, model: ScoringModel, approve: bool, reason: str = "") -> ScoringModel:
    """Someone other than the maker approves or rejects (saying why) the requested activation or retirement."""
    require(actor, ACTIVATE)
    model = locked(model)
    if model.status not in WAITING:
        raise ValidationError(_("No change of this model waits for approval."))
    if model.requested_by_id == getattr(actor, "pk", None):
        raise ValidationError(_("The maker of a model change cannot approve or reject it."))
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("Say why the change is rejected.")})
    before = model.status
    if approve and before == ModelStatus.REQUESTED:
        retire_policy_model(actor, model)
    model.status, action = OUTCOMES[(before, approve)]
    model.decided_by, model.decided_at, model.decision_reason = actor, timezone.now(), reason.strip()[:REASON_LENGTH]
    model.retired_at = model.decided_at if model.status == ModelStatus.RETIRED else None
    model.save()
    record_audit(actor, action, model, {"status": [before, model.status]}, reason)
    return model


def retire_policy_model(actor: Actor, successor: ScoringModel) -> None:
    """The model in force (even one whose retirement waits) steps down for its successor."""
    current = ScoringModel.objects.select_for_update().filter(status__in=IN_FORCE).first()
    if current is None:
        return
    before = current.status
    current.status, current.retired_at = ModelStatus.RETIRED, timezone.now()
    current.save()
    record_audit(actor, "scoring_model.retired", current, {"status": [before, ModelStatus.RETIRED]},
                 _("Replaced by %(code)s.") % {"code": successor.code})
