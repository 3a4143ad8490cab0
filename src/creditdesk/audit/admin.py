"""The audit trail in the admin site: readable, never editable or deletable."""

from django.contrib import admin
from django.http import HttpRequest

from creditdesk.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_name", "action", "object_repr", "reason", "chain_position"]
    list_filter = ["action"]
    search_fields = ["actor_name", "object_repr", "object_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
