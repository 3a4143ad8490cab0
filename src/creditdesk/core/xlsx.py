"""Any table as an Excel download: amounts stay numbers and dates stay dates, so finance can sum and filter them.

The workbook is write-only (rows stream to the file, not kept in memory as cells); column widths are worked
out from the header and the first rows only, because a write-only sheet needs them before the first row.
"""

import datetime as dt
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 8, 60
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)


def display_width(text: str) -> int:
    """Characters Excel shows, Chinese ones counting double: they are twice as wide as Latin ones."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def shown_as(value: object) -> str:
    """Roughly what the cell shows once formatted, to size its column."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, dt.datetime):
        return "0000-00-00 00:00:00"
    if isinstance(value, dt.date):
        return "0000-00-00"
    return str(value)


def column_widths(headers: Sequence[str], sample: Sequence[Sequence[object]]) -> list[int]:
    widths = [display_width(header) for header in headers]
    for row in sample:
        for index, value in enumerate(row[:len(widths)]):
            widths[index] = max(widths[index], display_width(shown_as(value)))
    return [min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for width in widths]


def cell(sheet: WriteOnlyWorksheet, value: object) -> Cell:
    """One value as Excel should hold it; text is never read as a formula, so exported data cannot run."""
    written = WriteOnlyCell(sheet)
    if isinstance(value, dt.datetime):
        # Excel has no time zones: an aware time is written as the wall-clock time of the site's zone
        written.value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        written.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        written.value = value
        written.number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        written.value = value
        written.number_format = MONEY_FORMAT
    elif value is None or isinstance(value, bool | int | float):
        written.value = value
    else:
        written.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        written.data_type = "s"
    return written


def sheet_name(title: str) -> str:
    """Excel refuses sheet names over 31 characters or with []:*?/\\ in them."""
    return SHEET_TITLE_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet1"


def xlsx_bytes(sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """One sheet: a bold, frozen header row, then the rows; Decimals as money, dates as dates."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name(sheet_title))
    headers = [str(header) for header in headers]
    remaining: Iterator[Sequence[object]] = iter(rows)
    sample = list(itertools.islice(remaining, SAMPLE_ROWS))
    for index, width in enumerate(column_widths(headers, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        header_cell = cell(sheet, header)
        header_cell.font = BOLD
        header_cells.append(header_cell)
    sheet.append(header_cells)
    for row in itertools.chain(sample, remaining):
        sheet.append([cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, sheet_title: str, headers: list[str],
                  rows: Iterable[Sequence[object]]) -> HttpResponse:
    """The table as a download; the file name may be Chinese (sent RFC 6266 encoded)."""
    response = HttpResponse(xlsx_bytes(sheet_title, headers, rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
