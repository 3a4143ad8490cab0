"""What every router shares: pagination, money to the cent, bounded inputs, and domain errors as HTTP answers."""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, Strict

from creditdesk.core.bounds import (
    EARLIEST_DAY,
    ID_MAX,
    LATEST_DAY,
    MONEY_DIGITS,
    MONEY_MAX,
    MONEY_PLACES,
    NO_CONTROL_CHARACTERS,
    PAGE_MAX,
)

T = TypeVar("T", bound=Model)
ItemSchema = TypeVar("ItemSchema", bound=Schema)
MAX_PAGE_SIZE = 500
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def to_cent(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def ascii_number(value: Any) -> Any:
    """Numbers sent as text are read from ASCII digits only: Decimal() would also read "１２" and "١٢"."""
    if isinstance(value, str) and not value.isascii():
        raise ValueError("write numbers with the digits 0-9")
    return value


def iso_day(value: Any) -> Any:
    """Dates are written YYYY-MM-DD: pydantic alone would also read 0 or 1700000000 as a Unix time."""
    if isinstance(value, dt.date) or (isinstance(value, str) and ISO_DAY.fullmatch(value)):
        return value
    raise ValueError("write dates as YYYY-MM-DD")


# money in JSON: a string to the cent, its currency beside it in the schema
Money = Annotated[Decimal, AfterValidator(to_cent)]
# JSON has no decimals or dates: in a strict body they are read from text (and money from numbers too)
# money sent in: exactly what a money column holds, so what is accepted is stored and read back unchanged
MoneyIn = Annotated[Decimal, Strict(False),
                    Field(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, ge=-MONEY_MAX, le=MONEY_MAX),
                    BeforeValidator(ascii_number), AfterValidator(to_cent)]
Number = Annotated[Decimal, Strict(False), BeforeValidator(ascii_number)]
Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Day = Annotated[dt.date, Strict(False), Field(ge=EARLIEST_DAY, le=LATEST_DAY), BeforeValidator(iso_day)]


def omissible(**constraints: Any) -> Any:
    """A field a change may leave out but never send as null: the column always holds a value."""
    return Field(None, **constraints)


def text(max_length: int, *, min_length: int = 0, default: Any = ..., description: str | None = None) -> Any:
    """A string field of the API with its length and no control characters."""
    return Field(default, min_length=min_length, max_length=max_length, pattern=NO_CONTROL_CHARACTERS,
                 description=description)


def column_text(model: type[Model], name: str, *, min_length: int = 0, default: Any = ...,
                description: str | None = None) -> Any:
    """A string field as long as the model's column allows: the one declaration of that length."""
    length = model._meta.get_field(name).max_length  # type: ignore[union-attr]
    if not isinstance(length, int):
        raise TypeError(f"{model.__name__}.{name} declares no max_length to bound the API field with")
    return text(length, min_length=min_length, default=default, description=description)


class Body(Schema):
    """What a caller sends as JSON: an object with the fields documented, each of its documented type.

    Unknown fields are refused rather than ignored (a misspelt `ammount` would otherwise vanish), and "5" is
    not an integer nor 0 a boolean.
    """

    model_config = ConfigDict(from_attributes=True, extra="forbid", strict=True)


class Page(Schema, Generic[ItemSchema]):
    """Every list endpoint answers one page of items and how many there are in all."""

    count: int
    page: int
    page_size: int
    items: list[ItemSchema]


class PageParams(Schema):
    page: int = Field(1, ge=1, le=PAGE_MAX)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


def paginate(queryset: QuerySet[T], params: PageParams) -> dict[str, Any]:
    """One page and the total, the same shape on every list endpoint."""
    start = (params.page - 1) * params.page_size
    return {
        "count": queryset.count(),
        "page": params.page,
        "page_size": params.page_size,
        "items": list(queryset[start:start + params.page_size]),
    }


class ErrorOut(Schema):
    """Every refusal: one readable message, and the messages per field when the input was invalid."""

    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


def error_body(error: ValidationError) -> dict[str, Any]:
    """Field errors by field name, plus one readable message."""
    fields = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return {"detail": "; ".join(m for ms in fields.values() for m in ms), "errors": fields}


def field_name(location: tuple[Any, ...] | list[Any]) -> str:
    """`["body", "payload", "amount"]` → `amount`; `["query", "page"]` → `page`: the name the caller sent."""
    parts = [str(part) for part in location]
    return ".".join(parts[2:] if parts[0] == "body" and len(parts) > 2 else parts[1:]) or parts[0]


def schema_error_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """Input the schema refuses, in the same shape as a refusal by the services."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(field_name(error.get("loc") or ["body"]), []).append(str(error.get("msg", "invalid")))
    return {"detail": "; ".join(f"{name}: {'; '.join(ms)}" for name, ms in fields.items()), "errors": fields}
