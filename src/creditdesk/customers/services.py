"""Writes to the credit file: every one validated, in one transaction, and audited."""

import hashlib
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from creditdesk.audit.services import diff, record_audit, record_audits, snapshot
from creditdesk.core.permissions import require
from creditdesk.core.types import Actor
from creditdesk.customers.choices import STATUSES_NEEDING_REASON, CustomerStatus
from creditdesk.customers.models import Communication, Contact, Customer, Document
from creditdesk.customers.selectors import check_visible
from creditdesk.customers.uscc import normalise_uscc

CUSTOMER_FIELDS = [
    "code", "external_id", "name", "local_name", "uscc", "registration_number", "tax_number", "country",
    "industry", "size", "founded_on", "address", "language", "currency", "payment_terms_days", "owner",
    "analyst", "collector", "status", "parent",
]
CONTACT_FIELDS = ["name", "title", "role", "email", "phone", "language", "is_primary", "notes"]
DOCUMENT_EXTENSIONS = {".pdf", ".png", ".jpg", ".jpeg", ".xlsx", ".xls", ".docx", ".doc", ".csv", ".txt", ".zip"}


def next_customer_codes(count: int) -> list[str]:
    """Customer numbers run C000001, C000002, … (past C999999 too) unless the ERP's own number is given."""
    last = (
        Customer.objects.filter(code__regex=r"^C[0-9]{6,}$")
        .order_by(Length("code").desc(), "-code")
        .values_list("code", flat=True)
        .first()
    )
    start = int(last[1:]) + 1 if last else 1
    return [f"C{number:06d}" for number in range(start, start + count)]


def next_customer_code() -> str:
    return next_customer_codes(1)[0]


def save_numbered(customer: Customer) -> None:
    """Two people opening files at the same moment may draw the same number: the second draws again."""
    for attempt in range(5):
        try:
            with transaction.atomic():
                customer.save()
            return
        except IntegrityError:
            if attempt == 4 or Customer.objects.filter(code=customer.code).count() == 0:
                raise
            customer.code = next_customer_code()


def check_no_cycle(customer: Customer) -> None:
    """A company cannot end up as its own parent, however deep the group."""
    seen = {customer.pk}
    parent_id = customer.parent_id
    while parent_id is not None:
        if parent_id in seen:
            raise ValidationError({"parent": _("This parent would make the group a circle.")})
        seen.add(parent_id)
        parent_id = Customer.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()


def check_uscc_required(customer: Customer) -> None:
    """A Chinese company we trade with is identified by its unified social credit code."""
    if customer.country == "CN" and not customer.uscc and customer.status != CustomerStatus.PROSPECT:
        raise ValidationError({"uscc": _("A Chinese customer needs its unified social credit code.")})


def check_country(customer: Customer) -> None:
    """A look-up in the ISO list; Django's own choices check rebuilds all 250 names on every call."""
    if not countries.alpha2(str(customer.country or "")):
        raise ValidationError({"country": _("Unknown country “%(value)s”.") % {"value": customer.country}})


def check_unique(customer: Customer) -> None:
    """Number, external id and credit code each belong to one customer: one query checks all three."""
    wanted = {"code": customer.code, "external_id": customer.external_id, "uscc": customer.uscc}
    clash = Q()
    for field, value in wanted.items():
        if value:
            clash |= Q(**{field: value})
    taken = Customer.objects.filter(clash).exclude(pk=customer.pk).values_list("code", "external_id", "uscc")
    errors: dict[str, str] = {}
    for row in taken:
        for field, value in zip(wanted, row, strict=True):
            if value and value == wanted[field]:
                errors[field] = _("Another customer already has this %(field)s.") % {
                    "field": getattr(Customer._meta.get_field(field), "verbose_name", field)}
    if errors:
        raise ValidationError(errors)


def validate_customer(customer: Customer) -> None:
    """Field rules, uniqueness and group shape, before anything is written."""
    customer.uscc = normalise_uscc(customer.uscc) if customer.uscc else None
    customer.external_id = customer.external_id or None
    check_uscc_required(customer)
    check_country(customer)
    customer.full_clean(exclude=["country"], validate_unique=False)
    check_unique(customer)
    check_no_cycle(customer)


def check_reason(customer: Customer, before_status: str | None, reason: str) -> None:
    """Putting a customer on hold, blocking or closing it always says why."""
    if customer.status != before_status and customer.status in STATUSES_NEEDING_REASON and not reason.strip():
        raise ValidationError({"reason": _("Say why the status changes to “%(status)s”.")
                               % {"status": customer.get_status_display()}})


@transaction.atomic
def create_customer(actor: Actor, data: dict[str, Any], reason: str = "") -> Customer:
    """Open a credit file."""
    require(actor, "customers.add_customer")
    customer = Customer(**data)
    numbered = not customer.code
    customer.code = customer.code or next_customer_code()
    validate_customer(customer)
    check_reason(customer, None, reason)
    if numbered:
        save_numbered(customer)
    else:
        customer.save()
    record_audit(actor, "customer.create", customer, diff({}, snapshot(customer, CUSTOMER_FIELDS)), reason)
    return customer


@transaction.atomic
def update_customer(actor: Actor, customer: Customer, data: dict[str, Any], reason: str = "") -> Customer:
    """Change master data; only the fields that really changed are written and audited."""
    require(actor, "customers.change_customer")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    before = snapshot(customer, CUSTOMER_FIELDS)
    for field, value in data.items():
        setattr(customer, field, value)
    validate_customer(customer)
    changes = diff(before, snapshot(customer, CUSTOMER_FIELDS))
    if not changes:
        return customer
    check_reason(customer, before["status"], reason)
    customer.save()
    record_audit(actor, "customer.update", customer, changes, reason)
    return customer


@transaction.atomic
def import_customers(actor: Actor, new: list[Customer], changed: Sequence[tuple[Customer, dict[str, Any]]],
                     reason: str) -> None:
    """Write a checked import at once: parents before children, one audit entry per customer.

    The import has already checked every field, number and code against the file and the database; the
    database's unique constraints still guard them, and group circles are checked here.
    """
    require(actor, *(["customers.add_customer"] if new else []), *(["customers.change_customer"] if changed else []))
    for level in by_group_depth(new):
        Customer.objects.bulk_create(level, batch_size=500)
    record_audits(actor, "customer.create", [(c, diff({}, snapshot(c, CUSTOMER_FIELDS))) for c in new], reason)
    updates, audits, now = [], [], timezone.now()
    for customer, values in changed:
        before = snapshot(customer, CUSTOMER_FIELDS)
        customer.updated_at = now
        for field, value in values.items():
            setattr(customer, field, value)
        if "parent" in values:
            check_no_cycle(customer)
        updates.append(customer)
        audits.append((customer, diff(before, snapshot(customer, CUSTOMER_FIELDS))))
    fields = sorted({"updated_at", *(k for _c, values in changed for k in values)})
    Customer.objects.bulk_update(updates, fields, batch_size=500)
    record_audits(actor, "customer.update", audits, reason)


def by_group_depth(customers: list[Customer]) -> list[list[Customer]]:
    """New customers whose parent is new too must be inserted after that parent."""
    levels: list[list[Customer]] = []
    placed: set[int] = set()
    remaining = customers
    while remaining:
        level = [c for c in remaining if c.parent is None or c.parent.pk is not None or id(c.parent) in placed]
        if not level:
            raise ValidationError({"parent": _("These parents form a circle.")})
        placed.update(id(c) for c in level)
        levels.append(level)
        remaining = [c for c in remaining if id(c) not in placed]
    return levels


@transaction.atomic
def save_contact(actor: Actor, customer: Customer, data: dict[str, Any],
                 contact: Contact | None = None) -> Contact:
    """Add a contact or change one; one primary contact per customer."""
    require(actor, "customers.change_contact" if contact else "customers.add_contact")
    before = snapshot(contact, CONTACT_FIELDS) if contact else {}
    contact = contact or Contact(customer=customer)
    for field, value in data.items():
        setattr(contact, field, value)
    contact.full_clean()
    changes = diff(before, snapshot(contact, CONTACT_FIELDS))
    if not changes:
        return contact
    contact.save()
    record_audit(actor, "contact.update" if before else "contact.create", contact, changes)
    if contact.is_primary:
        for other in customer.contacts.exclude(pk=contact.pk).filter(is_primary=True):
            other.is_primary = False
            other.save(update_fields=["is_primary"])
            record_audit(actor, "contact.update", other, {"is_primary": [True, False]},
                         _("%(name)s became the primary contact.") % {"name": contact.name})
    return contact


@transaction.atomic
def delete_contact(actor: Actor, contact: Contact, reason: str = "") -> None:
    """Remove a contact; the audit entry keeps what it said."""
    require(actor, "customers.delete_contact")
    removed = {field: [value, None] for field, value in snapshot(contact, CONTACT_FIELDS).items()}
    record_audit(actor, "contact.delete", contact, removed, reason)
    contact.delete()


def check_upload(upload: UploadedFile) -> str:
    """Only office documents and images within the size limit; returns the safe extension."""
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in DOCUMENT_EXTENSIONS:
        raise ValidationError({"file": _("Files of type “%(suffix)s” are not accepted. Allowed: %(allowed)s.")
                               % {"suffix": suffix or "?", "allowed": ", ".join(sorted(DOCUMENT_EXTENSIONS))}})
    if upload.size is None or upload.size > settings.CREDITDESK_MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is larger than %(mb)d MB.")
                               % {"mb": settings.CREDITDESK_MAX_UPLOAD_BYTES // (1024 * 1024)}})
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    return suffix


@transaction.atomic
def upload_document(actor: Actor, customer: Customer, upload: UploadedFile,
                    data: dict[str, Any]) -> Document:
    """Keep a document in the credit file with its type, dates and a hash of its content."""
    require(actor, "customers.add_document")
    check_visible(actor, customer)
    check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    document = Document(customer=customer, uploaded_by=actor, original_name=PurePath(upload.name or "").name[:255],
                        size=upload.size or 0, sha256=digest.hexdigest(), **data)
    if document.issued_on and document.expires_on and document.expires_on < document.issued_on:
        raise ValidationError({"expires_on": _("A document cannot expire before it was issued.")})
    document.full_clean(exclude=["file"])
    document.file.save(f"{digest.hexdigest()[:16]}{PurePath(upload.name or '').suffix.lower()}", upload, save=False)
    document.save()
    record_audit(actor, "document.upload", document, {
        "title": [None, document.title], "doc_type": [None, document.doc_type],
        "file": [None, document.original_name], "sha256": [None, document.sha256],
    })
    return document


@transaction.atomic
def delete_document(actor: Actor, document: Document, reason: str) -> Document:
    """Take a document out of the file; it is kept, marked deleted, so nothing is lost."""
    require(actor, "customers.delete_document")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the document is removed.")})
    document.deleted_at = timezone.now()
    document.save(update_fields=["deleted_at"])
    record_audit(actor, "document.delete", document, {"deleted_at": [None, document.deleted_at]}, reason)
    return document


@transaction.atomic
def log_communication(actor: Actor, customer: Customer, data: dict[str, Any]) -> Communication:
    """Note a call, visit, e-mail or meeting and when to follow up."""
    require(actor, "customers.add_communication")
    check_visible(actor, customer)
    entry = Communication(customer=customer, user=actor, **data)
    if entry.contact is not None and entry.contact.customer_id != customer.pk:
        raise ValidationError({"contact": _("This contact belongs to another customer.")})
    if entry.follow_up_on and entry.follow_up_on < entry.occurred_on:
        raise ValidationError({"follow_up_on": _("The follow-up date is before the communication.")})
    entry.full_clean()
    entry.save()
    record_audit(actor, "communication.create", entry, {
        "kind": [None, entry.kind], "occurred_on": [None, entry.occurred_on], "summary": [None, entry.summary],
        "follow_up_on": [None, entry.follow_up_on],
    })
    return entry
