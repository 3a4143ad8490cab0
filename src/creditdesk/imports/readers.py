"""Turning an uploaded file into rows: CSV in UTF-8, UTF-8 with BOM, GBK/GB18030 or UTF-16, and XLSX."""

import codecs
import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

DELIMITERS = ",;\t"
ENCODINGS = {"auto": "", "utf-8": "utf-8-sig", "gb18030": "gb18030", "gbk": "gb18030", "utf-16": "utf-16"}


@dataclass(frozen=True)
class Table:
    """A file's header row and its data rows, each numbered as a spreadsheet user counts them."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    encoding: str


def decode(content: bytes, encoding: str = "auto") -> tuple[str, str]:
    """Chinese Excel saves CSV as GBK; try what the bytes say before guessing."""
    if encoding not in ENCODINGS:
        raise ValidationError(_("Unknown encoding “%(name)s”.") % {"name": encoding})
    if encoding != "auto":
        try:
            return content.decode(ENCODINGS[encoding]), encoding
        except UnicodeDecodeError as error:
            raise ValidationError(
                _("The file is not valid %(name)s (byte %(pos)d).") % {"name": encoding, "pos": error.start}
            ) from None
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16"), "utf-16"
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise ValidationError(_("Cannot tell the file's encoding; choose it explicitly.")) from None


def read_csv(content: bytes, encoding: str) -> Table:
    text, used = decode(content, encoding)
    records = list(csv.reader(io.StringIO(text), csv.excel, delimiter=guess_delimiter(text)))
    return to_table(records, used)


def guess_delimiter(text: str) -> str:
    """Comma, semicolon (continental Excel) or tab (Excel's Unicode text): the one that splits the header most.

    Column titles hold no separators, so the header line decides; cells below may hold anything. Only
    the separator is guessed: spreadsheets always quote with " and double quotes inside cells (the
    csv module's sniffer also guessed those, and read cells such as 'x' or " back as other text).
    """
    header = next((line for line in text.splitlines() if line.strip(f' "{DELIMITERS}\r\n\f\v')), "")
    return max(DELIMITERS, key=lambda d: len(next(csv.reader([header], csv.excel, delimiter=d))))


def cell_text(value: object) -> str:
    """Spreadsheet cells become the text a user would have typed."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(content: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise ValidationError(_("The file is not a readable XLSX workbook.")) from None
    sheet = workbook.worksheets[0]
    records = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return to_table(records, "xlsx")


def to_table(records: list[list[str]], encoding: str) -> Table:
    """Drop blank lines; row numbers count the header as row 1, like the spreadsheet does."""
    numbered = [(n, [c.strip() for c in r]) for n, r in enumerate(records, start=1) if any(c.strip() for c in r)]
    if not numbered:
        raise ValidationError(_("The file is empty."))
    (_n, headers), rows = numbered[0], numbered[1:]
    return Table([h.lstrip("\ufeff") for h in headers], rows, encoding)


def read_json(content: bytes) -> Table:
    """API batches arrive as a JSON list of objects; keys play the part of column titles, items count from 1."""
    try:
        items = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationError(_("The batch is not valid JSON.")) from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValidationError(_("A batch is a list of objects."))
    if not items:
        raise ValidationError(_("The file is empty."))
    headers = list(dict.fromkeys(key for item in items for key in item))
    rows = [(number, [cell_text(item.get(h)).strip() for h in headers]) for number, item in enumerate(items, start=1)]
    return Table(headers, rows, "utf-8")


def read_table(file_name: str, content: bytes, encoding: str = "auto") -> Table:
    """Read CSV, XLSX or a JSON batch by the file's extension."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".json":
        return read_json(content)
    if suffix == ".xlsx":
        return read_xlsx(content)
    if suffix in {".csv", ".txt", ".tsv"}:
        return read_csv(content, encoding)
    raise ValidationError(_("Only CSV and XLSX files can be imported."))
