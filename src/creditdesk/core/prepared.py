"""ORM queries whose SQL is generated once per connection, then run again with new values.

The order credit check runs the same few grouped queries for every order; building their SQL through the ORM
costs more than the database takes to answer them. Here a query is built twice with stand-in values, the
positions of those values in its parameters are found, and later calls put the real values in their place
and reuse the compiled SQL, with the ORM's own conversion of the results (decimals, dates). A query whose
other parameters depend on the values (a date derived from the day, say) is detected and simply run
through the ORM each time.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

Builder = Callable[..., QuerySet[Any]]
Slot = tuple[str, int | None, bool]  # value name, index in a list value, written as text


@dataclass
class Prepared:
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    slots: dict[int, Slot]
    names: list[str]


def stand_in(value: Any, series: int, position: int) -> Any:
    """A value no real query uses, distinct per series (two builds) and per position."""
    if isinstance(value, dt.date):
        return dt.date(1000 + series * 100 + position, 1, 1)
    return -(10**9 + series * 10**6 + position)


def stand_ins(values: dict[str, Any], series: int) -> dict[str, Any]:
    made: dict[str, Any] = {}
    for place, (name, value) in enumerate(values.items()):
        if isinstance(value, list | tuple):
            made[name] = [stand_in(item, series, place * 1000 + n) for n, item in enumerate(value)]
        else:
            made[name] = stand_in(value, series, place * 1000)
    return made


def locate(params: Sequence[Any], made: dict[str, Any]) -> dict[int, Slot]:
    """Where each stand-in landed among the parameters (as itself or as its text)."""
    where: dict[Any, Slot] = {}
    for name, value in made.items():
        for index, item in enumerate(value) if isinstance(value, list) else [(None, value)]:
            where[item], where[str(item)] = (name, index, False), (name, index, True)
    return {position: where[param] for position, param in enumerate(params) if _hashable(param) and param in where}


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def prepare(build: Builder, values: dict[str, Any], using: str) -> Prepared | None:
    """Compile twice with different stand-ins; None when anything but the stand-ins moved."""
    first, second = stand_ins(values, 1), stand_ins(values, 2)
    queryset = build(**first)
    compiler = queryset.query.get_compiler(using)
    sql, params = compiler.as_sql()
    other_sql, other_params = build(**second).query.get_compiler(using).as_sql()
    slots = locate(params, first)
    if sql != other_sql or slots != locate(other_params, second) or any(
            a != b for n, (a, b) in enumerate(zip(params, other_params, strict=True)) if n not in slots):
        return None
    query = queryset.query
    names = list(query.selected) if query.selected else [*query.extra_select, *query.values_select,
                                                         *query.annotation_select]
    return Prepared(compiler, sql, tuple(params), slots, names)


def filled(prepared: Prepared, values: dict[str, Any]) -> tuple[Any, ...]:
    params = list(prepared.params)
    for position, (name, index, text) in prepared.slots.items():
        value = values[name] if index is None else values[name][index]
        params[position] = str(value) if text else value
    return tuple(params)


def prepared_rows(key: str, build: Builder, values: dict[str, Any], using: str = "default") -> list[dict[str, Any]]:
    """The rows of the values() query `build(**values)`, compiled once per connection, key and list lengths."""
    connection = connections[using]
    cache: dict[tuple[Any, ...], Prepared | None] = connection.__dict__.setdefault("creditdesk_prepared", {})
    shape = (key, *(len(v) if isinstance(v, list | tuple) else None for v in values.values()))
    if shape not in cache:
        cache[shape] = prepare(build, values, using)
    prepared = cache[shape]
    if prepared is None:
        return list(build(**values))
    params = filled(prepared, values)
    prepared.compiler.as_sql = lambda *args, **kwargs: (prepared.sql, params)  # type: ignore[method-assign]
    return [dict(zip(prepared.names, row, strict=True)) for row in prepared.compiler.results_iter()]
