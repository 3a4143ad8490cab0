"""Trained scoring models on the web: register a model file on the scorecard page, read a model's page (its
validation report, base points and points table, coefficients, drift) and change the policy's model there: ask
for its activation (or the policy model's retirement) with a reason, and approve or reject it as someone else.

Thin views over `model_changes`; what a service refuses is shown as a message or beside the field at fault.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from creditdesk.assessment.drift import Drift, trained_drift, verdict
from creditdesk.assessment.forms import DecisionForm, RegisterModelForm
from creditdesk.assessment.model_changes import (
    ACTIVATE,
    REGISTER,
    decide_change,
    register_model,
    request_activation,
    request_retirement,
)
from creditdesk.assessment.models import ModelStatus, ScoringModel
from creditdesk.assessment.scoring.scorecard import Scorecard
from creditdesk.assessment.selectors import scoring_models
from creditdesk.assessment.trained import factor_labels
from creditdesk.core.forms import show_errors
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest
from creditdesk.limits.views import refusal

VIEW = "assessment.view_scoringmodel"
SETTINGS_HIDDEN = ("coefficients", "woe", "selection")


def drift_context(found: Drift, labels: dict[str, Any], basis: Promise) -> dict[str, Any]:
    """A card version's PSI overall and per factor, each with its reading, and what it is measured against."""
    return {"drift": found, "verdict": verdict(found.overall), "drift_basis": basis,
            "factor_drift": [(code, labels.get(code, code), value, verdict(value))
                             for code, value in found.factors.items()]}


def points_tables(scorecard: Scorecard, labels: dict[str, Any]) -> list[dict[str, Any]]:
    """Each factor's bins with their points, and its coefficient where the trainer had one."""
    coefficients = scorecard.details.get("coefficients", {})
    return [{"code": factor.name, "label": labels.get(factor.name, factor.name), "kind": factor.kind,
             "coefficient": coefficients.get(factor.name), "bins": list(zip(factor.labels(), table, strict=True))}
            for factor, table in zip(scorecard.factors, scorecard.points, strict=True)]


def model_page(request: AuthedRequest, code: str) -> HttpResponse:
    """Everything a committee needs to follow the model's points, and the change that makes it the policy's."""
    require(request.user, VIEW)
    model = get_object_or_404(scoring_models(), code=code)
    scorecard, labels = Scorecard.from_dict(model.definition), factor_labels()
    settings = {key: value for key, value in scorecard.details.items() if key not in SETTINGS_HIDDEN}
    return render(request, "assessment/model.html", {
        "model": model, "scorecard": scorecard, "tables": points_tables(scorecard, labels),
        "validation": scorecard.validation, "selection": scorecard.details.get("selection", {}),
        "settings": settings, "form": DecisionForm(),
        **drift_context(trained_drift(model.code, scorecard), labels, gettext_lazy("the model's training rows")),
    })


@require_POST
def model_register(request: AuthedRequest) -> HttpResponse:
    """The scorecard page's upload: a model file kept as a draft; refusals shown beside the form."""
    require(request.user, REGISTER)
    form = RegisterModelForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            model = register_model(request.user, form.cleaned_data["code"], form.cleaned_data["file"],
                                   form.cleaned_data["note"])
            messages.success(request, _("Model %(code)s registered as a draft.") % {"code": model.code})
            return redirect("assessment:model", model.code)
        except ValidationError as error:
            show_errors(form, error)
    from creditdesk.assessment.views import scorecard_context  # the scorecard page shows this form

    return render(request, "assessment/scorecard.html", {**scorecard_context(request), "register_form": form},
                  status=422)


DONE: dict[str, Promise] = {
    ModelStatus.REQUESTED: gettext_lazy("Activation requested; it now waits for approval."),
    ModelStatus.RETIRING: gettext_lazy("Return to the expert card requested; it now waits for approval."),
    ModelStatus.ACTIVE: gettext_lazy("The policy's model is now this model: it scores every new assessment."),
    ModelStatus.RETIRED: gettext_lazy("Model retired: the expert card scores every new assessment."),
}
REJECTED = gettext_lazy("Change rejected: the policy's model stays as it was.")


def changed(request: AuthedRequest, code: str, change: Callable[[ScoringModel, str], ScoringModel],
            done: Promise | None = None) -> HttpResponse:
    """Apply one step of the policy-model change with the form's reason; back to the model's page either way."""
    model: ScoringModel = get_object_or_404(ScoringModel, code=code)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        result = change(model, form.cleaned_data.get("reason", ""))
        messages.success(request, str(done or DONE[result.status]))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal(error))
    return redirect("assessment:model", code)


@require_POST
def model_activation(request: AuthedRequest, code: str) -> HttpResponse:
    require(request.user, VIEW, REGISTER)
    return changed(request, code, lambda model, reason: request_activation(request.user, model, reason))


@require_POST
def model_retirement(request: AuthedRequest, code: str) -> HttpResponse:
    require(request.user, VIEW, REGISTER)
    return changed(request, code, lambda model, reason: request_retirement(request.user, model, reason))


@require_POST
def model_approve(request: AuthedRequest, code: str) -> HttpResponse:
    require(request.user, VIEW, ACTIVATE)
    return changed(request, code, lambda model, reason: decide_change(request.user, model, True, reason))


@require_POST
def model_reject(request: AuthedRequest, code: str) -> HttpResponse:
    require(request.user, VIEW, ACTIVATE)
    return changed(request, code, lambda model, reason: decide_change(request.user, model, False, reason), REJECTED)
