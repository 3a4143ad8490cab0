"""URL map: the web app per domain, the JSON API under /api/."""

from django.contrib import admin
from django.urls import include, path

from creditdesk.api import api

urlpatterns = [
    path("", include("creditdesk.core.urls")),
    path("accounts/", include("creditdesk.accounts.urls")),
    path("audit/", include("creditdesk.audit.urls")),
    path("currencies/", include("creditdesk.currencies.urls")),
    path("imports/", include("creditdesk.imports.urls")),
    path("customers/", include("creditdesk.customers.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
