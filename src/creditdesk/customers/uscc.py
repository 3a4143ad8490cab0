"""Unified social credit code (统一社会信用代码) checks from GB 32100-2015.

18 characters: registration authority (1), entity type (1), administrative division (6 digits),
organisation code (9), check character (1). The check character is 31 − (Σ value × weight mod 31),
with 31 written as 0, over the 31-character alphabet that leaves out I, O, S, V and Z.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
AUTHORITIES = "123456789ANY"
VALUES = {char: value for value, char in enumerate(ALPHABET)}


def normalise_uscc(raw: str) -> str:
    """Codes arrive with spaces, hyphens and lower case from forms and spreadsheets."""
    return "".join(raw.split()).replace("-", "").upper()


def uscc_check_character(body: str) -> str:
    """The 18th character for the first 17."""
    total = sum(VALUES[char] * weight for char, weight in zip(body, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_uscc(raw: str) -> None:
    """Refuse a code that cannot be a real one, saying exactly what is wrong."""
    code = normalise_uscc(raw)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; “%(code)s” has %(n)d.") % {"code": code, "n": len(code)},
            code="length",
        )
    for position, char in enumerate(code, start=1):
        if char not in VALUES:
            raise ValidationError(
                _("Character %(position)d (“%(char)s”) is not allowed: codes use digits and capital letters "
                  "except I, O, S, V and Z.") % {"position": position, "char": char},
                code="character",
            )
    if code[0] not in AUTHORITIES:
        raise ValidationError(
            _("“%(char)s” is not a registration authority code.") % {"char": code[0]}, code="authority"
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 must be the six-digit administrative division code."), code="division"
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("Wrong check character “%(found)s”: for %(body)s it should be “%(expected)s”.")
            % {"found": code[17], "body": code[:17], "expected": expected},
            code="check",
        )
