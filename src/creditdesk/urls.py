"""URL map: the web app per domain, the JSON API under /api/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from creditdesk.api import api

urlpatterns = [
    path("", include("creditdesk.core.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("account/", include("creditdesk.accounts.urls")),
    path("audit/", include("creditdesk.audit.urls")),
    path("currencies/", include("creditdesk.currencies.urls")),
    path("imports/", include("creditdesk.imports.urls")),
    path("customers/", include("creditdesk.customers.urls")),
    path("receivables/", include("creditdesk.receivables.urls")),
    path("limits/", include("creditdesk.limits.urls")),
    path("assessment/", include("creditdesk.assessment.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
