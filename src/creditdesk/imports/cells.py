"""Reading one cell of an imported row: dates, whole numbers, code lists; a bad cell names its column."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

# Slashes with the year last are read month first, as US ERP exports (and IBM's sample) write them.
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%d.%m.%Y", "%Y%m%d", "%Y年%m月%d日", "%m/%d/%Y")
MONEY_TEXT = re.compile(r"^-?\d{1,16}(\.\d{1,2})?$")
YES = {"1", "true", "yes", "y", "是", "x"}
NO = {"", "0", "false", "no", "n", "否"}


class RowProblem(Exception):
    """A cell that cannot be read; becomes a row error naming the column."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def parse_date(column: str, text: str) -> dt.date | None:
    if not text:
        return None
    if len(text) == 10 and text[4] == "-":  # ISO dates, most feeds' format, without strptime's cost
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text[:19].split("T")[0], pattern).date()
        except ValueError:
            continue
    raise RowProblem(column, _("“%(value)s” is not a date (use YYYY-MM-DD).") % {"value": text})


def parse_choice(column: str, text: str, choices: Any) -> str:
    """A code list accepts its code or its label in either language."""
    if not text:
        return ""
    wanted = text.casefold()
    for value, label in choices.choices:
        if wanted == str(value).casefold():
            return str(value)
        for language in ("en", "zh-hans"):
            with translation.override(language):
                if wanted == str(label).casefold():
                    return str(value)
    allowed = ", ".join(str(v) for v in choices.values)
    raise RowProblem(column, _("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": allowed})


def parse_int(column: str, text: str, default: int) -> int:
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise RowProblem(column, _("“%(value)s” is not a whole number.") % {"value": text}) from None
    if not 0 <= value <= 720:
        raise RowProblem(column, _("%(value)s is out of range (0–720).") % {"value": value})
    return value


def parse_money(column: str, text: str) -> Decimal:
    """An amount to the cent; thousands separators allowed, negative amounts and fractions of a cent refused."""
    cleaned = text.replace(",", "").replace(" ", "").replace("\u00a0", "")
    if not MONEY_TEXT.match(cleaned):
        raise RowProblem(column, _("“%(value)s” is not an amount (use 1234.56).") % {"value": text})
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise RowProblem(column, _("“%(value)s” is not an amount (use 1234.56).") % {"value": text}) from None
    if amount < 0:
        raise RowProblem(column, _("An amount cannot be negative; send a credit note instead."))
    return amount.quantize(Decimal("0.01"))


def parse_bool(column: str, text: str) -> bool:
    value = text.strip().casefold()
    if value in YES:
        return True
    if value in NO:
        return False
    raise RowProblem(column, _("“%(value)s” is not yes or no.") % {"value": text})
