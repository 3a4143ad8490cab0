"""What every router shares: pagination, money to the cent, and turning domain errors into HTTP answers."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from ninja import Schema
from pydantic import AfterValidator, Field

T = TypeVar("T", bound=Model)
ItemSchema = TypeVar("ItemSchema", bound=Schema)
MAX_PAGE_SIZE = 500


def to_cent(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# money in JSON: a string to the cent, its currency beside it in the schema
Money = Annotated[Decimal, AfterValidator(to_cent)]


class Page(Schema, Generic[ItemSchema]):
    """Every list endpoint answers one page of items and how many there are in all."""

    count: int
    page: int
    page_size: int
    items: list[ItemSchema]


class PageParams(Schema):
    page: int = Field(1, ge=1)
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


def error_body(error: ValidationError) -> dict[str, Any]:
    """Field errors by field name, plus one readable message."""
    fields = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return {"detail": "; ".join(m for ms in fields.values() for m in ms), "errors": fields}
