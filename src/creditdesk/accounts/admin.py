"""User administration for the admin role, through Django's admin, with every change audited."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Model
from django.http import HttpRequest

from creditdesk.audit.services import diff, record_audit, snapshot

USER_FIELDS = ["username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser"]


class AuditedUserAdmin(UserAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(User.objects.get(pk=obj.pk), USER_FIELDS) if change else {}
        super().save_model(request, obj, form, change)
        record_audit(request.user, "user.update" if change else "user.create", obj,
                     diff(before, snapshot(obj, USER_FIELDS)))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        before = sorted(form.instance.groups.values_list("name", flat=True))
        super().save_related(request, form, formsets, change)
        after = sorted(form.instance.groups.values_list("name", flat=True))
        if before != after:
            record_audit(request.user, "user.roles", form.instance, {"roles": [before, after]})

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        record_audit(request.user, "user.delete", obj, {"username": [str(obj), None]})
        super().delete_model(request, obj)


admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)
