"""Ledger feeds from the ERP: invoices, credit notes, payments, allocations and orders from CSV and JSON.

A clean file is written at once; a file with any bad row writes nothing and names every bad cell; the same
file again writes nothing.
"""

import csv
import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from creditdesk.accounts.services import create_api_token
from creditdesk.audit.models import AuditEntry
from creditdesk.customers.models import Customer
from creditdesk.imports.models import ImportBatch, ImportStatus
from creditdesk.imports.services import apply_import, run_import, stage
from creditdesk.receivables.figures import invoices_with_settlement
from creditdesk.receivables.models import Allocation, CreditNote, Invoice, InvoiceStatus, Payment, SalesOrder
from creditdesk.receivables.selectors import invoices_with_open_amount, payments_with_unallocated
from creditdesk.testing.clients import signed_in
from creditdesk.testing.factories import CustomerFactory
from creditdesk.testing.shared_data import IBM_INVOICES

D = Decimal
INVOICES = """source,external_id,number,customer,invoice_date,due_date,currency,net_amount,tax_amount,gross_amount
sap,INV-1,F2026-001,ACME,2026-09-01,2026-10-01,CNY,1000.00,130.00,1130.00
sap,INV-2,F2026-002,ACME,2026-10-01,,CNY,500,65,
sap,INV-3,F2026-003,C900001,2026-10-15,2026-11-14,USD,,,2000.00
"""


@pytest.fixture
def acme(db):
    return CustomerFactory(external_id="ACME", code="C900000", payment_terms_days=45)


@pytest.fixture
def beta(db):
    return CustomerFactory(external_id="BETA", code="C900001")


def feed(actor, kind: str, text: str, encoding: str = "utf-8", **options):
    return run_import(actor, kind, f"{kind}.csv", text.encode(encoding), **options)


def errors(batch) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in batch.errors]


def ledger_counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Invoice, CreditNote, Payment, Allocation, SalesOrder))


def test_an_invoice_feed_in_the_own_layout_writes_every_invoice(manager, acme, beta):
    batch = feed(manager, "invoices", INVOICES)
    assert (batch.status, batch.created_count, errors(batch)) == (ImportStatus.APPLIED, 3, [])
    rows = Invoice.objects.order_by("number").values_list("source", "external_id", "number", "customer__code",
                                                          "due_date", "currency_id", "net_amount", "tax_amount",
                                                          "gross_amount", "status")
    assert list(rows) == [
        ("sap", "INV-1", "F2026-001", "C900000", dt.date(2026, 10, 1), "CNY", D("1000.00"), D("130.00"),
         D("1130.00"), "open"),
        # no due date: the customer's 45 days; no gross: net + tax
        ("sap", "INV-2", "F2026-002", "C900000", dt.date(2026, 11, 15), "CNY", D("500.00"), D("65.00"),
         D("565.00"), "open"),
        # only the gross: no tax
        ("sap", "INV-3", "F2026-003", "C900001", dt.date(2026, 11, 14), "USD", D("2000.00"), D("0.00"),
         D("2000.00"), "open"),
    ]


def test_the_same_feed_again_writes_nothing(manager, acme, beta):
    feed(manager, "invoices", INVOICES)
    before = (ledger_counts(), AuditEntry.objects.exclude(action__startswith="import.").count())
    again = feed(manager, "invoices", INVOICES)
    assert (again.status, again.created_count, again.updated_count, again.unchanged_count) == ("applied", 0, 0, 3)
    assert (ledger_counts(), AuditEntry.objects.exclude(action__startswith="import.").count()) == before


def test_a_changed_invoice_is_updated_with_an_audit_entry_of_before_and_after(manager, acme, beta):
    feed(manager, "invoices", INVOICES)
    batch = feed(manager, "invoices", INVOICES.replace("2026-10-01,CNY,1000.00", "2026-10-11,CNY,1000.00"))
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 1, 2)
    entry = AuditEntry.objects.get(action="invoice.update")
    assert entry.changes == {"due_date": ["2026-10-01", "2026-10-11"]}
    assert entry.reason == f"Import #{batch.pk} invoices.csv"


def test_a_bad_feed_names_every_bad_cell_and_writes_nothing(manager, acme, beta):
    bad = (INVOICES
           + "sap,INV-4,F2026-004,NOBODY,2026-10-01,2026-10-31,CNY,,,10.00\n"
           + "sap,INV-5,F2026-005,ACME,2026-13-01,2026-10-31,CNY,,,10.00\n"
           + "sap,INV-6,F2026-006,ACME,2026-10-01,2026-10-31,CNY,,,-10.00\n"
           + "sap,INV-7,F2026-001,ACME,2026-10-01,2026-10-31,CNY,,,10.00\n"
           + "sap,INV-8,F2026-008,ACME,2026-10-01,2026-10-31,XXX,,,10.00\n"
           + "sap,INV-9,F2026-009,ACME,2026-10-01,2026-09-30,CNY,,,10.00\n"
           + "sap,INV-10,F2026-010,ACME,2026-10-01,2026-10-31,CNY,100.00,13.00,114.00\n"
           + "sap,INV-1,F2026-011,ACME,2026-10-01,2026-10-31,CNY,,,10.00\n")
    batch = feed(manager, "invoices", bad)
    assert batch.status == ImportStatus.INVALID
    assert errors(batch) == [
        (5, "customer", "No customer with external id or number “NOBODY”."),
        (6, "invoice_date", "“2026-13-01” is not a date (use YYYY-MM-DD)."),
        (7, "gross_amount", "An amount cannot be negative; send a credit note instead."),
        (9, "currency", "Unknown currency “XXX”."),
        (10, "due_date", "An invoice cannot fall due before its date."),
        (11, "gross_amount", "The gross amount must be net plus tax."),
        (12, "external_id", "Duplicate of row 2."),
        (8, "number", "Duplicate of row 2."),
    ]
    assert ledger_counts() == (0, 0, 0, 0, 0)


def test_a_gbk_file_with_chinese_column_titles_is_read(manager, acme):
    text = ("来源系统,外部编号,发票号,客户,开票日期,到期日,币种,含税金额\n"
            "金蝶,K-1,FP-0001,C900000,2026年10月08日,2026-11-07,CNY,\"12,345.60\"\n")
    batch = feed(manager, "invoices", text, encoding="gbk")
    assert (batch.status, batch.encoding, errors(batch)) == ("applied", "gb18030", [])
    assert Invoice.objects.values_list("source", "number", "invoice_date", "gross_amount").get() == (
        "金蝶", "FP-0001", dt.date(2026, 10, 8), D("12345.60"))


def test_currencies_written_the_way_chinese_systems_write_them(manager, acme):
    text = ("number,customer,invoice_date,currency,gross_amount\n"
            "A-1,ACME,2026-10-01,人民币,1\nA-2,ACME,2026-10-01,rmb,1\n")
    assert feed(manager, "invoices", text).status == "applied"
    assert set(Invoice.objects.values_list("currency_id", flat=True)) == {"CNY"}


def test_a_number_already_used_by_another_external_id_is_refused(manager, acme, beta):
    feed(manager, "invoices", INVOICES)
    batch = feed(manager, "invoices", INVOICES.replace("INV-1,", "INV-99,"))
    assert errors(batch) == [(2, "number", "Number F2026-001 is already used by external id “INV-1”.")]


PAYMENTS = """external_id,customer,received_on,amount,currency,bank_reference,remittance_text
BANK-1,ACME,2026-10-20,565.00,CNY,CMB-778,payment
BANK-2,ACME,2026-10-21,1200.00,CNY,CMB-779,F2026-001 and F2026-002
"""


def test_payments_are_matched_by_remittance_text_then_exact_amount(manager, acme, beta):
    feed(manager, "invoices", INVOICES)
    batch = feed(manager, "payments", PAYMENTS)
    assert (batch.status, batch.created_count) == ("applied", 2)
    allocations = Allocation.objects.order_by("pk").values_list("payment__external_id", "invoice__number", "amount",
                                                                "allocated_on")
    assert list(allocations) == [
        # 565.00 names no invoice, but F2026-002 is open for exactly that amount
        ("BANK-1", "F2026-002", D("565.00"), dt.date(2026, 10, 20)),
        # the remittance names F2026-001 (1130.00) and F2026-002, already paid: 70.00 stays on account
        ("BANK-2", "F2026-001", D("1130.00"), dt.date(2026, 10, 21)),
    ]
    assert dict(Invoice.objects.values_list("number", "status")) == {
        "F2026-001": "paid", "F2026-002": "paid", "F2026-003": "open"}
    assert payments_with_unallocated().get(external_id="BANK-2").unallocated == D("70.00")
    assert AuditEntry.objects.filter(action="allocation.create", customer_id=acme.pk).count() == 2


def test_unmatched_cash_goes_to_the_oldest_due_invoices_unless_the_customer_says_not(manager, acme, beta):
    feed(manager, "invoices", INVOICES)
    feed(manager, "payments", "external_id,customer,received_on,amount\nBANK-3,ACME,2026-10-25,1500.00\n")
    open_amounts = dict(invoices_with_open_amount().values_list("number", "open_amount"))
    assert (open_amounts["F2026-001"], open_amounts["F2026-002"]) == (D("0.00"), D("195.00"))
    beta.allocate_oldest_first = False
    beta.save()
    feed(manager, "payments", "external_id,customer,received_on,amount,currency\nBANK-4,BETA,2026-10-25,5,USD\n")
    assert payments_with_unallocated().get(external_id="BANK-4").unallocated == D("5.00")


def test_an_allocation_feed_never_over_allocates_even_across_rows(manager, acme, beta):
    feed(manager, "invoices", INVOICES)
    beta.allocate_oldest_first = False
    beta.save()
    feed(manager, "payments", "source,external_id,customer,received_on,amount,currency,remittance_text\n"
                              "sap,BANK-5,BETA,2026-11-20,1500.00,USD,on account\n"
                              "sap,BANK-6,BETA,2026-11-20,600.00,USD,on account\n")
    rows = ("source,invoice,payment,amount,allocated_on\n"
            "sap,F2026-003,BANK-5,1500.00,2026-11-21\n"
            "sap,F2026-003,BANK-6,600.00,2026-11-21\n"
            "sap,F2026-001,BANK-6,10.00,2026-11-21\n"
            "sap,F2026-003,BANK-9,10.00,2026-11-21\n"
            "sap,F2026-003,BANK-5,1500.00,2026-11-21\n")
    batch = feed(manager, "allocations", rows)
    assert errors(batch) == [(3, "amount", "Only 500.00 is still open on invoice F2026-003."),
                             (4, "invoice", "The payment or credit note belongs to another customer."),
                             (5, "payment", "No payment with external id “BANK-9”."),
                             (6, "invoice", "Duplicate of row 2.")]
    assert Allocation.objects.count() == 0


def test_allocations_from_the_erp_are_written_once(manager, acme):
    feed(manager, "invoices", INVOICES.splitlines()[0] + "\n" + INVOICES.splitlines()[1] + "\n")
    acme.allocate_oldest_first = False
    acme.save()
    feed(manager, "payments", "source,external_id,customer,received_on,amount\nsap,B-1,ACME,2026-10-02,2000.00\n")
    batch = feed(manager, "allocations", "source,invoice,payment,amount\nsap,F2026-001,B-1,1200.00\n")
    assert errors(batch) == [(2, "amount", "Only 1130.00 is still open on invoice F2026-001.")]
    batch = feed(manager, "allocations", "source,invoice,payment,amount\nsap,F2026-001,B-1,1130.00\n")
    assert (batch.status, batch.created_count) == ("applied", 1)
    assert Allocation.objects.values_list("amount", "allocated_on").get() == (D("1130.00"), dt.date(2026, 10, 2))
    again = feed(manager, "allocations", "source,invoice,payment,amount\nsap,F2026-001,B-1,1130.00\n")
    assert (again.created_count, again.unchanged_count, Allocation.objects.count()) == (0, 1, 1)
    assert Invoice.objects.get().status == InvoiceStatus.PAID


def test_credit_notes_and_orders_feeds(manager, acme):
    feed(manager, "invoices", INVOICES.splitlines()[0] + "\n" + INVOICES.splitlines()[1] + "\n")
    notes = feed(manager, "credit-notes", "source,number,customer,issued_on,amount,invoice\n"
                                          "sap,CN-1,ACME,2026-10-05,130.00,F2026-001\n"
                                          "sap,CN-2,ACME,2026-10-05,0,\n")
    assert errors(notes) == [(3, "amount", "An amount must be greater than zero.")]
    notes = feed(manager, "credit-notes", "source,number,customer,issued_on,amount,invoice\n"
                                          "sap,CN-1,ACME,2026-10-05,130.00,F2026-001\n")
    assert CreditNote.objects.values_list("number", "invoice__number", "amount").get() == ("CN-1", "F2026-001",
                                                                                           D("130.00"))
    orders = "number,customer,ordered_on,amount,expected_invoice_date,status\nSO-1,ACME,2026-11-20,800,2026-12-05,\n"
    assert feed(manager, "orders", orders).created_count == 1
    invoiced = feed(manager, "orders", orders.replace("2026-12-05,", "2026-12-05,invoiced"))
    assert (invoiced.updated_count, SalesOrder.objects.get().status) == (1, "invoiced")
    assert AuditEntry.objects.get(action="sales_order.update").changes == {"status": ["open", "invoiced"]}


def test_the_batch_api_takes_ledger_items_as_json(manager, acme):
    _token, plain = create_api_token(manager, manager, "erp")
    client = Client(headers={"Authorization": f"Bearer {plain}", "Accept-Language": "en"})
    items = [{"external_id": "J-1", "number": "J-1", "customer": "ACME", "invoice_date": "2026-11-01",
              "due_date": "2026-12-01", "gross_amount": "99.90"}]
    response = client.post("/api/imports/invoices/batch", {"items": items}, content_type="application/json")
    assert (response.status_code, response.json()["status"], response.json()["created_count"]) == (201, "applied", 1)
    assert Invoice.objects.values_list("number", "gross_amount", "currency_id").get() == ("J-1", D("99.90"), "CNY")




def ibm_rows() -> list[dict[str, str]]:
    with IBM_INVOICES.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_ibms_sample_becomes_invoices_payments_and_allocations_with_the_files_days_late(manager):
    """Every row: the ledger's days to settle and days late equal the file's DaysToSettle and DaysLate."""
    content = IBM_INVOICES.read_bytes()
    batch = run_import(manager, "invoices", IBM_INVOICES.name, content, mapping="ibm-late-payments")
    assert (batch.status, batch.row_count, batch.created_count, errors(batch)) == ("applied", 1683, 1683, [])
    assert Customer.objects.filter(external_id__regex=r"^\d{4}-[A-Z]{5}$").count() == 68
    assert (Payment.objects.count(), Allocation.objects.count()) == (1683, 1683)
    assert Invoice.objects.filter(status=InvoiceStatus.PAID).count() == 1683
    ledger = {number: (settle, late) for number, settle, late in invoices_with_settlement(
        Invoice.objects.filter(source="ibm")).values_list("number", "days_to_settle", "days_late")}
    expected = {row["invoiceNumber"]: (int(row["DaysToSettle"]), int(row["DaysLate"])) for row in ibm_rows()}
    assert ledger == expected
    disputed = sum(row["Disputed"] == "Yes" for row in ibm_rows())
    assert Invoice.objects.filter(disputed=True).count() == disputed
    again = run_import(manager, "invoices", IBM_INVOICES.name, content, mapping="ibm-late-payments")
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 1683)
    assert (Payment.objects.count(), Allocation.objects.count(), Customer.objects.count()) == (1683, 1683, 68)


def test_a_bad_gbk_file_names_its_rows_in_readable_chinese_and_writes_nothing(manager, acme):
    text = ("来源系统,发票号,客户,开票日期,到期日,币种,含税金额\n"
            "金蝶,FP-0001,C900000,2026-10-08,2026-11-07,CNY,100.00\n"
            "金蝶,FP-0002,无名公司,2026-10-08,2026-11-07,CNY,100.00\n"
            "金蝶,FP-0003,C900000,2026-10-08,2026-11-07,元宝,100.00\n"
            "金蝶,FP-0004,C900000,2026-10-08,2026-11-07,人民币,100.00\n")
    batch = feed(manager, "invoices", text, encoding="gbk")
    assert (batch.status, batch.encoding) == ("invalid", "gb18030")
    assert errors(batch) == [(3, "customer", "No customer with external id or number “无名公司”."),
                             (4, "currency", "Unknown currency “元宝”.")]
    assert ledger_counts() == (0, 0, 0, 0, 0)


def test_the_upload_page_checks_an_ibm_file_before_anything_is_written(manager):
    head = b"".join(IBM_INVOICES.read_bytes().splitlines(keepends=True)[:4])
    client = signed_in(manager)
    response = client.post("/imports/upload", {
        "kind": "invoices", "encoding": "auto", "mapping": "ibm-late-payments",
        "upload": SimpleUploadedFile("ibm.csv", head, content_type="text/csv")})
    batch = ImportBatch.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/imports/{batch.pk}/")
    assert (batch.status, batch.row_count, batch.created_count, Invoice.objects.count()) == ("staged", 3, 3, 0)
    client.post(f"/imports/{batch.pk}/apply")
    assert (Invoice.objects.count(), Payment.objects.count(), Customer.objects.count()) == (3, 3, 3)


def test_a_feed_cannot_cut_an_invoice_or_a_payment_below_what_is_allocated(manager, acme, beta):
    feed(manager, "invoices", INVOICES)
    feed(manager, "payments", PAYMENTS)  # F2026-001 is paid in full by BANK-2
    cut = feed(manager, "invoices", INVOICES.replace("1000.00,130.00,1130.00", "900.00,130.00,1030.00"))
    assert errors(cut) == [(2, "gross_amount", "1130.00 is already allocated to this invoice.")]
    smaller = feed(manager, "payments", PAYMENTS.replace("1200.00", "1100.00"))
    assert errors(smaller) == [(3, "amount", "This payment is already allocated; reverse its allocations first.")]


def test_two_files_checked_at_once_each_create_only_their_own_new_customers(manager):
    """A file's lookups (here the customers it names for the first time) stay with that file until it is written,
    even when another file of the same kind is checked in between, as on a server handling two uploads."""
    header = "customerID,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate\n"
    first, first_plan = stage(manager, "invoices", "a.csv", (header + "1111-AAAAA,9001,1/2/2013,2/1/2013,55.94,No,\n")
                              .encode(), "auto", "ibm-late-payments")
    stage(manager, "invoices", "b.csv", (header + "2222-BBBBB,9002,1/2/2013,2/1/2013,61.74,No,\n").encode(), "auto",
          "ibm-late-payments")

    applied = apply_import(manager, first, first_plan)

    assert (applied.status, list(Customer.objects.values_list("external_id", flat=True))) == (
        "applied", ["1111-AAAAA"])
    assert list(Invoice.objects.values_list("number", "customer__external_id")) == [("9001", "1111-AAAAA")]


def test_an_invoice_dated_more_than_a_year_ahead_is_a_row_error(manager, acme):
    day = timezone.localdate() + dt.timedelta(days=400)
    batch = feed(manager, "invoices", f"number,customer,invoice_date,gross_amount\nF-1,ACME,{day},100.00\n")
    latest = timezone.localdate() + dt.timedelta(days=366)
    assert errors(batch) == [(2, "invoice_date", f"{day} is not between 1900-01-01 and {latest}.")]
    assert ledger_counts() == (0, 0, 0, 0, 0)


def test_a_payment_before_1900_is_a_row_error(manager, acme):
    batch = feed(manager, "payments", "external_id,customer,received_on,amount\nP-1,ACME,1899-12-31,100.00\n")
    assert [(row, column) for row, column, _message in errors(batch)] == [(2, "received_on")]
