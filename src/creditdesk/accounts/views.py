"""My account: roles, language, password and API tokens."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from creditdesk.accounts.forms import TokenForm
from creditdesk.accounts.models import ApiToken
from creditdesk.accounts.roles import ROLES
from creditdesk.accounts.services import create_api_token, revoke_api_token
from creditdesk.core.forms import show_errors
from creditdesk.core.types import AuthedRequest


def profile(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = create_api_token(request.user, request.user, form.cleaned_data["name"])
            form = TokenForm()
        except ValidationError as error:
            show_errors(form, error)
    roles = [ROLES[g]["label"] for g in request.user.groups.values_list("name", flat=True) if g in ROLES]
    return render(request, "accounts/profile.html", {
        "form": form, "new_token": new_token, "roles": roles,
        "tokens": ApiToken.objects.filter(user=request.user),
    })


@require_POST
def revoke_token(request: AuthedRequest, token_id: int) -> HttpResponse:
    revoke_api_token(request.user, get_object_or_404(ApiToken, pk=token_id, user=request.user))
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")
