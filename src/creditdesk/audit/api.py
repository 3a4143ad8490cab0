"""The audit trail, read-only, for auditors and managers."""

import datetime as dt
from typing import Any

from ninja import Query, Router, Schema

from creditdesk.audit.selectors import AuditFilter, audit_entries
from creditdesk.core.api import Page, PageParams, paginate
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
    customer_id: int | None = None
    actor: str = ""
    action: str = ""
    object_type: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@router.get("/", response=Page[AuditEntryOut])
def list_entries(request: AuthedRequest, filters: Query[AuditQuery], page: Query[PageParams]) -> dict[str, Any]:
    require(request.user, "audit.view_auditentry")
    return paginate(audit_entries(AuditFilter(**filters.dict())), page)
