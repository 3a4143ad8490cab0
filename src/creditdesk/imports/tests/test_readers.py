"""Reading an uploaded file into a header and numbered rows.

CSV arrives in whatever encoding the sender's spreadsheet wrote: UTF-8 (with or without the BOM
Excel adds), GBK/GB18030 (Chinese Excel's "CSV"), or UTF-16 (Excel's "Unicode text", tab
separated). Excel in continental Europe separates with semicolons. Blank lines are skipped, and
every row keeps the number a spreadsheet user sees, the header being row 1. XLSX cells become the
text a user would have typed; JSON batches from the API become rows the same way.
"""

import codecs
import contextlib
import csv
import datetime as dt
import io
import json
import re
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from creditdesk.imports.readers import ImportLimitExceeded, Table, decode, read_table, utf8_failure

SHEET = ("external_id,name,local_name,country\n"
         "ERP-1,Ningbo Port Logistics,宁波港物流有限公司,中国\n"
         "ERP-2,Acme GmbH,,DE\n")
SHEET_ROWS = [
    (2, ["ERP-1", "Ningbo Port Logistics", "宁波港物流有限公司", "中国"]),
    (3, ["ERP-2", "Acme GmbH", "", "DE"]),
]
SHEET_HEADERS = ["external_id", "name", "local_name", "country"]


def refusal(file_name: str, content: bytes, encoding: str = "auto") -> list[str]:
    with pytest.raises(ValidationError) as caught:
        read_table(file_name, content, encoding)
    return caught.value.messages


def xlsx(*rows: list[object]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- encodings, detected ----------------------------------------------------------------------------


def test_utf8_is_read_as_utf8():
    assert read_table("customers.csv", SHEET.encode("utf-8")) == Table(SHEET_HEADERS, SHEET_ROWS, "utf-8")


def test_utf8_with_bom_loses_the_bom_from_the_first_header():
    table = read_table("customers.csv", codecs.BOM_UTF8 + SHEET.encode("utf-8"))
    assert table == Table(SHEET_HEADERS, SHEET_ROWS, "utf-8")
    assert table.headers[0] == "external_id"


def test_gbk_as_chinese_excel_writes_it_is_read_as_gb18030():
    assert read_table("客户.csv", SHEET.encode("gbk")) == Table(SHEET_HEADERS, SHEET_ROWS, "gb18030")


def test_gb18030_beyond_gbk_is_read():
    text = "name,local_name\nYue Co,粤语𠀀有限公司\n"  # 𠀀 (U+20000) exists in GB18030, not in GBK
    table = read_table("x.csv", text.encode("gb18030"))
    assert table == Table(["name", "local_name"], [(2, ["Yue Co", "粤语𠀀有限公司"])], "gb18030")


def test_utf16_with_bom_is_read_as_utf16():
    assert read_table("customers.csv", SHEET.encode("utf-16")) == Table(SHEET_HEADERS, SHEET_ROWS, "utf-16")


def test_utf16_big_endian_with_bom_is_read():
    content = codecs.BOM_UTF16_BE + SHEET.encode("utf-16-be")
    assert read_table("customers.csv", content) == Table(SHEET_HEADERS, SHEET_ROWS, "utf-16")


def test_excel_unicode_text_utf16_tab_separated_txt_is_read():
    content = SHEET.replace(",", "\t").replace("\n", "\r\n").encode("utf-16")
    assert read_table("customers.txt", content) == Table(SHEET_HEADERS, SHEET_ROWS, "utf-16")


def test_bytes_neither_utf8_nor_gb18030_ask_for_an_explicit_encoding():
    assert refusal("x.csv", b"name\n\x80\n") == [
        "Line 2 is not UTF-8, and the file does not read as Chinese text in GB18030 either.",
        "Cannot tell the file's encoding; choose it explicitly."]


def test_utf8_with_one_corrupt_byte_is_refused_not_read_as_gb18030():
    """One byte of 某 overwritten with "A": as GB18030 the local name read 涓婃捣鍭愭煇娴嬭瘯鏈夐檺鍏…"""
    good = SHEET + "ERP-3,Shanghai Test Co.,上海某某测试有限公司,中国\n"
    content = bytearray(good.replace("宁波港物流有限公司", "宁波港务有限公司").encode())
    content[content.index("某".encode()) + 1] = ord("A")
    assert bytes(content).decode("gb18030").splitlines()[3].startswith("ERP-3,Shanghai Test Co.,涓婃捣鍭愭")
    assert refusal("customers.csv", bytes(content)) == [
        "Line 4 is not UTF-8, and the file does not read as Chinese text in GB18030 either.",
        "Cannot tell the file's encoding; choose it explicitly."]


def test_utf16_without_a_byte_order_mark_is_refused_not_read_as_gb18030():
    little_endian = SHEET.encode("utf-16-le")
    assert little_endian.decode("gb18030").startswith("e\x00x\x00t\x00")  # how it was read before
    for content in (little_endian, SHEET.encode("utf-16-be")):
        assert refusal("customers.csv", content)[0] == (
            "Line 1 is not UTF-8, and the file does not read as Chinese text in GB18030 either.")


def test_utf8_with_a_nul_byte_is_not_text():
    assert refusal("customers.csv", b"name,country\nAcme,DE\nBeta\x00,CN\n")[0] == (
        "Line 3 is not UTF-8, and the file does not read as Chinese text in GB18030 either.")


@pytest.mark.parametrize(("content", "message"), [
    (codecs.BOM_UTF8 + b"name\nAcme\n\xff\n", "Line 3 is not valid utf-8."),
    (codecs.BOM_UTF16_LE + "name\r\nAcme\r\n".encode("utf-16-le") + b"\x00\xd8", "Line 3 is not valid utf-16."),
    (codecs.BOM_UTF16_BE + "name\nA".encode("utf-16-be") + b"\x00", "Line 2 is not valid utf-16."),
])
def test_a_byte_order_mark_decides_and_a_file_that_breaks_it_is_refused_naming_the_line(content, message):
    assert refusal("customers.csv", content) == [message]


@pytest.mark.parametrize("text", [
    "name,local_name\nTraditional Co,臺灣積體電路製造股份有限公司\n",  # traditional hanzi: few are in GB2312
    "name,note\nAcme,\x01\x02\n".replace("Acme", "宁波港"),  # control characters are not text
])
def test_gb18030_that_does_not_read_as_simplified_chinese_text_is_refused(text):
    content = text.encode("gb18030")
    assert refusal("x.csv", content)[1] == "Cannot tell the file's encoding; choose it explicitly."
    assert read_table("x.csv", content, "gb18030").encoding == "gb18030"  # chosen explicitly, it is read


# --- encodings, chosen ------------------------------------------------------------------------------


@pytest.mark.parametrize(("choice", "encode"), [
    ("utf-8", lambda text: text.encode("utf-8")),
    ("utf-8", lambda text: codecs.BOM_UTF8 + text.encode("utf-8")),
    ("gbk", lambda text: text.encode("gbk")),
    ("gb18030", lambda text: text.encode("gb18030")),
    ("utf-16", lambda text: text.encode("utf-16")),
])
def test_an_explicit_encoding_is_used_and_recorded(choice, encode):
    assert read_table("customers.csv", encode(SHEET), choice) == Table(SHEET_HEADERS, SHEET_ROWS, choice)


def test_wrong_explicit_encoding_says_which_and_where():
    content = SHEET.encode("gbk")
    first_bad = content.index("宁".encode("gbk"))
    assert refusal("customers.csv", content, "utf-8") == [f"The file is not valid utf-8 (byte {first_bad})."]


def test_utf8_file_declared_utf16_is_refused():
    assert refusal("customers.csv", b"name\nABC\n", "utf-16") == ["The file is not valid utf-16 (byte 8)."]


def test_unknown_encoding_name_is_refused():
    assert refusal("customers.csv", b"name\nA\n", "latin-1") == ["Unknown encoding “latin-1”."]


# --- delimiters, blank lines and row numbers ----------------------------------------------------------


def test_semicolons_as_continental_excel_writes_them():
    content = b"external_id;name;country\nERP-1;Ningbo Port Co., Ltd.;CN\nERP-2;Acme GmbH;DE\n"
    assert read_table("x.csv", content).rows == [(2, ["ERP-1", "Ningbo Port Co., Ltd.", "CN"]),
                                                 (3, ["ERP-2", "Acme GmbH", "DE"])]


def test_tabs():
    table = read_table("x.tsv", b"external_id\tname\nERP-1\tAcme, Inc.\n")
    assert table.headers == ["external_id", "name"]
    assert table.rows == [(2, ["ERP-1", "Acme, Inc."])]


def test_quoted_cells_keep_their_commas_and_quotes():
    content = b'name,address\n"Acme, Inc.","1 Main St, ""Suite"" 4"\n'
    assert read_table("x.csv", content).rows == [(2, ["Acme, Inc.", '1 Main St, "Suite" 4'])]


@pytest.mark.parametrize(("text", "row"), [
    ("name,note\nAcme,'x'\n", ["Acme", "'x'"]),
    ('name,size\n"12"" pipe",x\n', ['12" pipe', "x"]),
    ('name,note\n"""",\n', ['"', ""]),
    ('name,address\nAcme; Ltd,"Room 1; Building ""A"""\n', ["Acme; Ltd", 'Room 1; Building "A"']),
    ('name;address\n"Acme, Inc.";"Room 1, ""A"""\n', ["Acme, Inc.", 'Room 1, "A"']),
    ("name\tnote\nAcme, Inc.\ta;b\n", ["Acme, Inc.", "a;b"]),
])
def test_quotes_and_other_separators_inside_cells_are_kept(text, row):
    """The header decides the separator; cells are quoted the way every spreadsheet quotes them."""
    assert read_table("x.csv", text.encode()).rows == [(2, row)]


def test_a_single_column_file_is_read():
    assert read_table("x.csv", b"external_id\nERP-1\nERP-2\n").rows == [(2, ["ERP-1"]), (3, ["ERP-2"])]


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers():
    content = b"external_id,name\r\nERP-1,A\r\n\r\n,\r\n  ,  \r\nERP-2,B\r\n\r\n"
    table = read_table("x.csv", content)
    assert table.headers == ["external_id", "name"]
    assert table.rows == [(2, ["ERP-1", "A"]), (6, ["ERP-2", "B"])]


def test_blank_lines_above_the_header_count_too():
    assert read_table("x.csv", b"\n\nexternal_id\nERP-1\n").rows == [(4, ["ERP-1"])]


def test_a_cell_spanning_lines_is_one_row():
    content = b'name,address\nA,"line 1\nline 2"\nB,x\n'
    assert read_table("x.csv", content).rows == [(2, ["A", "line 1\nline 2"]), (3, ["B", "x"])]


def test_cells_and_headers_are_trimmed():
    assert read_table("x.csv", b" name , country \n  Acme  , DE\n") == Table(["name", "country"],
                                                                           [(2, ["Acme", "DE"])], "utf-8")


def test_short_rows_stay_short():
    assert read_table("x.csv", b"a,b,c\n1\n").rows == [(2, ["1"])]


# --- XLSX -------------------------------------------------------------------------------------------


def test_xlsx_cells_become_the_text_a_user_typed():
    content = xlsx(
        ["external_id", "founded_on", "payment_terms_days", "rate", "registered", "name", "note"],
        ["ERP-1", dt.date(2001, 5, 17), 60.0, 7.1234, dt.datetime(2026, 11, 27, 9, 30), "宁波港", None],
        [None, None, None, None, None, None, None],
        ["ERP-2", dt.datetime(1999, 12, 31), 45, 0.5, None, "Acme", "x"],
    )
    table = read_table("customers.XLSX", content)
    assert table == Table(
        ["external_id", "founded_on", "payment_terms_days", "rate", "registered", "name", "note"],
        [(2, ["ERP-1", "2001-05-17", "60", "7.1234", "2026-11-27T09:30:00", "宁波港", ""]),
         (4, ["ERP-2", "1999-12-31", "45", "0.5", "", "Acme", "x"])],
        "xlsx",
    )


def test_xlsx_reads_the_first_sheet_only():
    workbook = Workbook()
    workbook.active.append(["name"])
    workbook.active.append(["first"])
    workbook.create_sheet("other").append(["other"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_table("x.xlsx", buffer.getvalue()).rows == [(2, ["first"])]


def test_a_broken_xlsx_is_refused():
    assert refusal("x.xlsx", b"PK\x03\x04 not really a zip") == ["The file is not a readable XLSX workbook."]


def test_an_empty_xlsx_is_empty():
    assert refusal("x.xlsx", xlsx()) == ["The file is empty."]


# --- JSON batches -------------------------------------------------------------------------------------


def test_json_batch_keys_become_columns_in_order_of_first_use():
    items = [{"external_id": "B-1", "name": "Batch Co", "payment_terms_days": 45},
             {"external_id": "B-2", "country": "中国", "name": None, "active": True, "terms": 60.0}]
    table = read_table("batch.json", json.dumps(items, ensure_ascii=False).encode())
    assert table == Table(
        ["external_id", "name", "payment_terms_days", "country", "active", "terms"],
        [(1, ["B-1", "Batch Co", "45", "", "", ""]), (2, ["B-2", "", "", "中国", "True", "60"])],
        "utf-8",
    )


def test_json_that_is_not_a_list_of_objects_is_refused():
    assert refusal("batch.json", b'{"external_id": "B-1"}') == ["A batch is a list of objects."]
    assert refusal("batch.json", b'[{"a": 1}, 2]') == ["A batch is a list of objects."]


def test_broken_json_is_refused():
    assert refusal("batch.json", b"[{") == ["The batch is not valid JSON."]


def test_an_empty_json_batch_is_empty():
    assert refusal("batch.json", b"[]") == ["The file is empty."]


# --- empty and unsupported files ------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", codecs.BOM_UTF8, b"\n\n", b",,\n , \n", "\n".encode("utf-16")])
def test_an_empty_csv_is_refused(content):
    assert refusal("x.csv", content) == ["The file is empty."]


@pytest.mark.parametrize("file_name", ["customers.xls", "customers.pdf", "customers", "customers.csv.zip"])
def test_other_extensions_are_refused(file_name):
    assert refusal(file_name, b"name\nA\n") == ["Only CSV and XLSX files can be imported."]


# --- round trip ---------------------------------------------------------------------------------------

# Printable text: letters (Latin and CJK), digits, punctuation (quotes, commas, semicolons, Chinese
# punctuation), symbols and inner spaces; cells are trimmed on reading, so generated cells carry no
# outer whitespace.
PRINTABLE = st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\ufeff")
CHINESE = st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), st.sampled_from("，；：“”（）、。"))
CELL = st.text(st.one_of(PRINTABLE, CHINESE), max_size=12).map(str.strip)
TITLE = st.text(st.one_of(PRINTABLE, CHINESE).filter(lambda c: c not in ',;"'), min_size=1,
                max_size=12).map(str.strip).filter(bool)


@st.composite
def tables(draw):
    """A spreadsheet as users make them: a header of column titles, then rows as wide as the header.

    Titles are names, not data: they hold no separators or quotes, which is what lets a reader tell a
    semicolon file from a comma file whatever the cells below say. Cells may hold anything printable.
    """
    width = draw(st.integers(min_value=1, max_value=5))
    headers = draw(st.lists(TITLE, min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(CELL, min_size=width, max_size=width).filter(any), max_size=6))
    return [headers, *rows]


def csv_bytes(records: list[list[str]], encoding: str, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(records)
    return buffer.getvalue().encode(encoding)


def as_read(records: list[list[str]]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    return records[0], list(enumerate(records[1:], start=2))


ROUND_TRIP = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@ROUND_TRIP
@given(records=tables(), delimiter=st.sampled_from([",", ";", "\t"]))
def test_any_table_written_as_utf8_csv_reads_back_identical(records, delimiter):
    if len(records[0]) == 1:
        delimiter = ","  # one column has no separator to recognise: a comma inside it is taken as one
    table = read_table("round-trip.csv", csv_bytes(records, "utf-8", delimiter))
    assert (table.headers, table.rows) == as_read(records)


@ROUND_TRIP
@given(records=tables())
def test_any_table_written_as_gb18030_csv_reads_back_identical(records):
    table = read_table("round-trip.csv", csv_bytes(records, "gb18030"), "gb18030")
    assert (table.headers, table.rows) == as_read(records)


# --- encodings, any bytes and any text --------------------------------------------------------------------------

ENCODED = settings(max_examples=400, deadline=None)
# text as a file holds it: any character but NUL and lone surrogates, not starting with U+FEFF (a BOM, when encoded)
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1).filter(
    lambda text: not text.startswith("\ufeff"))
GB2312_HANZI = [bytes([lead, trail]).decode("gb2312") for lead in range(0xB0, 0xF8) for trail in range(0xA1, 0xFF)
                if (lead, trail) < (0xD7, 0xFA) or lead > 0xD7]
# Chinese text as Chinese Excel writes it: hanzi of GB2312, Chinese punctuation, ASCII, tabs and line breaks
CHINESE_TEXT = st.text(st.one_of(st.sampled_from(GB2312_HANZI), st.sampled_from("，。、；：？！“”‘’（）《》【】—…·"),
                                 st.characters(min_codepoint=0x20, max_codepoint=0x7E), st.sampled_from("\t\r\n")),
                       min_size=1)
BYTE_ORDER_MARKS = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE]


def encoded_again(text: str, used: str, original: bytes) -> bytes:
    """The text written back in the encoding it was read in, with the byte order mark it came with."""
    if used == "utf-16":
        big_endian = original.startswith(codecs.BOM_UTF16_BE)
        return (codecs.BOM_UTF16_BE + text.encode("utf-16-be") if big_endian
                else codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    mark = codecs.BOM_UTF8 if used == "utf-8" and original.startswith(codecs.BOM_UTF8) else b""
    return mark + text.encode(used)


@ENCODED
@given(mark=st.sampled_from(BYTE_ORDER_MARKS), tail=st.binary(max_size=200))
def test_any_bytes_are_refused_or_read_as_text_that_gives_the_same_bytes_back(mark, tail):
    content = mark + tail
    try:
        text, used = decode(content)
    except ValidationError:
        return
    assert encoded_again(text, used, content) == content


@ENCODED
@given(mark=st.sampled_from(BYTE_ORDER_MARKS), tail=st.binary(max_size=200))
def test_any_bytes_as_a_csv_file_are_read_or_refused_never_a_server_error(mark, tail):
    with contextlib.suppress(ValidationError):
        read_table("x.csv", mark + tail)


@ENCODED
@given(text=ANY_TEXT, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_any_text_in_utf8_with_or_without_bom_or_utf16_with_bom_is_recognised(text, encoding):
    content = text.encode(encoding)  # Python's utf-16 writes the byte order mark of the machine
    assert decode(content) == (text, encoding.removesuffix("-sig"))


@ENCODED
@given(text=ANY_TEXT)
def test_any_text_in_big_endian_utf16_with_bom_is_recognised(text):
    assert decode(codecs.BOM_UTF16_BE + text.encode("utf-16-be")) == (text, "utf-16")


@ENCODED
@given(text=CHINESE_TEXT)
def test_chinese_text_in_gb18030_is_recognised_unless_its_bytes_are_also_utf8(text):
    content = text.encode("gb18030")
    assume(utf8_failure(content) is not None)  # "一一" is D2 BB D2 BB: valid UTF-8 too, and UTF-8 wins
    assert decode(content) == (text, "gb18030")


# --- limits ---------------------------------------------------------------------------------------------------


def limit_refusal(file_name: str, content: bytes) -> tuple[int, list[str]]:
    with pytest.raises(ImportLimitExceeded) as caught:
        read_table(file_name, content)
    return caught.value.status, caught.value.messages


def test_a_csv_of_as_many_rows_as_the_limit_is_read_and_one_more_is_refused(settings):
    settings.CREDITDESK_IMPORT_MAX_ROWS = 3
    three = b"name\nA\n\n\nB\nC\n"  # blank lines are not rows

    assert [number for number, _cells in read_table("x.csv", three).rows] == [2, 5, 6]
    assert limit_refusal("x.csv", three + b"D\n") == (
        422, ["The file has more than 3 rows, the most an import may have."])


def xlsx_of_rows(count: int) -> bytes:
    """A workbook whose one sheet repeats a one-cell row: three million of them pack into a few hundred KB."""
    template = zipfile.ZipFile(io.BytesIO(xlsx(["name"])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for part in template.infolist():
            if part.filename != "xl/worksheets/sheet1.xml":
                out.writestr(part, template.read(part))
                continue
            with out.open(part.filename, "w") as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                            b'<sheetData><row><c t="inlineStr"><is><t>name</t></is></c></row>')
                for _start in range(0, count, 100_000):
                    sheet.write(b'<row><c><v>1</v></c></row>' * 100_000)
                sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def test_an_xlsx_of_three_million_rows_stops_at_the_row_limit_without_holding_them(settings):
    settings.CREDITDESK_IMPORT_MAX_ROWS = 10_000
    content = xlsx_of_rows(3_000_000)
    assert len(content) < 1_000_000

    tracemalloc.start()
    try:
        assert limit_refusal("rows.xlsx", content) == (
            422, ["The file has more than 10,000 rows, the most an import may have."])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000


def test_an_xlsx_claiming_the_whole_sheet_as_its_size_is_read_by_its_rows():
    content = xlsx(["name", "country"], ["Acme", "DE"])
    with zipfile.ZipFile(io.BytesIO(content)) as original:
        parts = {part.filename: original.read(part) for part in original.infolist()}
    sheet, claimed = re.subn(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>',
                             parts["xl/worksheets/sheet1.xml"].decode())
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    assert claimed == 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for name, data in parts.items():
            rewritten.writestr(name, data)

    assert read_table("x.xlsx", buffer.getvalue()) == Table(["name", "country"], [(2, ["Acme", "DE"])], "xlsx")


def test_a_cell_of_five_megabytes_is_refused_and_the_csv_field_limit_stays_as_it_was():
    before = csv.field_size_limit()

    assert limit_refusal("x.csv", b"name,note\nAcme," + b"x" * 5_000_000 + b"\n") == (
        422, ["Row 2 has a cell longer than 32,767 characters, the most a cell may hold."])
    assert csv.field_size_limit() == before


@pytest.mark.parametrize(("file_name", "content"), [
    ("x.csv", b"name,note\nAcme,0123456789\nBeta,0123456789A\n"),
    ("x.xlsx", xlsx(["name", "note"], ["Acme", "0123456789"], ["Beta", "0123456789A"])),
    ("x.json", b'[{"name": "Acme", "note": "0123456789"}, {"name": "Beta", "note": "0123456789A"}]'),
])
def test_a_cell_longer_than_the_limit_is_refused_naming_its_row(settings, file_name, content):
    settings.CREDITDESK_IMPORT_MAX_CELL_CHARS = 10
    row = 2 if file_name == "x.json" else 3  # JSON items count from 1, spreadsheet rows after the header

    assert limit_refusal(file_name, content) == (
        422, [f"Row {row} has a cell longer than 10 characters, the most a cell may hold."])


def test_a_json_file_of_more_than_ten_thousand_items_is_refused():
    items = json.dumps([{"external_id": f"E-{n}", "name": "X"} for n in range(10_001)]).encode()

    assert limit_refusal("batch.json", items) == (422, ["A batch holds at most 10,000 items; this one holds 10,001."])


# --- cells a row cannot hold ------------------------------------------------------------------------------------


def test_json_lists_and_objects_are_problems_of_their_cells_not_text():
    items = [{"number": ["x"], "customer": "ACME", "note": {"a": 1}}, {"number": "F-2", "customer": "ACME"}]

    table = read_table("batch.json", json.dumps(items).encode())

    assert table.rows == [(1, ["", "ACME", ""]), (2, ["F-2", "ACME", ""])]
    problem = "A cell holds text, a number, true, false or null, not a list or an object."
    assert table.problems == {(1, 0): problem, (1, 2): problem}


@pytest.mark.parametrize("file_name", ["x.csv", "x.json"])
def test_control_characters_are_problems_of_their_cells(file_name):
    content = (b'[{"name": "Ac\\u0000me", "note": "tab\\there"}, {"name": "B\\u001bta", "note": "x"}]'
               if file_name == "x.json" else b"name,note\nAc\x00me,tab\there\nB\x1bta,x\n")
    first = 1 if file_name == "x.json" else 2

    table = read_table(file_name, content, "utf-8")  # detected, a NUL makes a CSV file not text at all

    assert table.problems == {(first, 0): "The cell holds the control character U+0000.",
                              (first + 1, 0): "The cell holds the control character U+001B."}


@settings(max_examples=150, deadline=None)
@given(position=st.integers(min_value=0), value=st.integers(min_value=0, max_value=255))
def test_a_workbook_with_any_byte_changed_is_read_or_refused_never_a_server_error(position, value):
    content = bytearray(xlsx(["name", "country"], ["Acme", "DE"], ["宁波港", "CN"]))
    content[position % len(content)] = value
    with contextlib.suppress(ValidationError):
        read_table("x.xlsx", bytes(content))
