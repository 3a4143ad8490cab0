"""Every page needs a login; the API authenticates itself with tokens or the session."""

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's login-required middleware, leaving the API and static files to their own rules."""

    open_prefixes = ("/api/", "/static/", "/i18n/")

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if request.path.startswith(self.open_prefixes):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
