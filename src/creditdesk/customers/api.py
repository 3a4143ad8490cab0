"""Credit files over the API: the same selectors and services the web pages use."""

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from creditdesk.core.api import Body, Day, Id, Page, PageParams, column_text, omissible, paginate, text
from creditdesk.core.bounds import PAYMENT_TERMS_MAX_DAYS, SHORT_TEXT
from creditdesk.core.types import Actor, AuthedRequest
from creditdesk.customers import selectors, services
from creditdesk.customers.downloads import document_response
from creditdesk.customers.models import Communication, Contact, Customer, Document

router = Router(tags=["customers"])
USER_FIELDS = ("owner", "analyst", "collector")


def username_of(user: Actor | None) -> str | None:
    return user.get_username() if user is not None else None


class CustomerOut(Schema):
    id: int
    code: str
    external_id: str | None
    name: str
    local_name: str
    uscc: str | None
    registration_number: str
    tax_number: str
    country: str
    industry: str
    size: str
    founded_on: dt.date | None
    address: str
    language: str
    currency: str
    payment_terms_days: int
    owner: str | None
    analyst: str | None
    collector: str | None
    status: str
    parent_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_country(customer: Customer) -> str:
        return str(customer.country)

    @staticmethod
    def resolve_currency(customer: Customer) -> str:
        return customer.currency_id

    @staticmethod
    def resolve_owner(customer: Customer) -> str | None:
        return username_of(customer.owner)

    @staticmethod
    def resolve_analyst(customer: Customer) -> str | None:
        return username_of(customer.analyst)

    @staticmethod
    def resolve_collector(customer: Customer) -> str | None:
        return username_of(customer.collector)



class CustomerPatch(Body):
    """Only the fields sent change; null clears a field that may be empty of a value (an id, a date, a person)."""

    code: str = column_text(Customer, "code", default=None)
    external_id: str | None = column_text(Customer, "external_id", default=None)
    name: str = column_text(Customer, "name", min_length=1, default=None)
    local_name: str = column_text(Customer, "local_name", default=None)
    uscc: str | None = column_text(Customer, "uscc", default=None)
    registration_number: str = column_text(Customer, "registration_number", default=None)
    tax_number: str = column_text(Customer, "tax_number", default=None)
    country: str = column_text(Customer, "country", default=None)
    industry: str = column_text(Customer, "industry", default=None)
    size: str = column_text(Customer, "size", default=None)
    founded_on: Day | None = None
    address: str = column_text(Customer, "address", default=None)
    language: str = column_text(Customer, "language", default=None)
    currency: str = text(3, default=None)
    payment_terms_days: int = omissible(ge=0, le=PAYMENT_TERMS_MAX_DAYS)
    owner: str | None = Field(None, max_length=150, description="username; empty or null: nobody")
    analyst: str | None = Field(None, max_length=150, description="username; empty or null: nobody")
    collector: str | None = Field(None, max_length=150, description="username; empty or null: nobody")
    status: str = column_text(Customer, "status", default=None)
    parent_id: Id | None = None
    reason: str = text(SHORT_TEXT, default="")


class CustomerIn(CustomerPatch):
    name: str = column_text(Customer, "name", min_length=1)
    country: str = column_text(Customer, "country", min_length=1)
    currency: str = text(3, default="CNY")


class CustomerQuery(Schema):
    search: str = text(200, default="")
    status: str = column_text(Customer, "status", default="")
    country: str = column_text(Customer, "country", default="")
    industry: str = column_text(Customer, "industry", default="")
    owner_id: Id | None = None
    sort: str = text(30, default="name")


class ContactIn(Body):
    name: str = column_text(Contact, "name", min_length=1)
    title: str = column_text(Contact, "title", default="")
    role: str = column_text(Contact, "role", default="finance")
    email: str = column_text(Contact, "email", default="")
    phone: str = column_text(Contact, "phone", default="")
    language: str = column_text(Contact, "language", default="zh-hans")
    is_primary: bool = False
    notes: str = column_text(Contact, "notes", default="")


class ContactOut(Schema):
    id: int
    name: str
    title: str
    role: str
    email: str
    phone: str
    language: str
    is_primary: bool
    notes: str


class CommunicationIn(Body):
    kind: str = column_text(Communication, "kind", min_length=1)
    occurred_on: Day
    summary: str = column_text(Communication, "summary", min_length=1)
    contact_id: Id | None = None
    follow_up_on: Day | None = None


class CommunicationOut(Schema):
    id: int
    kind: str
    occurred_on: dt.date
    summary: str
    contact_id: int | None
    follow_up_on: dt.date | None
    user: str | None

    @staticmethod
    def resolve_user(entry: Communication) -> str | None:
        return username_of(entry.user)


class DocumentOut(Schema):
    id: int
    doc_type: str
    title: str
    original_name: str
    size: int
    sha256: str
    issued_on: dt.date | None
    expires_on: dt.date | None
    uploaded_at: dt.datetime


def service_data(request: AuthedRequest, payload: CustomerPatch) -> tuple[dict[str, Any], str]:
    """API names (usernames, currency code, parent id) into the values the services take."""
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", "")
    if "currency" in data:
        data["currency_id"] = (data.pop("currency") or "").upper()
    for field in USER_FIELDS:
        if field in data and not data[field]:
            data[field] = None
        elif data.get(field):
            user = get_user_model().objects.filter(username=data[field]).first()
            if user is None:
                raise ValidationError({field: _("No user “%(value)s”.") % {"value": data[field]}})
            data[field] = user
    if data.get("parent_id") is not None:
        data["parent"] = selectors.get_customer(request.user, data.pop("parent_id"))
    return data, reason


@router.get("/", response=Page[CustomerOut])
def list_customers(request: AuthedRequest, filters: Query[CustomerQuery], page: Query[PageParams]) -> dict[str, Any]:
    customers = selectors.customer_list(request.user, selectors.CustomerFilter(**filters.dict()))
    return paginate(customers.select_related("analyst", "collector"), page)


@router.post("/", response={201: CustomerOut})
def create_customer(request: AuthedRequest, payload: CustomerIn) -> Status[Customer]:
    data, reason = service_data(request, payload)
    data.setdefault("currency_id", payload.currency.upper())  # the schema's default, left out by exclude_unset
    return Status(201, services.create_customer(request.user, data, reason))


@router.get("/{customer_id}", response=CustomerOut)
def get_customer(request: AuthedRequest, customer_id: Id) -> Customer:
    return selectors.get_customer(request.user, customer_id)


@router.patch("/{customer_id}", response=CustomerOut)
def update_customer(request: AuthedRequest, customer_id: Id, payload: CustomerPatch) -> Customer:
    customer = selectors.get_customer(request.user, customer_id)
    data, reason = service_data(request, payload)
    return services.update_customer(request.user, customer, data, reason)


@router.get("/{customer_id}/contacts", response=list[ContactOut])
def list_contacts(request: AuthedRequest, customer_id: Id) -> list[Contact]:
    return list(selectors.customer_contacts(selectors.get_customer(request.user, customer_id)))


@router.post("/{customer_id}/contacts", response={201: ContactOut})
def add_contact(request: AuthedRequest, customer_id: Id, payload: ContactIn) -> Status[Contact]:
    customer = selectors.get_customer(request.user, customer_id)
    return Status(201, services.save_contact(request.user, customer, payload.dict()))


@router.put("/{customer_id}/contacts/{contact_id}", response=ContactOut)
def change_contact(request: AuthedRequest, customer_id: Id, contact_id: Id, payload: ContactIn) -> Contact:
    customer = selectors.get_customer(request.user, customer_id)
    contact = get_object_or_404(selectors.customer_contacts(customer), pk=contact_id)
    return services.save_contact(request.user, customer, payload.dict(), contact=contact)


@router.get("/{customer_id}/communications", response=list[CommunicationOut])
def list_communications(request: AuthedRequest, customer_id: Id) -> list[Communication]:
    customer = selectors.get_customer(request.user, customer_id)
    return list(selectors.customer_communications(customer)[:200])


@router.post("/{customer_id}/communications", response={201: CommunicationOut})
def log_communication(request: AuthedRequest, customer_id: Id, payload: CommunicationIn) -> Status[Communication]:
    customer = selectors.get_customer(request.user, customer_id)
    data = payload.dict()
    contact_id = data.pop("contact_id")
    if contact_id is not None:
        data["contact"] = get_object_or_404(selectors.customer_contacts(customer), pk=contact_id)
    return Status(201, services.log_communication(request.user, customer, data))


@router.get("/{customer_id}/documents", response=list[DocumentOut])
def list_documents(request: AuthedRequest, customer_id: Id) -> list[Document]:
    return list(selectors.customer_documents(request.user, selectors.get_customer(request.user, customer_id)))


@router.post("/{customer_id}/documents", response={201: DocumentOut})
def upload_document(request: AuthedRequest, customer_id: Id, file: File[UploadedFile], doc_type: Form[str],
                    title: Form[str], issued_on: Form[dt.date | None] = None,
                    expires_on: Form[dt.date | None] = None) -> Status[Document]:
    customer = selectors.get_customer(request.user, customer_id)
    data = {"doc_type": doc_type, "title": title, "issued_on": issued_on, "expires_on": expires_on}
    return Status(201, services.upload_document(request.user, customer, file, data))


@router.get("/{customer_id}/documents/{document_id}/file")
def download_document(request: AuthedRequest, customer_id: Id, document_id: Id) -> FileResponse:
    customer = selectors.get_customer(request.user, customer_id)
    return document_response(selectors.get_document(request.user, customer, document_id))
