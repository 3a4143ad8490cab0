"""The JSON API: one NinjaAPI with a router per domain; bearer tokens or the session to log in."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaError
from ninja.openapi.schema import OpenAPISchema

from creditdesk.accounts.api import BearerToken, SignedInSession, signed_in_or_token
from creditdesk.accounts.api import router as accounts_router
from creditdesk.assessment.api import router as assessment_router
from creditdesk.audit.api import router as audit_router
from creditdesk.collections.api import router as collections_router
from creditdesk.core.api import error_body, schema_error_body
from creditdesk.core.openapi import document_refusals
from creditdesk.currencies.api import router as currencies_router
from creditdesk.currencies.selectors import MissingExchangeRate
from creditdesk.customers.api import router as customers_router
from creditdesk.imports.api import router as imports_router
from creditdesk.limits.api import limits_router
from creditdesk.limits.api import router as credit_checks_router
from creditdesk.receivables.api import router as receivables_router


class CreditDeskAPI(NinjaAPI):
    """The API whose document also lists the refusals each operation can answer."""

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_refusals(document)
        return document


api = CreditDeskAPI(
    title="CreditDesk API",
    version="1",
    description=("Credit files, the receivables ledger with its figures and KPIs, credit limits and checks, the "
                 "inputs of credit assessments, promises to pay, audit trail, exchange rates and imports. "
                 "Send `Authorization: Bearer <token>`."),
    auth=[BearerToken(), SignedInSession()],
    urls_namespace="api",
    docs_decorator=signed_in_or_token,
)
api.add_router("/accounts", accounts_router)
api.add_router("/customers", customers_router)
api.add_router("/audit", audit_router)
api.add_router("/exchange-rates", currencies_router)
api.add_router("/imports", imports_router)
api.add_router("/receivables", receivables_router)
api.add_router("/credit-checks", credit_checks_router)
api.add_router("/limits", limits_router)
api.add_router("/assessment", assessment_router)
api.add_router("/collections", collections_router)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return api.create_response(request, error_body(error), status=422)


@api.exception_handler(SchemaError)
def refused_by_schema(request: HttpRequest, error: SchemaError) -> HttpResponse:
    return api.create_response(request, schema_error_body(error.errors), status=422)


@api.exception_handler(MultiPartParserError)
def unreadable_upload(request: HttpRequest, error: MultiPartParserError) -> HttpResponse:
    return api.create_response(request, {"detail": _("The upload cannot be read: %(error)s") % {"error": error}},
                               status=400)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": _("Send a valid token: Authorization: Bearer <token>")},
                                   status=401)
    response["WWW-Authenticate"] = 'Bearer realm="CreditDesk"'
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(error) or "Forbidden"}, status=403)


@api.exception_handler(MissingExchangeRate)
def missing_rate(request: HttpRequest, error: MissingExchangeRate) -> HttpResponse:
    return api.create_response(request, {"detail": str(error)}, status=422)
