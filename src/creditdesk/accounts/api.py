"""Bearer-token authentication and the caller's own tokens."""

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.security import HttpBearer, SessionAuth

from creditdesk.accounts.models import ApiToken
from creditdesk.accounts.services import authenticate_token, create_api_token, revoke_api_token
from creditdesk.core.api import Body, Id, column_text
from creditdesk.core.types import AuthedRequest

router = Router(tags=["accounts"])


class BearerToken(HttpBearer):
    """`Authorization: Bearer cd_…` as issued by `creditdesk token create`."""

    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


class SignedInSession(SessionAuth):
    """The web app's session; CSRF is checked for a signed-in user only, so a caller without one gets 401."""

    def __call__(self, request: HttpRequest) -> object | None:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


def signed_in_or_token(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The API's documents are for people signed in, or for systems holding a token."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated or BearerToken()(request) is not None:
            return view(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path())

    return guarded


class MeOut(Schema):
    username: str
    first_name: str
    last_name: str
    email: str
    roles: list[str]


class TokenIn(Body):
    name: str = column_text(ApiToken, "name", min_length=1)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class NewTokenOut(TokenOut):
    token: str


@router.get("/me", response=MeOut)
def me(request: AuthedRequest) -> dict[str, object]:
    user = request.user
    return {"username": user.get_username(), "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "roles": list(user.groups.values_list("name", flat=True))}


@router.get("/tokens", response=list[TokenOut])
def my_tokens(request: AuthedRequest) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=request.user))


@router.post("/tokens", response={201: NewTokenOut})
def new_token(request: AuthedRequest, payload: TokenIn) -> Status[dict[str, object]]:
    token, plain = create_api_token(request.user, request.user, payload.name)
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": plain})


@router.delete("/tokens/{token_id}", response=TokenOut)
def revoke_token(request: AuthedRequest, token_id: Id) -> ApiToken:
    return revoke_api_token(request.user, get_object_or_404(ApiToken, pk=token_id, user=request.user))
