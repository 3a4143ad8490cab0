"""The bounds of every input, declared once: model fields, web forms, API schemas and imports all read them.

Money columns hold 15 digits, 2 of them after the point: SQLite keeps numbers as doubles, which hold 15
significant digits exactly, so a larger amount would come back changed on one of the two databases. Ids are
64-bit and written in ASCII digits only (Python's int() also reads "١٢" and "１２", and str.isdigit() accepts
"²"). Dates lie between 1900 and 2199; a field whose meaning narrows that (a founding date is not in the
future) says so with its own DayRange.
"""

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

MONEY_DIGITS = 15
MONEY_PLACES = 2
MONEY_MAX = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES) - Decimal(1).scaleb(-MONEY_PLACES)
ID_MAX = 2**63 - 1
PAGE_MAX = 10**9
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2199, 12, 31)
SHORT_TEXT = 300
PAYMENT_TERMS_MAX_DAYS = 720
SMALLINT_MAX = 32767
LONG_TEXT = 2000
ASCII_ID = re.compile(r"[1-9][0-9]{0,18}\Z", re.ASCII)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NO_CONTROL_CHARACTERS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def as_id(text: str) -> int | None:
    """The id a caller wrote, when it is one: ASCII digits, no sign, no leading zero, within 64 bits."""
    if ASCII_ID.match(text) and int(text) <= ID_MAX:
        return int(text)
    return None


def refuse_control_characters(value: Any) -> None:
    """NUL and other control characters (tab and line breaks aside) end up invisible, or refused by PostgreSQL."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(_("Control characters (such as NUL) are not allowed."), code="control_characters")


@deconstructible
class DayRange:
    """A date no earlier and no later than the field's meaning allows; `future_days` counts from today."""

    def __init__(self, *, earliest: dt.date = EARLIEST_DAY, future_days: int | None = None) -> None:
        self.earliest, self.future_days = earliest, future_days

    def latest(self) -> dt.date:
        if self.future_days is None:
            return LATEST_DAY
        return timezone.localdate() + dt.timedelta(days=self.future_days)

    def __call__(self, value: dt.date | None) -> None:
        if value is None:
            return
        latest = self.latest()
        if not self.earliest <= value <= latest:
            raise ValidationError(_("%(day)s is not between %(earliest)s and %(latest)s.") % {
                "day": value.isoformat(), "earliest": self.earliest.isoformat(), "latest": latest.isoformat()},
                code="day_range")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DayRange) and (self.earliest, self.future_days) == (other.earliest, other.future_days)

    def __hash__(self) -> int:
        return hash((self.earliest, self.future_days))
