"""The assessment inputs in the admin site. Statements, ratings and answers are readable only, since entries and
corrections must pass the services' checks and leave an audit entry; the agencies' scales are the policy's mapping,
kept here by the administrator, every change audited."""

from django.contrib import admin
from django.http import HttpRequest

from creditdesk.assessment.models import AgencyScale, ExternalRating, FinancialStatement, QualitativeAnswer
from creditdesk.limits.admin import AuditedPolicyAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(FinancialStatement)
class FinancialStatementAdmin(ReadOnlyAdmin):
    list_display = ["customer", "period_end", "period_months", "currency", "audited", "source", "total_assets",
                    "entered_by", "entered_at"]
    list_filter = ["audited", "source", "period_months"]
    list_select_related = ["customer", "currency", "entered_by"]
    search_fields = ["customer__code", "customer__name", "customer__local_name"]
    date_hierarchy = "period_end"


@admin.register(ExternalRating)
class ExternalRatingAdmin(ReadOnlyAdmin):
    list_display = ["customer", "agency", "grade", "rating_class", "rated_on", "outlook", "source", "entered_by"]
    list_filter = ["agency", "rating_class", "source"]
    list_select_related = ["customer", "entered_by"]
    search_fields = ["customer__code", "customer__name", "customer__local_name"]
    date_hierarchy = "rated_on"


@admin.register(QualitativeAnswer)
class QualitativeAnswerAdmin(ReadOnlyAdmin):
    list_display = ["customer", "factor", "answer", "answered_by", "answered_at"]
    list_filter = ["factor", "answer"]
    list_select_related = ["customer", "answered_by"]
    search_fields = ["customer__code", "customer__name", "customer__local_name"]


@admin.register(AgencyScale)
class AgencyScaleAdmin(AuditedPolicyAdmin):
    list_display = ["agency", "grade", "rating_class"]
    list_filter = ["agency", "rating_class"]
    ordering = ["agency", "rating_class", "grade"]
