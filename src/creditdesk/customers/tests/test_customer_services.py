"""Writes to the credit file: validated, permission-checked and audited field by field."""

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from creditdesk.audit.models import AuditEntry
from creditdesk.audit.selectors import verify_audit_chain
from creditdesk.customers.models import Communication, Contact, Customer, Document
from creditdesk.customers.services import (
    create_customer,
    delete_document,
    log_communication,
    save_contact,
    update_customer,
    upload_document,
)
from creditdesk.customers.uscc import uscc_check_character
from creditdesk.testing.factories import ContactFactory, CustomerFactory, UserFactory, valid_uscc

NINGBO_PORT = "91330200144071590X"  # an invented code that passes GB 32100-2015
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def customer(db):
    return CustomerFactory()


def chinese_customer(**overrides):
    data = {
        "name": "Ningbo Port Logistics Co., Ltd.",
        "local_name": "宁波港物流有限公司",
        "uscc": NINGBO_PORT,
        "country": "CN",
        "industry": "G",
        "currency_id": "CNY",
        "status": "active",
    }
    return {**data, **overrides}


def refusal(call, *args, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value.message_dict


def upload(name: str = "licence.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def licence(**overrides):
    return {"doc_type": "business_licence", "title": "Business licence", **overrides}


def stored_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_the_example_code_is_valid():
    assert uscc_check_character(NINGBO_PORT[:17]) == NINGBO_PORT[17]


# --- opening a credit file ---------------------------------------------------------------------------


def test_customers_are_numbered_c000001_c000002_in_order(analyst):
    first = create_customer(analyst, chinese_customer())
    second = create_customer(analyst, chinese_customer(uscc=valid_uscc(7), name="Second Co."))
    assert (first.code, second.code) == ("C000001", "C000002")


def test_an_erp_number_is_kept_and_does_not_disturb_the_numbering(analyst):
    erp = create_customer(analyst, chinese_customer(code="K-778"))
    assert erp.code == "K-778"
    assert create_customer(analyst, chinese_customer(uscc=valid_uscc(8))).code == "C000001"


def test_numbering_carries_on_past_a_million(analyst):
    CustomerFactory(code="C999999")
    assert create_customer(analyst, chinese_customer(uscc=valid_uscc(1))).code == "C1000000"
    assert create_customer(analyst, chinese_customer(uscc=valid_uscc(2))).code == "C1000001"


def test_creating_a_customer_audits_every_field_that_has_a_value(analyst):
    customer = create_customer(analyst, chinese_customer(uscc=NINGBO_PORT.lower()), reason="new distributor")
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_type, entry.object_id, entry.customer_id, entry.reason) == (
        analyst, "customer.create", "customers.customer", str(customer.pk), customer.pk, "new distributor"
    )
    assert entry.changes == {
        "code": [None, "C000001"],
        "name": [None, "Ningbo Port Logistics Co., Ltd."],
        "local_name": [None, "宁波港物流有限公司"],
        "uscc": [None, NINGBO_PORT],
        "registration_number": [None, ""],
        "tax_number": [None, ""],
        "country": [None, "CN"],
        "industry": [None, "G"],
        "size": [None, ""],
        "address": [None, ""],
        "language": [None, "zh-hans"],
        "currency": [None, "CNY"],
        "payment_terms_days": [None, 30],
        "status": [None, "active"],
    }
    assert verify_audit_chain().ok


def test_links_to_people_and_the_parent_are_audited_by_id(analyst):
    sales, parent = UserFactory(role="sales"), CustomerFactory()
    customer = create_customer(analyst, chinese_customer(owner=sales, parent=parent, founded_on=dt.date(1998, 3, 1)))
    changes = AuditEntry.objects.get(object_id=str(customer.pk)).changes
    assert (changes["owner"], changes["parent"], changes["founded_on"]) == (
        [None, sales.pk], [None, parent.pk], [None, "1998-03-01"]
    )


def test_the_code_is_stored_normalised(analyst):
    customer = create_customer(analyst, chinese_customer(uscc=" 9133-0200 1440 7159 0x "))
    assert Customer.objects.get(pk=customer.pk).uscc == NINGBO_PORT


def test_a_code_with_a_wrong_check_character_is_refused(analyst):
    assert refusal(create_customer, analyst, chinese_customer(uscc=NINGBO_PORT[:17] + "Y")) == {
        "uscc": [f"Wrong check character “Y”: for {NINGBO_PORT[:17]} it should be “X”."]
    }
    assert not Customer.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_active_chinese_customer_needs_a_uscc(analyst):
    assert refusal(create_customer, analyst, chinese_customer(uscc="")) == {
        "uscc": ["A Chinese customer needs its unified social credit code."]
    }


def test_a_chinese_prospect_and_a_foreign_customer_need_no_uscc(analyst):
    prospect = create_customer(analyst, chinese_customer(uscc="", status="prospect"))
    german = create_customer(analyst, chinese_customer(uscc=None, country="DE", currency_id="EUR",
                                                     name="Hamburg Handels GmbH", local_name=""))
    assert (prospect.uscc, german.uscc) == (None, None)


def test_a_prospect_cannot_become_active_without_a_uscc(analyst):
    prospect = create_customer(analyst, chinese_customer(uscc="", status="prospect"))
    assert refusal(update_customer, analyst, prospect, {"status": "active"}) == {
        "uscc": ["A Chinese customer needs its unified social credit code."]
    }
    assert Customer.objects.get(pk=prospect.pk).status == "prospect"


def test_a_duplicate_uscc_is_refused_however_it_is_written(analyst):
    CustomerFactory(uscc=NINGBO_PORT)
    errors = refusal(create_customer, analyst, chinese_customer(uscc=NINGBO_PORT.lower()))
    assert list(errors) == ["uscc"]
    assert errors["uscc"] == ["Another customer already has this unified social credit code."]
    assert Customer.objects.filter(uscc=NINGBO_PORT).count() == 1


@pytest.mark.parametrize("status", ["on_hold", "blocked", "closed"])
def test_a_customer_cannot_be_opened_on_hold_blocked_or_closed_without_a_reason(analyst, status):
    label = {"on_hold": "On hold", "blocked": "Blocked", "closed": "Closed"}[status]
    assert refusal(create_customer, analyst, chinese_customer(status=status)) == {
        "reason": [f"Say why the status changes to “{label}”."]
    }
    assert create_customer(analyst, chinese_customer(status=status), reason="taken over from old system")


@pytest.mark.parametrize("role", ["sales", "auditor", "cfo", "collector"])
def test_roles_without_add_customer_cannot_open_a_credit_file(db, role):
    with pytest.raises(PermissionDenied):
        create_customer(UserFactory(role=role), chinese_customer())
    assert not Customer.objects.exists()


@pytest.mark.parametrize("role", ["credit_analyst", "credit_manager", "admin"])
def test_credit_staff_can_open_a_credit_file(db, role):
    assert create_customer(UserFactory(role=role), chinese_customer()).pk is not None


# --- changing a credit file ----------------------------------------------------------------------------


def test_an_update_audits_only_the_changed_fields_with_before_and_after(analyst, customer):
    update_customer(analyst, customer, {"payment_terms_days": 60, "name": "Renamed Trading Co.",
                                        "industry": customer.industry})
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id, entry.customer_id) == ("customer.update", str(customer.pk), customer.pk)
    assert entry.changes == {"name": [customer.name, "Renamed Trading Co."], "payment_terms_days": [30, 60]}
    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.name, stored.payment_terms_days) == ("Renamed Trading Co.", 60)


def test_an_update_that_changes_nothing_writes_nothing(analyst, customer):
    updated_at = Customer.objects.get(pk=customer.pk).updated_at
    result = update_customer(analyst, customer, {
        "name": customer.name, "payment_terms_days": 30, "uscc": customer.uscc.lower(), "country": "CN",
    })
    assert result.pk == customer.pk
    assert not AuditEntry.objects.exists()
    assert Customer.objects.get(pk=customer.pk).updated_at == updated_at


@pytest.mark.parametrize(("status", "label"), [("on_hold", "On hold"), ("blocked", "Blocked"), ("closed", "Closed")])
def test_putting_a_customer_on_hold_blocking_or_closing_it_needs_a_reason(analyst, customer, status, label):
    for blank in ("", "   "):
        assert refusal(update_customer, analyst, customer, {"status": status}, blank) == {
            "reason": [f"Say why the status changes to “{label}”."]
        }
    assert Customer.objects.get(pk=customer.pk).status == "active"
    update_customer(analyst, customer, {"status": status}, "three cheques bounced")
    entry = AuditEntry.objects.get()
    assert (entry.changes, entry.reason) == ({"status": ["active", status]}, "three cheques bounced")


def test_moving_between_hold_statuses_needs_a_reason_but_other_edits_on_hold_do_not(analyst, customer):
    update_customer(analyst, customer, {"status": "on_hold"}, "overdue")
    assert "reason" in refusal(update_customer, analyst, customer, {"status": "blocked"})
    update_customer(analyst, customer, {"address": "上海市浦东新区世纪大道100号"})
    update_customer(analyst, customer, {"status": "active"})
    assert list(AuditEntry.objects.order_by("id").values_list("changes", flat=True))[1:] == [
        {"address": ["", "上海市浦东新区世纪大道100号"]}, {"status": ["on_hold", "active"]},
    ]


@pytest.mark.parametrize("role", ["sales", "auditor", "cfo", "collector"])
def test_roles_without_change_customer_cannot_update(db, customer, role):
    with pytest.raises(PermissionDenied):
        update_customer(UserFactory(role=role), customer, {"name": "Hijacked"})
    assert Customer.objects.get(pk=customer.pk).name == customer.name


def test_a_duplicate_uscc_is_refused_on_update(analyst, customer):
    other = CustomerFactory()
    assert list(refusal(update_customer, analyst, customer, {"uscc": other.uscc})) == ["uscc"]


# --- groups -------------------------------------------------------------------------------------------


def test_a_customer_cannot_be_its_own_parent(analyst, customer):
    assert refusal(update_customer, analyst, customer, {"parent": customer}) == {
        "parent": ["This parent would make the group a circle."]
    }
    assert Customer.objects.get(pk=customer.pk).parent_id is None


def test_a_two_company_circle_is_refused(analyst):
    top = CustomerFactory()
    child = CustomerFactory(parent=top)
    assert "parent" in refusal(update_customer, analyst, top, {"parent": child})


def test_a_circle_is_refused_at_any_depth(analyst):
    a = CustomerFactory()
    b = CustomerFactory(parent=a)
    c = CustomerFactory(parent=b)
    d = CustomerFactory(parent=c)
    for bottom in (c, d):
        assert refusal(update_customer, analyst, a, {"parent": bottom}) == {
            "parent": ["This parent would make the group a circle."]
        }
    assert Customer.objects.get(pk=a.pk).parent_id is None
    assert not AuditEntry.objects.exists()


def test_a_deep_group_without_a_circle_is_accepted(analyst):
    a = CustomerFactory()
    b = CustomerFactory(parent=a)
    c = CustomerFactory(parent=b)
    other = CustomerFactory()
    update_customer(analyst, other, {"parent": c})
    assert AuditEntry.objects.get().changes == {"parent": [None, c.pk]}
    new = create_customer(analyst, chinese_customer(parent=other))
    assert new.parent == other


# --- contacts -------------------------------------------------------------------------------------------


def test_a_contact_is_added_and_audited(analyst, customer):
    contact = save_contact(analyst, customer, {"name": "刘会计", "email": "liu@example.cn", "role": "finance"})
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id, entry.customer_id) == ("contact.create", str(contact.pk), customer.pk)
    assert entry.changes == {
        "name": [None, "刘会计"], "title": [None, ""], "role": [None, "finance"], "email": [None, "liu@example.cn"],
        "phone": [None, ""], "language": [None, "zh-hans"], "is_primary": [None, False], "notes": [None, ""],
    }


def test_a_customer_has_one_primary_contact(analyst, customer):
    first = save_contact(analyst, customer, {"name": "刘会计", "is_primary": True})
    second = save_contact(analyst, customer, {"name": "王经理", "is_primary": True})
    assert list(customer.contacts.filter(is_primary=True)) == [second]
    save_contact(analyst, customer, {"is_primary": True}, contact=Contact.objects.get(pk=first.pk))
    assert list(customer.contacts.filter(is_primary=True)) == [first]


def test_a_new_primary_contact_leaves_other_customers_alone(analyst, customer):
    elsewhere = ContactFactory(is_primary=True)
    save_contact(analyst, customer, {"name": "刘会计", "is_primary": True})
    assert Contact.objects.get(pk=elsewhere.pk).is_primary


def test_a_contact_update_audits_only_the_changed_fields(analyst, customer):
    contact = ContactFactory(customer=customer, phone="")
    save_contact(analyst, customer, {"phone": "+86 21 5555 0101", "name": contact.name}, contact=contact)
    assert AuditEntry.objects.get().changes == {"phone": ["", "+86 21 5555 0101"]}
    save_contact(analyst, customer, {"phone": "+86 21 5555 0101"}, contact=contact)
    assert AuditEntry.objects.count() == 1


def test_demoting_the_old_primary_contact_is_audited(analyst, customer):
    first = save_contact(analyst, customer, {"name": "刘会计", "is_primary": True})
    save_contact(analyst, customer, {"name": "王经理", "is_primary": True})
    entries = AuditEntry.objects.filter(object_type="customers.contact", object_id=str(first.pk))
    assert [e.changes.get("is_primary") for e in entries if e.action == "contact.update"] == [[True, False]]


def test_a_contact_with_a_bad_e_mail_is_refused(analyst, customer):
    assert list(refusal(save_contact, analyst, customer, {"name": "刘会计", "email": "not an address"})) == ["email"]
    assert not Contact.objects.exists()


def test_sales_cannot_add_contacts(db, customer):
    with pytest.raises(PermissionDenied):
        save_contact(UserFactory(role="sales"), customer, {"name": "刘会计"})


# --- documents ------------------------------------------------------------------------------------------


def test_an_upload_stores_the_file_its_size_and_sha256(analyst, customer):
    document = upload_document(analyst, customer, upload("营业执照.PDF"), licence(
        issued_on=dt.date(2020, 5, 1), expires_on=dt.date(2040, 4, 30)))
    document = Document.objects.get(pk=document.pk)
    assert document.size == len(PDF)
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.original_name == "营业执照.PDF"
    assert document.uploaded_by == analyst
    assert document.deleted_at is None
    assert document.file.name.endswith(f"{document.sha256[:16]}.pdf")
    with document.file.open("rb") as stored:
        assert stored.read() == PDF
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.customer_id) == ("document.upload", customer.pk)
    assert entry.changes == {
        "title": [None, "Business licence"], "doc_type": [None, "business_licence"],
        "file": [None, "营业执照.PDF"], "sha256": [None, document.sha256],
    }


def test_the_path_of_an_uploaded_name_is_dropped(analyst, customer):
    document = upload_document(analyst, customer, upload("../../etc/statement.xlsx", b"PK\x03\x04"), licence())
    assert document.original_name == "statement.xlsx"
    assert Path(document.file.path).resolve().is_relative_to(Path(django_settings.MEDIA_ROOT).resolve())


@pytest.mark.parametrize(("name", "suffix"), [
    ("payload.exe", ".exe"), ("licence.pdf.exe", ".exe"), ("page.html", ".html"), ("script.js", ".js"),
    ("README", "?"),
])
def test_files_of_other_types_are_refused(analyst, customer, name, suffix):
    errors = refusal(upload_document, analyst, customer, upload(name), licence())
    assert errors == {"file": [
        f"Files of type “{suffix}” are not accepted. Allowed: .csv, .doc, .docx, .jpeg, .jpg, .pdf, .png, .txt, "
        ".xls, .xlsx, .zip."
    ]}
    assert not Document.objects.exists()
    assert stored_files() == []


def test_an_empty_file_is_refused(analyst, customer):
    assert refusal(upload_document, analyst, customer, upload(content=b""), licence()) == {
        "file": ["The file is empty."]
    }


def test_a_file_over_the_size_limit_is_refused_and_one_at_the_limit_accepted(analyst, customer, settings):
    settings.CREDITDESK_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    too_big = upload("statements.zip", b"x" * (2 * 1024 * 1024 + 1))
    assert refusal(upload_document, analyst, customer, too_big, licence()) == {
        "file": ["The file is larger than 2 MB."]
    }
    assert not Document.objects.exists()
    document = upload_document(analyst, customer, upload("statements.zip", b"x" * (2 * 1024 * 1024)), licence())
    assert document.size == 2 * 1024 * 1024


def test_a_document_cannot_expire_before_it_was_issued(analyst, customer):
    dates = licence(issued_on=dt.date(2026, 5, 1), expires_on=dt.date(2026, 4, 30))
    assert refusal(upload_document, analyst, customer, upload(), dates) == {
        "expires_on": ["A document cannot expire before it was issued."]
    }
    assert stored_files() == []
    same_day = licence(issued_on=dt.date(2026, 5, 1), expires_on=dt.date(2026, 5, 1))
    assert upload_document(analyst, customer, upload(), same_day).expires_on == dt.date(2026, 5, 1)


def test_a_refused_upload_leaves_no_file_behind(analyst, customer):
    with pytest.raises(ValidationError):
        upload_document(analyst, customer, upload(), licence(title="x" * 201))
    assert stored_files() == []


def test_sales_cannot_upload_documents(db, customer):
    with pytest.raises(PermissionDenied):
        upload_document(UserFactory(role="sales"), customer, upload(), licence())


def test_deleting_a_document_needs_a_reason_and_keeps_the_row(analyst, customer):
    document = upload_document(analyst, customer, upload(), licence())
    for blank in ("", "  "):
        assert refusal(delete_document, analyst, document, blank) == {
            "reason": ["Say why the document is removed."]
        }
    assert Document.objects.get(pk=document.pk).deleted_at is None

    before = timezone.now()
    delete_document(analyst, document, "uploaded to the wrong customer")
    kept = Document.objects.get(pk=document.pk)
    assert before <= kept.deleted_at <= timezone.now()
    assert kept.file.storage.exists(kept.file.name)
    entry = AuditEntry.objects.get(action="document.delete")
    assert (entry.object_id, entry.reason, entry.customer_id) == (
        str(document.pk), "uploaded to the wrong customer", customer.pk
    )
    assert entry.changes == {"deleted_at": [None, kept.deleted_at.isoformat()]}


def test_collectors_cannot_delete_documents(analyst, customer):
    document = upload_document(analyst, customer, upload(), licence())
    with pytest.raises(PermissionDenied):
        delete_document(UserFactory(role="collector"), document, "tidying up")
    assert Document.objects.get(pk=document.pk).deleted_at is None


# --- communications -----------------------------------------------------------------------------------


def call_note(**overrides):
    return {"kind": "call", "occurred_on": dt.date(2026, 11, 2), "summary": "Promised to pay invoice 4711 by Friday.",
            **overrides}


def test_a_communication_is_logged_and_audited(customer):
    collector = UserFactory(role="collector")
    contact = ContactFactory(customer=customer)
    entry = log_communication(collector, customer, call_note(contact=contact, follow_up_on=dt.date(2026, 11, 6)))
    stored = Communication.objects.get(pk=entry.pk)
    assert (stored.customer, stored.user, stored.contact, stored.follow_up_on) == (
        customer, collector, contact, dt.date(2026, 11, 6)
    )
    audit = AuditEntry.objects.get()
    assert (audit.action, audit.customer_id) == ("communication.create", customer.pk)
    assert audit.changes == {
        "kind": [None, "call"], "occurred_on": [None, "2026-11-02"],
        "summary": [None, "Promised to pay invoice 4711 by Friday."], "follow_up_on": [None, "2026-11-06"],
    }


def test_sales_log_communications_for_their_own_customers(db):
    sales = UserFactory(role="sales")
    own = CustomerFactory(owner=sales)
    assert log_communication(sales, own, call_note()).user == sales


def test_sales_cannot_see_let_alone_log_for_a_customer_they_do_not_own(db):
    sales = UserFactory(role="sales")
    someone_elses = CustomerFactory(owner=UserFactory(role="sales"))
    with pytest.raises(Http404):
        log_communication(sales, someone_elses, call_note())
    assert not Communication.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_contact_must_belong_to_the_customer(customer):
    stranger = ContactFactory()
    assert refusal(log_communication, UserFactory(role="collector"), customer, call_note(contact=stranger)) == {
        "contact": ["This contact belongs to another customer."]
    }
    assert not Communication.objects.exists()


def test_a_follow_up_cannot_be_before_the_communication(customer):
    collector = UserFactory(role="collector")
    assert refusal(log_communication, collector, customer, call_note(follow_up_on=dt.date(2026, 11, 1))) == {
        "follow_up_on": ["The follow-up date is before the communication."]
    }
    same_day = log_communication(collector, customer, call_note(follow_up_on=dt.date(2026, 11, 2)))
    assert same_day.follow_up_on == dt.date(2026, 11, 2)


def test_an_unknown_kind_of_communication_is_refused(customer):
    assert list(refusal(log_communication, UserFactory(role="collector"), customer, call_note(kind="fax"))) == [
        "kind"
    ]


@pytest.mark.parametrize("role", ["auditor", "cfo"])
def test_read_only_roles_cannot_log_communications(db, customer, role):
    with pytest.raises(PermissionDenied):
        log_communication(UserFactory(role=role), customer, call_note())
