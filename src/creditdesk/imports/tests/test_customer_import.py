"""Importing customer master data: every row is checked, then all are written or none.

A file is matched to customers by external id (the ERP's key): unknown ids are created, known ones
updated field by field through the same services a person uses (so every change is audited), and
rows that say what the database already says are left alone. One bad row stops the whole file and
is reported by its spreadsheet row number and column. Every file is kept as an ImportBatch.
"""

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from creditdesk.audit.models import AuditEntry
from creditdesk.cli import main as creditdesk_cli
from creditdesk.customers.importers import CustomerImport
from creditdesk.customers.models import Customer
from creditdesk.customers.uscc import uscc_check_character
from creditdesk.imports.models import ImportBatch, ImportStatus
from creditdesk.imports.services import apply_import, run_import, stage_import
from creditdesk.testing.factories import CustomerFactory, UserFactory, valid_uscc

NINGBO_PORT = "91330200144071590X"  # an invented code that passes GB 32100-2015


@pytest.fixture
def people(db):
    return {"sales": UserFactory(username="li.sales", role="sales"),
            "collector": UserFactory(username="wang.collector", role="collector")}


@pytest.fixture
def group(db):
    """A holding company already in the credit file, without a number from this file."""
    return CustomerFactory(external_id="GRP-1", name="Zhejiang Harbour Holding", uscc=valid_uscc(900))


def csv_file(rows: list[dict[str, str]], encoding: str = "utf-8") -> bytes:
    """A spreadsheet saved as CSV: the columns any row uses, in order of first use."""
    headers = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows([row.get(h, "") for h in headers] for row in rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(headers: list[str], rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def good_rows() -> list[dict[str, str]]:
    """Three customers: a child listed before its parent, the parent, and a subsidiary of a known group."""
    return [
        {"external_id": "ERP-2", "code": "", "name": "Ningbo Port Trading Co., Ltd.",
         "local_name": "宁波港贸易有限公司", "uscc": valid_uscc(2), "country": "CN", "industry": "F", "size": "",
         "founded_on": "", "address": "",
         "language": "", "currency": "", "payment_terms_days": "", "owner": "", "analyst": "", "collector": "",
         "status": "active", "parent": "ERP-1"},
        {"external_id": "ERP-1", "code": "K-0001", "name": "Ningbo Port Logistics Co., Ltd.",
         "local_name": "宁波港物流有限公司", "uscc": "9133 0200 1440 7159 0x", "country": "中国",
         "industry": "Manufacturing", "size": "large", "founded_on": "2001/05/17",
         "address": "浙江省宁波市北仑区明州路1号", "language": "", "currency": "cny", "payment_terms_days": "60",
         "owner": "li.sales", "analyst": "chen.analyst", "collector": "wang.collector", "status": "Active",
         "parent": ""},
        {"external_id": "ERP-3", "code": "", "name": "Acme Industrial GmbH", "local_name": "", "uscc": "",
         "country": "Germany", "industry": "c", "size": "medium", "founded_on": "1999-12-31",
         "address": "Hafenstrasse 1, Hamburg", "language": "English", "currency": "EUR",
         "payment_terms_days": "45", "owner": "", "analyst": "", "collector": "", "status": "prospect",
         "parent": "GRP-1"},
    ]


def good_file() -> bytes:
    return csv_file(good_rows())


def facts(customer: Customer) -> dict[str, object]:
    """Everything an import can set, people and parent by their keys."""
    return {
        "code": customer.code, "external_id": customer.external_id, "name": customer.name,
        "local_name": customer.local_name, "uscc": customer.uscc,
        "registration_number": customer.registration_number, "tax_number": customer.tax_number,
        "country": customer.country.code, "industry": customer.industry, "size": customer.size,
        "founded_on": customer.founded_on, "address": customer.address, "language": customer.language,
        "currency": customer.currency_id, "payment_terms_days": customer.payment_terms_days,
        "owner": customer.owner.username if customer.owner else None,
        "analyst": customer.analyst.username if customer.analyst else None,
        "collector": customer.collector.username if customer.collector else None,
        "status": customer.status, "parent": customer.parent.external_id if customer.parent else None,
    }


EXPECTED = {
    "ERP-1": {
        "code": "K-0001", "external_id": "ERP-1", "name": "Ningbo Port Logistics Co., Ltd.",
        "local_name": "宁波港物流有限公司", "uscc": NINGBO_PORT, "registration_number": "", "tax_number": "",
        "country": "CN", "industry": "C", "size": "large", "founded_on": dt.date(2001, 5, 17),
        "address": "浙江省宁波市北仑区明州路1号", "language": "zh-hans", "currency": "CNY",
        "payment_terms_days": 60, "owner": "li.sales", "analyst": "chen.analyst", "collector": "wang.collector",
        "status": "active", "parent": None,
    },
    "ERP-2": {
        "code": "C000001", "external_id": "ERP-2", "name": "Ningbo Port Trading Co., Ltd.",
        "local_name": "宁波港贸易有限公司", "uscc": valid_uscc(2), "registration_number": "", "tax_number": "",
        "country": "CN", "industry": "F", "size": "", "founded_on": None, "address": "", "language": "zh-hans",
        "currency": "CNY", "payment_terms_days": 30, "owner": None, "analyst": None, "collector": None,
        "status": "active", "parent": "ERP-1",
    },
    "ERP-3": {
        "code": "C000002", "external_id": "ERP-3", "name": "Acme Industrial GmbH", "local_name": "", "uscc": None,
        "registration_number": "", "tax_number": "", "country": "DE", "industry": "C", "size": "medium",
        "founded_on": dt.date(1999, 12, 31), "address": "Hafenstrasse 1, Hamburg", "language": "en",
        "currency": "EUR", "payment_terms_days": 45, "owner": None, "analyst": None, "collector": None,
        "status": "prospect", "parent": "GRP-1",
    },
}


def imported() -> dict[str, dict[str, object]]:
    customers = Customer.objects.exclude(external_id="GRP-1").select_related("owner", "analyst", "collector", "parent")
    return {c.external_id: facts(c) for c in customers}


def errors_of(batch: ImportBatch) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in batch.errors]


def customer_entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action__startswith="customer.").order_by("id"))


# --- a good file ------------------------------------------------------------------------------------------


def test_a_good_file_creates_every_customer_with_exactly_the_values_given(analyst, people, group):
    batch = run_import(analyst, "customers", "customers.csv", good_file())

    assert (batch.status, batch.errors) == (ImportStatus.APPLIED, [])
    assert (batch.row_count, batch.created_count, batch.updated_count, batch.unchanged_count) == (3, 3, 0, 0)
    assert imported() == EXPECTED
    assert Customer.objects.count() == 4


def test_each_new_customer_is_audited_through_the_customer_service(analyst, people, group):
    batch = run_import(analyst, "customers", "customers.csv", good_file())

    entries = customer_entries()
    assert [(e.action, e.object_repr) for e in entries] == [
        ("customer.create", "K-0001 宁波港物流有限公司"),  # the parent first, though listed second
        ("customer.create", "C000001 宁波港贸易有限公司"),
        ("customer.create", "C000002 Acme Industrial GmbH"),
    ]
    assert {e.reason for e in entries} == {f"Import #{batch.pk} customers.csv"}
    assert {e.actor_name for e in entries} == {"chen.analyst"}
    erp2 = Customer.objects.get(external_id="ERP-2")
    assert entries[1].changes["parent"] == [None, erp2.parent_id]


def test_chinese_column_titles_from_chinese_excel_go_through_the_default_preset(analyst, people, group):
    with translation.override("zh-hans"):
        titles = {field: str(label) for field, label in CustomerImport.columns.items()}
    assert all(not title.isascii() for title in titles.values()), f"columns without a Chinese title: {titles}"
    rows = [{titles[k]: v for k, v in row.items()} for row in good_rows()]
    rows[1][titles["industry"]] = "制造业"

    batch = run_import(analyst, "customers", "客户主数据.csv", csv_file(rows, "gbk"))

    assert (batch.status, batch.encoding, batch.mapping) == (ImportStatus.APPLIED, "gb18030", "creditdesk")
    assert imported() == EXPECTED


def test_english_column_titles_are_accepted_whatever_their_case_and_spacing(analyst, people, group):
    rows = [{"External ID": r["external_id"], "Legal  Name": r["name"], " COUNTRY ": r["country"],
             "Unified social credit code": r["uscc"], "status": r["status"]} for r in good_rows()]
    rows[0]["Parent company"] = "ERP-1"

    batch = run_import(analyst, "customers", "customers.csv", csv_file(rows))

    assert batch.status == ImportStatus.APPLIED
    assert Customer.objects.get(external_id="ERP-2").parent.external_id == "ERP-1"
    assert Customer.objects.get(external_id="ERP-3").name == "Acme Industrial GmbH"


def test_columns_the_preset_does_not_know_are_ignored(analyst, group):
    rows = [{"external_id": "ERP-9", "name": "Foreign Co", "country": "US", "ERP internal note": "ignore me"}]

    batch = run_import(analyst, "customers", "customers.csv", csv_file(rows))

    assert batch.status == ImportStatus.APPLIED
    assert facts(Customer.objects.get(external_id="ERP-9"))["name"] == "Foreign Co"


@pytest.mark.parametrize("cell", ["CN", "cn", "China", "中国", "CHN"])
def test_a_country_is_given_by_code_english_name_or_chinese_name(analyst, cell):
    rows = [{"external_id": "E-1", "name": "X Co", "uscc": NINGBO_PORT, "country": cell, "status": "active"}]

    assert run_import(analyst, "customers", "c.csv", csv_file(rows)).status == ImportStatus.APPLIED
    assert Customer.objects.get(external_id="E-1").country.code == "CN"


@pytest.mark.parametrize("cell", ["DE", "Germany", "德国", "DEU"])
def test_a_foreign_country_is_given_by_code_english_name_or_chinese_name(analyst, cell):
    rows = [{"external_id": "E-1", "name": "X GmbH", "country": cell}]

    assert run_import(analyst, "customers", "c.csv", csv_file(rows)).status == ImportStatus.APPLIED
    assert Customer.objects.get(external_id="E-1").country.code == "DE"


@pytest.mark.parametrize("cell", ["C", "c", "Manufacturing", "MANUFACTURING", "制造业"])
def test_an_industry_is_given_by_code_or_label(analyst, cell):
    rows = [{"external_id": "E-1", "name": "X GmbH", "country": "DE", "industry": cell}]

    assert run_import(analyst, "customers", "c.csv", csv_file(rows)).status == ImportStatus.APPLIED
    assert Customer.objects.get(external_id="E-1").industry == "C"


def test_an_xlsx_file_with_dates_and_numbers_imports_the_same(analyst, people, group):
    rows = good_rows()
    headers = list(rows[0])
    cells: list[list[object]] = [[row[h] for h in headers] for row in rows]
    cells[1][headers.index("founded_on")] = dt.date(2001, 5, 17)
    cells[1][headers.index("payment_terms_days")] = 60  # a number cell, not text
    cells[2][headers.index("founded_on")] = dt.datetime(1999, 12, 31)
    cells[2][headers.index("payment_terms_days")] = 45.0

    batch = run_import(analyst, "customers", "customers.xlsx", xlsx_file(headers, cells))

    assert (batch.status, batch.encoding) == (ImportStatus.APPLIED, "xlsx")
    assert imported() == EXPECTED


# --- the same file twice, and a changed file ----------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(analyst, people, group):
    run_import(analyst, "customers", "customers.csv", good_file())
    stamps = dict(Customer.objects.values_list("external_id", "updated_at"))
    entries = len(customer_entries())

    again = run_import(analyst, "customers", "customers.csv", good_file())

    assert (again.status, again.errors) == (ImportStatus.APPLIED, [])
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert len(customer_entries()) == entries
    assert dict(Customer.objects.values_list("external_id", "updated_at")) == stamps
    assert imported() == EXPECTED


def test_the_same_data_as_xlsx_after_csv_changes_nothing(analyst, people, group):
    run_import(analyst, "customers", "customers.csv", good_file())
    rows = good_rows()
    headers = list(rows[0])
    cells: list[list[object]] = [[row[h] for h in headers] for row in rows]
    cells[1][headers.index("payment_terms_days")] = 60.0
    cells[1][headers.index("founded_on")] = dt.datetime(2001, 5, 17)

    again = run_import(analyst, "customers", "customers.xlsx", xlsx_file(headers, cells))

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)


def test_a_changed_cell_updates_only_that_customer_and_audits_before_and_after(analyst, people, group):
    first = run_import(analyst, "customers", "customers.csv", good_file())
    stamps = dict(Customer.objects.values_list("external_id", "updated_at"))
    entries = len(customer_entries())
    rows = good_rows()
    rows[2]["payment_terms_days"] = "90"

    batch = run_import(analyst, "customers", "customers-v2.csv", csv_file(rows))

    assert (batch.status, batch.created_count, batch.updated_count, batch.unchanged_count) == (
        ImportStatus.APPLIED, 0, 1, 2)
    assert batch.pk != first.pk
    new_entries = customer_entries()[entries:]
    erp3 = Customer.objects.get(external_id="ERP-3")
    assert [(e.action, e.object_id, e.changes, e.reason) for e in new_entries] == [
        ("customer.update", str(erp3.pk), {"payment_terms_days": [45, 90]}, f"Import #{batch.pk} customers-v2.csv"),
    ]
    now = dict(Customer.objects.values_list("external_id", "updated_at"))
    assert {k for k in now if now[k] != stamps[k]} == {"ERP-3"}
    assert erp3.payment_terms_days == 90


def test_moving_a_customer_to_another_parent_is_an_audited_update(analyst, people, group):
    run_import(analyst, "customers", "customers.csv", good_file())
    rows = good_rows()
    rows[2]["parent"] = "ERP-1"

    batch = run_import(analyst, "customers", "customers.csv", csv_file(rows))

    erp1, erp3 = Customer.objects.get(external_id="ERP-1"), Customer.objects.get(external_id="ERP-3")
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 1, 2)
    assert erp3.parent == erp1
    assert customer_entries()[-1].changes == {"parent": [group.pk, erp1.pk]}


def test_a_file_mixing_new_changed_and_unchanged_rows(analyst, people, group):
    run_import(analyst, "customers", "customers.csv", good_file())
    rows = good_rows()
    rows[0]["address"] = "宁波市江北区"
    rows.append({"external_id": "ERP-4", "name": "Acme Service GmbH", "country": "DE", "parent": "ERP-3"})

    batch = run_import(analyst, "customers", "customers.csv", csv_file(rows))

    assert (batch.row_count, batch.created_count, batch.updated_count, batch.unchanged_count) == (4, 1, 1, 2)
    assert Customer.objects.get(external_id="ERP-4").parent.external_id == "ERP-3"
    assert Customer.objects.get(external_id="ERP-2").address == "宁波市江北区"


def test_an_empty_customer_number_keeps_the_number_already_given(analyst, group):
    """ERP files often carry an empty number column: it must neither blank the number nor fail."""
    customer = CustomerFactory(external_id="ERP-7", code="C000007", country="DE", uscc=None, status="prospect")
    rows = [{"external_id": "ERP-7", "code": "", "name": customer.name, "country": "DE", "status": "prospect"}]

    batch = run_import(analyst, "customers", "customers.csv", csv_file(rows))

    assert (batch.status, batch.updated_count, batch.unchanged_count) == (ImportStatus.APPLIED, 0, 1)
    assert Customer.objects.get(external_id="ERP-7").code == "C000007"


def test_an_empty_language_cell_means_the_country_default_for_a_new_customer(analyst):
    rows = [{"external_id": "US-1", "name": "Acme Inc.", "country": "US", "language": ""},
            {"external_id": "CN-1", "name": "宁波港", "country": "CN", "uscc": NINGBO_PORT, "language": ""}]

    run_import(analyst, "customers", "customers.csv", csv_file(rows))

    assert dict(Customer.objects.values_list("external_id", "language")) == {"US-1": "en", "CN-1": "zh-hans"}


def test_an_empty_language_cell_leaves_a_known_customers_language_alone(analyst):
    CustomerFactory(external_id="US-1", name="Acme Inc.", country="US", uscc=None, language="zh-hans")
    rows = [{"external_id": "US-1", "name": "Acme Inc.", "country": "US", "language": ""}]

    batch = run_import(analyst, "customers", "customers.csv", csv_file(rows))

    assert (batch.updated_count, batch.unchanged_count) == (0, 1)
    assert Customer.objects.get(external_id="US-1").language == "zh-hans"


# --- bad rows ---------------------------------------------------------------------------------------------


def one_good_row() -> dict[str, str]:
    return {"external_id": "OK-1", "name": "Good Co", "uscc": valid_uscc(1), "country": "CN", "industry": "C",
            "currency": "CNY", "payment_terms_days": "30", "founded_on": "2010-01-01", "owner": "",
            "status": "active", "parent": ""}


def bad_row(**cells: str) -> dict[str, str]:
    return {**one_good_row(), "external_id": "BAD-1", "name": "Bad Co", "uscc": valid_uscc(3), **cells}


WRONG_CHECK = valid_uscc(5)[:17] + ("0" if valid_uscc(5)[17] != "0" else "1")
BAD_ROWS = [
    ("unknown country", {"country": "Atlantis"}, "country", "Unknown country “Atlantis”."),
    ("uscc with a wrong check character", {"uscc": WRONG_CHECK}, "uscc",
     f"Wrong check character “{WRONG_CHECK[17]}”: for {WRONG_CHECK[:17]} it should be "
     f"“{uscc_check_character(WRONG_CHECK[:17])}”."),
    ("uscc too short", {"uscc": "91330200"}, "uscc",
     "A unified social credit code has 18 characters; “91330200” has 8."),
    ("uscc of another customer", {"uscc": valid_uscc(900)}, "uscc", "This code belongs to another customer."),
    ("uscc of another customer, written differently", {"uscc": valid_uscc(900).lower()}, "uscc",
     "This code belongs to another customer."),
    ("customer number of another customer", {"code": "G-1"}, "code",
     "Customer number G-1 belongs to another customer."),
    ("duplicate external id", {"external_id": "OK-1"}, "external_id", "Duplicate of row 2."),
    ("duplicate uscc", {"uscc": valid_uscc(1)}, "uscc", "Duplicate of row 2."),
    ("missing external id", {"external_id": ""}, "external_id", "Required."),
    ("missing name", {"name": ""}, "name", "Required."),
    ("unknown currency", {"currency": "XYZ"}, "currency", "Unknown currency “XYZ”."),
    ("unknown user", {"owner": "nobody"}, "owner", "No user “nobody”."),
    ("bad date", {"founded_on": "2020-13-45"}, "founded_on", "“2020-13-45” is not a date (use YYYY-MM-DD)."),
    ("payment terms not a number", {"payment_terms_days": "sixty"}, "payment_terms_days",
     "“sixty” is not a whole number."),
    ("payment terms with decimals", {"payment_terms_days": "30.5"}, "payment_terms_days",
     "“30.5” is not a whole number."),
    ("payment terms out of range", {"payment_terms_days": "800"}, "payment_terms_days",
     "800 is out of range (0–720)."),
    ("unknown industry", {"industry": "Z9"}, "industry",
     "“Z9” is not one of: A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, T."),
    ("unknown parent", {"parent": "NOPE"}, "parent", "No customer with external id “NOPE”."),
    ("own parent", {"parent": "BAD-1"}, "parent", "These parents form a circle."),
    ("Chinese active customer without uscc", {"uscc": ""}, "uscc",
     "A Chinese customer needs its unified social credit code."),
    ("name too long", {"name": "N" * 201}, "name",
     "Ensure this value has at most 200 characters (it has 201)."),
]


@pytest.mark.parametrize(("cells", "column", "message"), [b[1:] for b in BAD_ROWS], ids=[b[0] for b in BAD_ROWS])
def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_written(analyst, group, cells, column, message):
    CustomerFactory(external_id="OTHER", code="G-1", uscc=valid_uscc(901))
    before = Customer.objects.count()
    content = csv_file([one_good_row(), bad_row(**cells)])

    batch = run_import(analyst, "customers", "customers.csv", content)

    assert errors_of(batch) == [(3, column, message)]
    assert batch.status == ImportStatus.INVALID
    assert batch.applied_at is None
    assert Customer.objects.count() == before
    assert customer_entries() == []


def test_one_bad_row_among_good_ones_stops_the_whole_file(analyst, people, group):
    rows = good_rows()
    rows.insert(2, bad_row(country="Atlantis"))

    batch = run_import(analyst, "customers", "customers.csv", csv_file(rows))

    assert errors_of(batch) == [(4, "country", "Unknown country “Atlantis”.")]
    assert batch.status == ImportStatus.INVALID
    assert Customer.objects.count() == 1  # only the group that was there before
    assert customer_entries() == []


def test_every_bad_row_is_reported_not_only_the_first(analyst):
    rows = [bad_row(external_id="B-1", uscc=valid_uscc(11), country="Atlantis"),
            one_good_row(),
            bad_row(external_id="B-3", uscc=valid_uscc(13), currency="XYZ"),
            bad_row(external_id="B-4", uscc=valid_uscc(14), founded_on="yesterday")]

    batch = run_import(analyst, "customers", "customers.csv", csv_file(rows))

    assert errors_of(batch) == [
        (2, "country", "Unknown country “Atlantis”."),
        (4, "currency", "Unknown currency “XYZ”."),
        (5, "founded_on", "“yesterday” is not a date (use YYYY-MM-DD)."),
    ]


def test_a_child_is_not_blamed_for_its_parents_bad_row(analyst):
    rows = [{"external_id": "CHILD", "name": "Child Co", "country": "US", "parent": "PARENT"},
            {"external_id": "PARENT", "name": "Parent Co", "country": "Atlantis"}]

    batch = run_import(analyst, "customers", "customers.csv", csv_file(rows))

    assert errors_of(batch) == [(3, "country", "Unknown country “Atlantis”.")]


def test_a_chinese_prospect_or_a_foreign_customer_needs_no_uscc(analyst):
    rows = [{"external_id": "P-1", "name": "宁波新客户", "country": "CN", "uscc": "", "status": "prospect"},
            {"external_id": "F-1", "name": "Acme Inc.", "country": "US", "uscc": "", "status": "active"}]

    batch = run_import(analyst, "customers", "customers.csv", csv_file(rows))

    assert (batch.status, batch.created_count) == (ImportStatus.APPLIED, 2)


def test_parents_forming_a_circle_within_the_file_are_refused(analyst):
    rows = [{"external_id": "A", "name": "A Co", "country": "US", "parent": "C"},
            {"external_id": "B", "name": "B Co", "country": "US", "parent": "A"},
            {"external_id": "C", "name": "C Co", "country": "US", "parent": "B"},
            {"external_id": "D", "name": "D Co", "country": "US", "parent": "A"}]

    batch = run_import(analyst, "customers", "customers.csv", csv_file(rows))

    assert errors_of(batch) == [(2, "parent", "These parents form a circle.")]
    assert Customer.objects.count() == 0


def test_a_circle_through_customers_already_known_is_found_when_checking(analyst):
    """The file alone has no circle (A's new parent B is B's child only in the database)."""
    a = CustomerFactory(external_id="A", country="US", uscc=None)
    CustomerFactory(external_id="B", country="US", uscc=None, parent=a)
    content = csv_file([{"external_id": "A", "name": a.name, "country": "US", "parent": "B"}])

    batch = run_import(analyst, "customers", "customers.csv", content)

    assert batch.status == ImportStatus.INVALID
    assert errors_of(batch) == [(2, "parent", "This parent would make the group a circle.")]
    a.refresh_from_db()
    assert a.parent is None
    assert customer_entries() == []


def test_a_circle_through_a_customer_without_external_id_is_found_too(analyst):
    """A → B (file) while B → C → A on file, C having no external id."""
    a = CustomerFactory(external_id="A", country="US", uscc=None)
    c = CustomerFactory(external_id=None, country="US", uscc=None, parent=a)
    CustomerFactory(external_id="B", country="US", uscc=None, parent=c)
    content = csv_file([{"external_id": "A", "name": a.name, "country": "US", "parent": "B"}])

    batch = run_import(analyst, "customers", "customers.csv", content)

    assert errors_of(batch) == [(2, "parent", "This parent would make the group a circle.")]


def test_a_missing_required_column_is_reported_on_the_header_row(analyst):
    content = b"external_id,name,uscc\nE-1,X Co,\n"

    batch = run_import(analyst, "customers", "customers.csv", content)

    assert errors_of(batch) == [(1, "country", "Required column is missing.")]
    assert (batch.status, batch.row_count) == (ImportStatus.INVALID, 1)
    assert Customer.objects.count() == 0


def test_several_missing_required_columns_are_all_reported(analyst):
    batch = run_import(analyst, "customers", "customers.csv", b"uscc,address\n,x\n")

    assert errors_of(batch) == [(1, "country", "Required column is missing."),
                                (1, "external_id", "Required column is missing."),
                                (1, "name", "Required column is missing.")]


def test_an_unreadable_file_is_an_invalid_batch(analyst):
    batch = run_import(analyst, "customers", "customers.xls", b"\xd0\xcf\x11\xe0")

    assert errors_of(batch) == [(0, "", "Only CSV and XLSX files can be imported.")]
    assert batch.status == ImportStatus.INVALID


def test_an_unknown_column_mapping_is_an_invalid_batch(analyst):
    batch = run_import(analyst, "customers", "customers.csv", good_file(), mapping="sap")

    assert errors_of(batch) == [(0, "", "Unknown column mapping “sap”.")]


def test_an_unknown_kind_is_refused(analyst):
    with pytest.raises(ValidationError) as caught:
        run_import(analyst, "invoices-v9", "x.csv", good_file())
    assert caught.value.messages == ["Unknown import kind “invoices-v9”."]


# --- the batch record and its audit -----------------------------------------------------------------------


def test_each_import_is_recorded_as_a_batch_with_its_file(analyst, people, group):
    content = good_file()

    batch = run_import(analyst, "customers", "customers.csv", content)

    batch = ImportBatch.objects.get(pk=batch.pk)
    assert (batch.kind, batch.file_name, batch.sha256, batch.encoding, batch.mapping) == (
        "customers", "customers.csv", hashlib.sha256(content).hexdigest(), "utf-8", "creditdesk")
    assert (batch.created_by, batch.applied_by) == (analyst, analyst)
    assert batch.applied_at is not None
    assert (batch.row_count, batch.created_count, batch.updated_count, batch.unchanged_count) == (3, 3, 0, 0)
    with batch.file.open("rb") as stored:
        assert stored.read() == content


def test_staging_and_applying_are_audited_with_the_counts(analyst, people, group):
    content = good_file()

    batch = run_import(analyst, "customers", "customers.csv", content)

    entries = AuditEntry.objects.filter(object_type="imports.importbatch", object_id=str(batch.pk)).order_by("id")
    assert [(e.action, e.actor_name, e.changes) for e in entries] == [
        ("import.stage", "chen.analyst", {"file_name": [None, "customers.csv"],
                                          "sha256": [None, hashlib.sha256(content).hexdigest()],
                                          "status": [None, "staged"], "rows": [None, 3], "errors": [None, 0]}),
        ("import.apply", "chen.analyst", {"status": ["staged", "applied"], "created": [None, 3],
                                          "updated": [None, 0], "unchanged": [None, 0]}),
    ]


def test_an_invalid_file_is_audited_as_staged_with_its_errors_and_never_applied(analyst):
    batch = run_import(analyst, "customers", "customers.csv", csv_file([bad_row(country="Atlantis")]))

    entries = AuditEntry.objects.filter(object_type="imports.importbatch", object_id=str(batch.pk))
    assert [(e.action, e.changes["status"], e.changes["errors"]) for e in entries] == [
        ("import.stage", [None, "invalid"], [None, 1])]


# --- stage, then apply -----------------------------------------------------------------------------------


def test_staging_writes_nothing_and_says_what_applying_would_do(analyst, people, group):
    batch = stage_import(analyst, "customers", "customers.csv", good_file())

    assert (batch.status, batch.created_count, batch.updated_count, batch.unchanged_count) == (
        ImportStatus.STAGED, 3, 0, 0)
    assert batch.applied_at is None
    assert Customer.objects.count() == 1
    assert customer_entries() == []


def test_a_staged_batch_is_applied_later(analyst, people, group):
    staged = stage_import(analyst, "customers", "customers.csv", good_file())
    manager = UserFactory(username="zhao.manager", role="credit_manager")

    batch = apply_import(manager, ImportBatch.objects.get(pk=staged.pk))

    assert (batch.status, batch.created_by, batch.applied_by) == (ImportStatus.APPLIED, analyst, manager)
    assert ImportBatch.objects.get(pk=staged.pk).status == ImportStatus.APPLIED
    assert imported() == EXPECTED
    assert {e.actor_name for e in customer_entries()} == {"zhao.manager"}


def test_an_invalid_batch_cannot_be_applied(analyst):
    batch = stage_import(analyst, "customers", "customers.csv", csv_file([bad_row(country="Atlantis")]))

    with pytest.raises(ValidationError) as caught:
        apply_import(analyst, batch)

    assert caught.value.messages == ["Only a checked import without errors can be applied."]
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.INVALID
    assert Customer.objects.count() == 0


def test_an_applied_batch_cannot_be_applied_again(analyst, people, group):
    batch = run_import(analyst, "customers", "customers.csv", good_file())

    with pytest.raises(ValidationError) as caught:
        apply_import(analyst, batch)

    assert caught.value.messages == ["Only a checked import without errors can be applied."]
    assert len(customer_entries()) == 3


def test_a_batch_whose_data_became_invalid_before_applying_is_marked_invalid_and_writes_nothing(
        analyst, people, group):
    staged = stage_import(analyst, "customers", "customers.csv", good_file())
    CustomerFactory(external_id="SOMEONE-ELSE", uscc=valid_uscc(2))  # ERP-2's code, taken meanwhile
    count = Customer.objects.count()

    batch = apply_import(analyst, ImportBatch.objects.get(pk=staged.pk))

    assert batch.status == ImportStatus.INVALID
    assert errors_of(batch) == [(2, "uscc", "This code belongs to another customer.")]
    stored = ImportBatch.objects.get(pk=staged.pk)
    assert (stored.status, stored.errors, stored.applied_at) == (ImportStatus.INVALID, batch.errors, None)
    assert Customer.objects.count() == count
    assert customer_entries() == []
    assert not AuditEntry.objects.filter(action="import.apply").exists()


def test_a_batch_whose_user_left_before_applying_is_marked_invalid(analyst, people, group):
    staged = stage_import(analyst, "customers", "customers.csv", good_file())
    people["collector"].delete()

    batch = apply_import(analyst, ImportBatch.objects.get(pk=staged.pk))

    assert errors_of(batch) == [(3, "collector", "No user “wang.collector”.")]
    assert Customer.objects.count() == 1


# --- permissions -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["sales", "auditor", "collector", "cfo"])
def test_roles_that_do_not_keep_credit_files_cannot_import(db, role):
    user = UserFactory(username=f"u_{role}", role=role)

    for action in (stage_import, run_import):
        with pytest.raises(PermissionDenied):
            action(user, "customers", "customers.csv", good_file())

    assert ImportBatch.objects.count() == 0
    assert Customer.objects.count() == 0


@pytest.mark.parametrize("role", ["admin", "credit_manager", "credit_analyst"])
def test_credit_file_keepers_can_import(db, role):
    UserFactory(username="li.sales")
    UserFactory(username="wang.collector")
    CustomerFactory(external_id="GRP-1", uscc=valid_uscc(900))
    UserFactory(username="chen.analyst")
    user = UserFactory(username=f"u_{role}", role=role)

    assert run_import(user, "customers", "customers.csv", good_file()).status == ImportStatus.APPLIED


def test_an_auditor_cannot_apply_a_staged_batch(analyst, people, group):
    batch = stage_import(analyst, "customers", "customers.csv", good_file())
    auditor = UserFactory(username="sun.auditor", role="auditor")

    with pytest.raises(PermissionDenied):
        apply_import(auditor, batch)

    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.STAGED
    assert Customer.objects.count() == 1


# --- the command line ------------------------------------------------------------------------------------


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_the_import_command_prints_the_counts(analyst, people, group, tmp_path):
    path = write(tmp_path, "customers.csv", good_file())
    out, err = io.StringIO(), io.StringIO()

    call_command("import_data", "customers", str(path), "--user", "chen.analyst", stdout=out, stderr=err)

    batch = ImportBatch.objects.get()
    assert out.getvalue() == (f"import #{batch.pk} applied: 3 rows, 3 created, 0 updated, 0 unchanged, "
                              "0 errors\n")
    assert err.getvalue() == ""
    assert (batch.file_name, batch.created_by) == ("customers.csv", analyst)
    assert imported() == EXPECTED


def test_the_import_command_with_check_writes_nothing(analyst, people, group, tmp_path):
    path = write(tmp_path, "customers.csv", good_file())
    out = io.StringIO()

    call_command("import_data", "customers", str(path), "--user", "chen.analyst", "--check", stdout=out)

    batch = ImportBatch.objects.get()
    assert out.getvalue() == f"import #{batch.pk} staged: 3 rows, 3 created, 0 updated, 0 unchanged, 0 errors\n"
    assert Customer.objects.count() == 1


def test_the_import_command_fails_and_lists_the_errors_when_a_row_is_bad(analyst, tmp_path):
    path = write(tmp_path, "customers.csv", csv_file([one_good_row(), bad_row(country="Atlantis")]))
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_data", "customers", str(path), "--user", "chen.analyst", stdout=out, stderr=err)

    assert err.getvalue() == "row 3 country: Unknown country “Atlantis”.\n"
    assert "invalid: 2 rows" in out.getvalue()
    assert Customer.objects.count() == 0


def test_the_import_command_takes_an_encoding(analyst, tmp_path):
    rows = [{"external_id": "CN-1", "name": "宁波港物流", "country": "中国", "uscc": NINGBO_PORT}]
    path = write(tmp_path, "customers.csv", csv_file(rows, "gbk"))

    call_command("import_data", "customers", str(path), "--user", "chen.analyst", "--encoding", "gbk",
                 stdout=io.StringIO())

    assert (ImportBatch.objects.get().encoding, Customer.objects.get().name) == ("gbk", "宁波港物流")


def test_the_import_command_refuses_a_file_past_a_limit_and_records_nothing(analyst, tmp_path, settings):
    path = write(tmp_path, "customers.csv", good_file())
    settings.CREDITDESK_IMPORT_MAX_ROWS = 2

    with pytest.raises(CommandError, match=r"^The file has more than 2 rows, the most an import may have\.$"):
        call_command("import_data", "customers", str(path), "--user", "chen.analyst")
    settings.CREDITDESK_IMPORT_MAX_BYTES = 10
    with pytest.raises(CommandError, match=r"^The file is [\d.]+\xa0bytes, more than 10\xa0bytes, the most an"):
        call_command("import_data", "customers", str(path), "--user", "chen.analyst")
    assert ImportBatch.objects.count() == 0


def test_the_import_command_refuses_an_unknown_user_or_a_missing_file(analyst, tmp_path):
    path = write(tmp_path, "customers.csv", good_file())

    with pytest.raises(CommandError, match="no user 'ghost'; pass --user"):
        call_command("import_data", "customers", str(path), "--user", "ghost")
    with pytest.raises(CommandError, match="no file"):
        call_command("import_data", "customers", str(tmp_path / "missing.csv"), "--user", "chen.analyst")
    assert ImportBatch.objects.count() == 0


def test_the_import_command_refuses_a_user_without_permission(db, tmp_path):
    UserFactory(username="li.sales", role="sales")
    path = write(tmp_path, "customers.csv", good_file())

    with pytest.raises(PermissionDenied):
        call_command("import_data", "customers", str(path), "--user", "li.sales", stdout=io.StringIO())


def test_creditdesk_import_is_the_import_data_command(monkeypatch):
    """`creditdesk import …` runs this command (run in-process it would close the test's connection)."""
    seen: list[list[str]] = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", seen.append)

    creditdesk_cli(["/usr/bin/creditdesk", "import", "customers", "customers.csv", "--user", "chen.analyst"])

    assert seen == [["creditdesk", "import_data", "customers", "customers.csv", "--user", "chen.analyst"]]
