"""Turning an uploaded file into rows: CSV in UTF-8, UTF-8 with BOM, GBK/GB18030 or UTF-16, XLSX and JSON batches.

Every reader stops at the first limit a file passes (the settings CREDITDESK_IMPORT_MAX_ROWS and
CREDITDESK_IMPORT_MAX_CELL_CHARS), and an XLSX streams row by row, so no file is ever held whole as rows
beyond the limit. A cell a row cannot hold (a control character, a JSON list or object) is kept as a
problem of that row and column, reported once the columns are mapped.
"""

import codecs
import csv
import datetime as dt
import io
import json
import re
import shutil
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from creditdesk.core.bounds import CONTROL_CHARACTERS

DELIMITERS = ",;\t"
ENCODINGS = {"auto": "", "utf-8": "utf-8-sig", "gb18030": "gb18030", "gbk": "gb18030", "utf-16": "utf-16"}
MAX_BATCH_ITEMS = 10_000
XLSX_MAX_ROW = 1_048_576  # the last row of a spreadsheet; a workbook claiming more is broken or hostile
# what Chinese text never holds: controls (tab and line breaks aside), private-use code points (where GB18030
# puts its user-defined areas, and where misread UTF-8 lands) and the replacement character
NOT_CHINESE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\U000f0000-\U0010ffff\ufffd]")
# Python's gb2312 codec reads A1A4 and A1AA as ・ and ―, where GBK and GB18030 read · and —
GB2312_AS_GBK_READS_IT = str.maketrans("\u00b7\u2014", "\u30fb\u2015")
SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
SIZE_OR_DATA = re.compile(rb"<(\w+:)?(dimension|sheetData)\b")
SHEET_HEAD = 1024 * 1024  # a sheet's size is declared before its rows, near the start

CellProblems = dict[tuple[int, int], str]  # (row number, column index) → what is wrong with that cell


@dataclass(frozen=True)
class Table:
    """A file's header row and its data rows, each numbered as a spreadsheet user counts them."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    encoding: str
    problems: CellProblems = field(default_factory=dict)


class ImportLimitExceeded(ValidationError):
    """A file past one of the import limits: too large to take (HTTP 413), or too many rows or too long a cell (422)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message, code="limit")
        self.status = status


def refuse_too_large(size: int, *, unpacked: bool = False) -> None:
    """Refuse, before reading it, a file larger than an import may be."""
    limit = settings.CREDITDESK_IMPORT_MAX_BYTES
    if size <= limit:
        return
    names = {"size": filesizeformat(size), "limit": filesizeformat(limit)}
    message = (_("The workbook unpacks to %(size)s, more than %(limit)s, the most an import may be.") if unpacked
               else _("The file is %(size)s, more than %(limit)s, the most an import may be.")) % names
    raise ImportLimitExceeded(message, 413)


def read_size(file_name: str, content: bytes) -> int:
    """What reading the file takes: its bytes, or an XLSX's parts unpacked (zipfile holds each part to its size)."""
    if PurePath(file_name).suffix.lower() != ".xlsx":
        return len(content)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return max(len(content), sum(part.file_size for part in archive.infolist()))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return len(content)  # not a workbook: the reader says so


def admit(file_name: str, content: bytes) -> int:
    """The file's size as read, once it is within the byte limit packed and unpacked."""
    refuse_too_large(len(content))
    size = read_size(file_name, content)
    refuse_too_large(size, unpacked=True)
    return size


def too_many_rows(limit: int) -> ImportLimitExceeded:
    return ImportLimitExceeded(_("The file has more than %(limit)s rows, the most an import may have.")
                               % {"limit": number_format(limit, force_grouping=True)}, 422)


def too_long_cell(row: int) -> ImportLimitExceeded:
    limit = settings.CREDITDESK_IMPORT_MAX_CELL_CHARS
    return ImportLimitExceeded(_("Row %(row)d has a cell longer than %(limit)s characters, the most a cell may hold.")
                               % {"row": row, "limit": number_format(limit, force_grouping=True)}, 422)


def line_at(text_before: str) -> int:
    """The line a position falls on, counting line breaks as csv reads them (LF, CR LF or a lone CR)."""
    return text_before.count("\n") + text_before.count("\r") - text_before.count("\r\n") + 1


def utf8_failure(content: bytes) -> int | None:
    """Where the bytes stop being UTF-8 text (an invalid byte or a NUL, which text never holds), or None."""
    nul = content.find(b"\x00")
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start if nul < 0 else min(nul, error.start)
    return None if nul < 0 else nul


def reads_as_chinese(text: str) -> bool:
    """Plausible Chinese text: nothing text never holds, and three in four non-ASCII characters from GB2312.

    Precisely: no NUL or other control character but tab, LF and CR (DEL and the C1 controls included), no
    private-use code point and no U+FFFD; and of the characters beyond ASCII, at least three in four are in
    GB2312, the national set of simplified Chinese (6,763 hanzi with Chinese punctuation, full-width forms
    and the symbols Chinese text uses). GBK and GB18030 add rare hanzi and everything else: misread UTF-8,
    UTF-16 and random bytes decode as GB18030 mostly into those, private-use code points and controls.
    """
    if NOT_CHINESE_TEXT.search(text):
        return False
    ascii_count = len(text.encode("ascii", "ignore"))
    in_gb2312 = text.translate(GB2312_AS_GBK_READS_IT).encode("gb2312", "ignore")
    common = (len(in_gb2312) - ascii_count) // 2  # GB2312 writes each non-ASCII character in two bytes
    return 4 * common >= 3 * (len(text) - ascii_count)


def detect(content: bytes) -> tuple[str, str]:
    """Read the bytes in the one encoding they can be, or refuse naming the line where UTF-8 fails.

    A byte order mark decides: UTF-8, UTF-16 little- or big-endian. Without one, valid UTF-8 without NUL
    is UTF-8; otherwise GB18030 (what Chinese Excel's "CSV" is, GBK being its two-byte part) when the text
    it decodes to reads as Chinese (see `reads_as_chinese`); anything else is refused.
    """
    if content.startswith(codecs.BOM_UTF8):
        return strictly(content.removeprefix(codecs.BOM_UTF8), "utf-8"), "utf-8"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return strictly(content, "utf-16"), "utf-16"
    failure = utf8_failure(content)
    if failure is None:
        return content.decode("utf-8"), "utf-8"
    try:
        text = content.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and reads_as_chinese(text):
        return text, "gb18030"
    raise ValidationError([
        _("Line %(line)d is not UTF-8, and the file does not read as Chinese text in GB18030 either.")
        % {"line": line_at(content[:failure].decode("latin-1"))},
        _("Cannot tell the file's encoding; choose it explicitly."),
    ])


def strictly(content: bytes, codec: str) -> str:
    """The text in the encoding its byte order mark names, or the line where it stops being that encoding."""
    try:
        return content.decode(codec)
    except UnicodeDecodeError as error:
        before = content[:error.start - error.start % 2 if codec == "utf-16" else error.start]
        raise ValidationError(_("Line %(line)d is not valid %(name)s.")
                              % {"line": line_at(before.decode(codec, "replace")), "name": codec}) from None


def decode(content: bytes, encoding: str = "auto") -> tuple[str, str]:
    """Chinese Excel saves CSV as GBK; the bytes decide between UTF-8, UTF-16 and GB18030 unless one is chosen."""
    if encoding not in ENCODINGS:
        raise ValidationError(_("Unknown encoding “%(name)s”.") % {"name": encoding})
    if encoding == "auto":
        return detect(content)
    try:
        return content.decode(ENCODINGS[encoding]), encoding
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The file is not valid %(name)s (byte %(pos)d).") % {"name": encoding, "pos": error.start}
        ) from None


def read_csv(content: bytes, encoding: str) -> Table:
    text, used = decode(content, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=guess_delimiter(text))
    return to_table(csv_records(reader), used)


def csv_records(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    """Records as csv reads them; csv's own field limit (process-wide, never below ours) can only mean a long cell."""
    read = 0
    try:
        for record in reader:
            read += 1
            yield record
    except csv.Error:
        raise too_long_cell(read + 1) from None


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
    """The first sheet, streamed: openpyxl's read-only mode parses one row at a time."""
    try:
        workbook = load_workbook(io.BytesIO(with_declared_sizes(content)), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:  # openpyxl raises many kinds for a broken file
        raise unreadable_workbook() from None
    try:
        sheet.reset_dimensions()  # the size a file claims would pad every row to it; the rows say how wide they are
        return to_table(xlsx_records(sheet.iter_rows(values_only=True)), "xlsx", pad=True)
    finally:
        workbook.close()


def with_declared_sizes(content: bytes) -> bytes:
    """The workbook with a size on every sheet: opening one without, openpyxl would parse it whole to look for it."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        undeclared = {part.filename for part in archive.infolist()
                      if SHEET_PART.fullmatch(part.filename) and rows_undeclared(archive, part.filename)}
        if not undeclared:
            return content
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as rewritten:
            for part in archive.infolist():
                with archive.open(part) as source, rewritten.open(part.filename, "w") as target:
                    if part.filename in undeclared:
                        declare_size(source, target)
                    shutil.copyfileobj(source, target)
    return buffer.getvalue()


def sheet_head(source: IO[bytes]) -> tuple[bytes, re.Match[bytes] | None]:
    """The start of a sheet, up to the first size declaration or rows it holds."""
    head = b""
    while len(head) < SHEET_HEAD and (chunk := source.read(64 * 1024)):
        head += chunk
        if found := SIZE_OR_DATA.search(head):
            return head, found
    return head, None


def rows_undeclared(archive: zipfile.ZipFile, name: str) -> bool:
    with archive.open(name) as source:
        found = sheet_head(source)[1]
    return found is not None and found.group(2) == b"sheetData"


def declare_size(source: IO[bytes], target: IO[bytes]) -> None:
    """Copy the sheet's start with a size (one cell; the readers go by the rows) declared before its rows."""
    head, found = sheet_head(source)
    if found is not None:
        declared = b"<" + (found.group(1) or b"") + b'dimension ref="A1"/>'
        head = head[:found.start()] + declared + head[found.start():]
    target.write(head)


def unreadable_workbook() -> ValidationError:
    return ValidationError(_("The file is not a readable XLSX workbook."))


def xlsx_records(rows: Iterator[tuple[object, ...]]) -> Iterator[list[str]]:
    """Each row's cell texts, as wide as the header once there is one: cells beyond it are not read."""
    width: int | None = None
    for number in range(1, XLSX_MAX_ROW + 2):
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception:  # a part of the workbook that cannot be parsed
            raise unreadable_workbook() from None
        if number > XLSX_MAX_ROW:
            raise unreadable_workbook()
        cells = [] if values.count(None) == len(values) else [cell_text(v) for v in values[:width]]
        if width is None and any(c.strip() for c in cells):
            width = len(cells)
        yield cells


def to_table(records: Iterable[list[str]], encoding: str, pad: bool = False) -> Table:
    """Drop blank lines; row numbers count the header as row 1, like the spreadsheet does; stop at the limits."""
    max_rows = settings.CREDITDESK_IMPORT_MAX_ROWS
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    problems: CellProblems = {}
    for number, record in enumerate(records, start=1):
        cells = [c.strip() for c in record]
        if not any(cells):
            continue
        check_cells(number, cells, problems)
        if headers is None:
            headers = [h.lstrip("\ufeff") for h in cells]
            continue
        if len(rows) == max_rows:
            raise too_many_rows(max_rows)
        rows.append((number, cells + [""] * (len(headers) - len(cells)) if pad else cells))
    if headers is None:
        raise ValidationError(_("The file is empty."))
    return Table(headers, rows, encoding, problems)


def check_cells(number: int, cells: list[str], problems: CellProblems) -> None:
    """A cell too long stops the file; a control character is a problem of its row and column."""
    joined = "".join(cells)  # one look at the whole row, the cells only when it finds something
    limit = settings.CREDITDESK_IMPORT_MAX_CELL_CHARS
    if len(joined) > limit and max(map(len, cells)) > limit:
        raise too_long_cell(number)
    if not CONTROL_CHARACTERS.search(joined):
        return
    for index, cell in enumerate(cells):
        if found := CONTROL_CHARACTERS.search(cell):
            problems[(number, index)] = (_("The cell holds the control character U+%(code)04X.")
                                         % {"code": ord(found.group())})


def read_json(content: bytes) -> Table:
    """API batches arrive as a JSON list of objects; keys play the part of column titles, items count from 1."""
    try:
        items = json.loads(content.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8, not JSON, nested too deep, a number too long
        raise ValidationError(_("The batch is not valid JSON.")) from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValidationError(_("A batch is a list of objects."))
    if not items:
        raise ValidationError(_("The file is empty."))
    if len(items) > settings.CREDITDESK_IMPORT_MAX_ROWS:
        raise too_many_rows(settings.CREDITDESK_IMPORT_MAX_ROWS)
    if len(items) > MAX_BATCH_ITEMS:
        raise ImportLimitExceeded(_("A batch holds at most %(limit)s items; this one holds %(count)s.") % {
            "limit": number_format(MAX_BATCH_ITEMS, force_grouping=True),
            "count": number_format(len(items), force_grouping=True)}, 422)
    headers = list(dict.fromkeys(key for item in items for key in item))
    problems: CellProblems = {}
    rows = [(number, json_cells(number, item, headers, problems)) for number, item in enumerate(items, start=1)]
    return Table(headers, rows, "utf-8", problems)


def json_cells(number: int, item: dict[str, object], headers: list[str], problems: CellProblems) -> list[str]:
    """An item's values as cells: text, numbers, true/false and null; a list or an object is the cell's problem."""
    cells = []
    for index, header in enumerate(headers):
        value = item.get(header)
        if isinstance(value, list | dict):
            problems[(number, index)] = _("A cell holds text, a number, true, false or null, not a list or an object.")
            value = None
        cells.append(cell_text(value).strip())
    check_cells(number, cells, problems)
    return cells


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
