"""Excel exports: read back with openpyxl, every cell holds the value, type and format finance expects."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from creditdesk.core.xlsx import XLSX_CONTENT_TYPE, xlsx_bytes, xlsx_response

HEADERS = ["发票号 Invoice", "Due date", "Amount", "Days", "Customer"]


def sheet(data: bytes) -> Worksheet:
    workbook = load_workbook(io.BytesIO(data))
    assert len(workbook.worksheets) == 1
    return workbook.worksheets[0]


def values(ws: Worksheet) -> list[list[object]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_cells_keep_their_types_and_formats():
    rows = [["INV-1", dt.date(2026, 11, 30), Decimal("1234567.89"), 45, "上海某某贸易有限公司"],
            ["INV-2", dt.date(2027, 1, 5), Decimal("-0.50"), 0, "Acme Ltd"]]
    ws = sheet(xlsx_bytes("Open items", HEADERS, rows))

    assert ws.title == "Open items"
    assert values(ws) == [HEADERS,
                          ["INV-1", dt.datetime(2026, 11, 30), 1234567.89, 45, "上海某某贸易有限公司"],
                          ["INV-2", dt.datetime(2027, 1, 5), -0.5, 0, "Acme Ltd"]]
    assert all(c.font.b for c in ws[1])
    assert not any(c.font.b for c in ws[2])
    assert ws.freeze_panes == "A2"
    invoice, due, amount, days, customer = ws[2]
    assert (invoice.data_type, invoice.number_format) == ("s", "General")
    assert (due.data_type, due.number_format, due.is_date) == ("d", "yyyy-mm-dd", True)
    assert (amount.data_type, amount.number_format) == ("n", "#,##0.00")
    assert (days.data_type, days.number_format) == ("n", "General")
    assert customer.data_type == "s"


def test_columns_are_wide_enough_for_their_contents_and_chinese_counts_double():
    rows = [["A", dt.date(2026, 1, 1), Decimal("1234567.89"), 1, "上海某某贸易有限公司"]]
    ws = sheet(xlsx_bytes("t", HEADERS, rows))
    widths = {letter: ws.column_dimensions[letter].width for letter in "ABCDE"}
    # "发票号 Invoice" = 3 wide characters + 8 = 14; "1,234,567.89" = 12; "上海某某贸易有限公司" = 10 × 2; + 2 padding
    assert widths == {"A": 16, "B": 12, "C": 14, "D": 8, "E": 22}


def test_very_long_text_does_not_make_a_giant_column():
    ws = sheet(xlsx_bytes("t", ["Remittance"], [["x" * 500]]))
    assert ws.column_dimensions["A"].width == 60
    assert ws["A2"].value == "x" * 500


def test_no_rows_gives_the_header_alone():
    ws = sheet(xlsx_bytes("Empty", HEADERS, []))
    assert values(ws) == [HEADERS]


def test_empty_rows_and_missing_values_stay_empty():
    rows = [["INV-1", None, Decimal("1.00"), None, ""], [], ["INV-3", None, None, None, None]]
    ws = sheet(xlsx_bytes("Gaps", HEADERS, rows))
    assert values(ws) == [HEADERS,
                          ["INV-1", None, 1, None, None],
                          [None, None, None, None, None],
                          ["INV-3", None, None, None, None]]


def test_rows_may_be_a_generator_longer_than_the_sample():
    ws = sheet(xlsx_bytes("Many", ["n", "amount"], ((n, Decimal(n)) for n in range(1000))))
    assert ws.max_row == 1001
    assert (ws["A1001"].value, ws["B1001"].value, ws["B1001"].number_format) == (999, 999, "#,##0.00")


def test_text_is_never_a_formula_and_control_characters_are_dropped():
    ws = sheet(xlsx_bytes("t", ["remittance"], [["=HYPERLINK(\"http://evil\")"], ["bad\x00\x07text"]]))
    assert (ws["A2"].value, ws["A2"].data_type) == ("=HYPERLINK(\"http://evil\")", "s")
    assert ws["A3"].value == "badtext"


def test_lazy_labels_booleans_and_aware_times():
    shanghai = ZoneInfo("Asia/Shanghai")
    at = dt.datetime(2026, 11, 30, 1, 30, tzinfo=dt.UTC)
    ws = sheet(xlsx_bytes("t", [gettext_lazy("Customer"), "ok", "at"], [[gettext_lazy("Not due"), True, at]]))
    assert values(ws) == [["Customer", "ok", "at"], ["Not due", True, at.astimezone(shanghai).replace(tzinfo=None)]]
    assert ws["C2"].number_format == "yyyy-mm-dd hh:mm:ss"


def test_sheet_titles_excel_would_refuse_are_cleaned():
    assert sheet(xlsx_bytes("Aging 2026/11: [CNY]?", ["a"], [])).title == "Aging 2026 11   CNY"
    assert sheet(xlsx_bytes("账龄" * 20, ["a"], [])).title == "账龄" * 15 + "账"


def test_the_response_is_a_download_of_the_workbook():
    response = xlsx_response("aging.xlsx", "Aging", ["Currency", "Total"], [["CNY", Decimal("10.00")]])
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="aging.xlsx"'
    assert response.content.startswith(b"PK")
    assert values(sheet(response.content)) == [["Currency", "Total"], ["CNY", 10]]


def test_a_chinese_file_name_is_encoded_for_the_header():
    response = xlsx_response("对账单 2026-11.xlsx", "对账单", ["a"], [])
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E5%AF%B9%E8%B4%A6%E5%8D%95%202026-11.xlsx")
