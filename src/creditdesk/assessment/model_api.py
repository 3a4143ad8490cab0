"""Trained scoring models over the API (`/api/assessment/models`): list and read them with their points tables and
validation reports, register one saved by `creditdesk scoring train`, ask for its activation as the policy's model
(or the policy model's retirement) and approve or reject that change. The same services and checks as the model pages.
"""

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from creditdesk.assessment.model_changes import (
    decide_change,
    register_model,
    request_activation,
    request_retirement,
)
from creditdesk.assessment.models import ScoringModel
from creditdesk.assessment.selectors import scoring_models
from creditdesk.core.api import Body, Page, PageParams, column_text, paginate
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest

router = Router(tags=["credit assessment"])
VIEW = "assessment.view_scoringmodel"


class ModelIn(Body):
    code: str = column_text(ScoringModel, "code", min_length=1,
                            description="a new slug; it becomes the model version of the assessments it scores")
    note: str = column_text(ScoringModel, "note", default="")
    definition: dict[str, Any] = Field(description="the JSON file written by `creditdesk scoring train`")


class ModelOut(Schema):
    code: str
    method: str
    status: str = Field(description="draft, requested, active (the policy's model), rejected or retired")
    note: str
    registered_by: str
    registered_at: dt.datetime
    requested_by: str | None
    requested_at: dt.datetime | None
    request_reason: str
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_reason: str
    retired_at: dt.datetime | None


class ModelDetailOut(ModelOut):
    definition: dict[str, Any] = Field(description="scaling, base points, each factor's bins and points, the "
                                                   "trainer's coefficients or settings, and the validation report")


class ReasonIn(Body):
    reason: str = column_text(ScoringModel, "request_reason", default="")


class StatusFilter(Schema):
    status: str = column_text(ScoringModel, "status", default="")


def name_of(user: Any) -> str | None:
    return user.get_username() if user else None


def model_out(model: ScoringModel, detail: bool = False) -> dict[str, Any]:
    found = {
        "code": model.code, "method": model.method, "status": model.status, "note": model.note,
        "registered_by": model.registered_by.get_username(), "registered_at": model.registered_at,
        "requested_by": name_of(model.requested_by), "requested_at": model.requested_at,
        "request_reason": model.request_reason, "decided_by": name_of(model.decided_by),
        "decided_at": model.decided_at, "decision_reason": model.decision_reason, "retired_at": model.retired_at,
    }
    return {**found, "definition": model.definition} if detail else found


def readable_model(request: AuthedRequest, code: str) -> ScoringModel:
    require(request.user, VIEW)
    return get_object_or_404(scoring_models(), code=code)


@router.get("/", response=Page[ModelOut])
def list_models(request: AuthedRequest, page: Query[PageParams], filters: Query[StatusFilter]) -> dict[str, Any]:
    """The registered models, those waiting for approval and the policy's model first."""
    require(request.user, VIEW)
    result = paginate(scoring_models(filters.status), page)
    result["items"] = [model_out(item) for item in result["items"]]
    return result


@router.post("/", response={201: ModelDetailOut})
def register(request: AuthedRequest, payload: ModelIn) -> Status[dict[str, Any]]:
    """Keep a trained scorecard as a draft; one reading inputs no assessment gathers is refused."""
    model = register_model(request.user, payload.code, payload.definition, payload.note)
    return Status(201, model_out(readable_model(request, model.code), detail=True))


@router.get("/{code}", response=ModelDetailOut)
def get_model(request: AuthedRequest, code: str) -> dict[str, Any]:
    return model_out(readable_model(request, code), detail=True)


@router.post("/{code}/activation", response=ModelOut)
def ask_activation(request: AuthedRequest, code: str, payload: ReasonIn) -> dict[str, Any]:
    """Ask for the model to become the policy's model, saying why; someone else approves."""
    return model_out(request_activation(request.user, readable_model(request, code), payload.reason))


@router.post("/{code}/retirement", response=ModelOut)
def ask_retirement(request: AuthedRequest, code: str, payload: ReasonIn) -> dict[str, Any]:
    """Ask for the policy's model to step down so the expert card scores again; someone else approves."""
    return model_out(request_retirement(request.user, readable_model(request, code), payload.reason))


@router.post("/{code}/approve", response=ModelOut)
def approve_change(request: AuthedRequest, code: str, payload: ReasonIn | None = None) -> dict[str, Any]:
    """Approve the requested activation or retirement; not by its maker, only with the authority to change it."""
    model = readable_model(request, code)
    return model_out(decide_change(request.user, model, True, payload.reason if payload else ""))


@router.post("/{code}/reject", response=ModelOut)
def reject_change(request: AuthedRequest, code: str, payload: ReasonIn) -> dict[str, Any]:
    """Refuse the requested change, saying why; the model in force stays."""
    return model_out(decide_change(request.user, readable_model(request, code), False, payload.reason))
