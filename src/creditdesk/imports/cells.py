"""Reading one cell of an imported row: dates, whole numbers, code lists; a bad cell names its column."""

import datetime as dt
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%d.%m.%Y", "%Y%m%d", "%Y年%m月%d日")


class RowProblem(Exception):
    """A cell that cannot be read; becomes a row error naming the column."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def parse_date(column: str, text: str) -> dt.date | None:
    if not text:
        return None
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


