"""Financial statements in the admin site: readable only, since entries and corrections must pass the
services' checks and leave an audit entry."""

from django.contrib import admin
from django.http import HttpRequest

from creditdesk.assessment.models import FinancialStatement


@admin.register(FinancialStatement)
class FinancialStatementAdmin(admin.ModelAdmin):
    list_display = ["customer", "period_end", "period_months", "currency", "audited", "source", "total_assets",
                    "entered_by", "entered_at"]
    list_filter = ["audited", "source", "period_months"]
    list_select_related = ["customer", "currency", "entered_by"]
    search_fields = ["customer__code", "customer__name", "customer__local_name"]
    date_hierarchy = "period_end"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
