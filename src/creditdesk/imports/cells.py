"""Reading one cell of an imported row: dates, whole numbers, amounts, code lists; a bad cell names its column.

Numbers are written in the ASCII digits 0–9 only: Python's int(), Decimal() and strptime() would also read
full-width (１２３) and Arabic-Indic (١٢٣) digits, which no ERP writes and a person cannot tell from others.
"""

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from creditdesk.core.bounds import MONEY_MAX, MONEY_PLACES, PAYMENT_TERMS_MAX_DAYS, DayRange

# Slashes with the year last are read month first, as US ERP exports (and IBM's sample) write them.
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%d.%m.%Y", "%Y%m%d", "%Y年%m月%d日", "%m/%d/%Y")
MONEY_TEXT = re.compile(rf"-?[0-9]+(\.[0-9]{{1,{MONEY_PLACES}}})?", re.ASCII)
WHOLE_NUMBER = re.compile(r"[0-9]+", re.ASCII)
OTHER_DIGIT = re.compile(r"(?![0-9])\d")  # a digit of another script: full-width, Arabic-Indic …
ANY_DAY = DayRange()
YES = {"1", "true", "yes", "y", "是", "x"}
NO = {"", "0", "false", "no", "n", "否"}


class RowProblem(Exception):
    """A cell that cannot be read; becomes a row error naming the column."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def refuse_other_digits(column: str, text: str) -> str:
    """The text, unless it writes a digit other than 0–9."""
    if OTHER_DIGIT.search(text):
        raise RowProblem(column, _("“%(value)s”: write numbers with the digits 0–9.") % {"value": text})
    return text


def parse_date(column: str, text: str, within: DayRange = ANY_DAY) -> dt.date | None:
    """A date in one of the formats ERPs write, within the bounds of the field it fills."""
    if not text:
        return None
    day = read_date(column, refuse_other_digits(column, text))
    try:
        within(day)
    except ValidationError as error:
        raise RowProblem(column, error.messages[0]) from None
    return day


def read_date(column: str, text: str) -> dt.date:
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
    """A number of days or months: the digits 0–9 only, from 0 to 720."""
    if not text:
        return default
    if not WHOLE_NUMBER.fullmatch(refuse_other_digits(column, text)):
        raise RowProblem(column, _("“%(value)s” is not a whole number.") % {"value": text})
    significant = text.lstrip("0") or "0"
    if len(significant) > len(str(PAYMENT_TERMS_MAX_DAYS)) or int(significant) > PAYMENT_TERMS_MAX_DAYS:
        raise RowProblem(column, _("%(value)s is out of range (0–720).") % {"value": significant})
    return int(significant)


def parse_money(column: str, text: str) -> Decimal:
    """An amount to the cent; thousands separators allowed, negative amounts and fractions of a cent refused."""
    cleaned = refuse_other_digits(column, text).replace(",", "").replace(" ", "").replace("\u00a0", "")
    if not MONEY_TEXT.fullmatch(cleaned):
        raise RowProblem(column, _("“%(value)s” is not an amount (use 1234.56).") % {"value": text})
    amount = Decimal(cleaned)
    if amount < 0:
        raise RowProblem(column, _("An amount cannot be negative; send a credit note instead."))
    if amount > MONEY_MAX:
        raise RowProblem(column, _("“%(value)s” is more than %(max)s, the largest amount a ledger holds.")
                         % {"value": text, "max": number_format(MONEY_MAX, MONEY_PLACES, force_grouping=True)})
    return amount.quantize(Decimal(1).scaleb(-MONEY_PLACES))


def parse_bool(column: str, text: str) -> bool:
    value = text.strip().casefold()
    if value in YES:
        return True
    if value in NO:
        return False
    raise RowProblem(column, _("“%(value)s” is not yes or no.") % {"value": text})
