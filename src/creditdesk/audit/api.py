"""The audit trail, read-only, for auditors and managers."""

import datetime as dt
from typing import Any

from ninja import Query, Router, Schema

from creditdesk.audit.models import AuditEntry
from creditdesk.audit.selectors import AuditFilter, audit_entries
from creditdesk.core.api import Day, Id, Page, PageParams, column_text, paginate
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    created_at: dt.datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    customer_id: int | None
    changes: dict[str, Any]
    reason: str
    chain_position: int | None



class AuditQuery(Schema):
    customer_id: Id | None = None
    actor: str = column_text(AuditEntry, "actor_name", default="")
    action: str = column_text(AuditEntry, "action", default="")
    object_type: str = column_text(AuditEntry, "object_type", default="")
    date_from: Day | None = None
    date_to: Day | None = None


@router.get("/", response=Page[AuditEntryOut])
def list_entries(request: AuthedRequest, filters: Query[AuditQuery], page: Query[PageParams]) -> dict[str, Any]:
    require(request.user, "audit.view_auditentry")
    return paginate(audit_entries(AuditFilter(**filters.dict())), page)
