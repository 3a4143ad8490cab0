"""The credit policy's settings that live in the database (approval authority bands, check points), kept by the
administrator in the admin site, every change audited with before and after."""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from creditdesk.audit.services import diff, record_audit, snapshot
from creditdesk.limits.models import AuthorityBand, CheckPoint


class AuditedPolicyAdmin(admin.ModelAdmin):
    """Saves and deletes leave an audit entry naming the fields that changed."""

    def fields_of(self, obj: Model) -> list[str]:
        return [field.name for field in obj._meta.concrete_fields if not field.primary_key]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = self.fields_of(obj)
        before = snapshot(type(obj).objects.get(pk=obj.pk), fields) if change else {}
        super().save_model(request, obj, form, change)
        record_audit(request.user, "policy.update" if change else "policy.create", obj,
                     diff(before, snapshot(obj, fields)))

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        record_audit(request.user, "policy.delete", obj, {"setting": [str(obj), None]})
        super().delete_model(request, obj)


@admin.register(AuthorityBand)
class AuthorityBandAdmin(AuditedPolicyAdmin):
    list_display = ["up_to", "from_rating", "roles", "rule", "approvals_required"]


@admin.register(CheckPoint)
class CheckPointAdmin(AuditedPolicyAdmin):
    list_display = ["point", "active", "counts_unshipped", "counts_shipped"]
    readonly_fields = ["point"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
