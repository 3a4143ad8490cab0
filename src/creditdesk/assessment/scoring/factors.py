"""A scorecard factor's bins: how a raw value (number, category or missing) falls into one row of its table.

Codes: 0 is the missing bin; numeric factors then have one bin per interval between `edges`
(left-closed, so bin i is edges[i-1] ≤ x < edges[i]); categorical factors one bin per group of
categories, and a last "other" bin for categories not seen in training.
"""

from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal

import numpy as np
import pandas as pd

Kind = Literal["numeric", "categorical"]
MISSING_CODE = 0
MISSING_LABEL = "missing"
OTHER_LABEL = "other"


@dataclass(frozen=True)
class Factor:
    """One input of the scorecard and the bins its values fall into."""

    name: str
    kind: Kind
    edges: tuple[float, ...] = ()
    groups: tuple[tuple[str, ...], ...] = ()

    @property
    def n_bins(self) -> int:
        """Number of codes including the missing bin (and the "other" bin of a categorical factor)."""
        return 1 + (len(self.edges) + 1 if self.kind == "numeric" else len(self.groups) + 1)

    def codes(self, column: pd.Series) -> np.ndarray:
        """The bin code of every value in a column."""
        if self.kind == "numeric":
            values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
            codes = np.searchsorted(np.asarray(self.edges, dtype=float), values, side="right") + 1
            codes[np.isnan(values)] = MISSING_CODE
            return codes.astype(np.int64)
        lookup = {category: index + 1 for index, group in enumerate(self.groups) for category in group}
        other = len(self.groups) + 1
        return np.array([_category_code(value, lookup, other) for value in column], dtype=np.int64)

    def labels(self) -> list[str]:
        """A readable description of every bin, by code."""
        if self.kind == "numeric":
            return [MISSING_LABEL, *_interval_labels(self.edges)]
        return [MISSING_LABEL, *(", ".join(group) for group in self.groups), OTHER_LABEL]

    def merged(self, points: list[int]) -> tuple["Factor", list[int]]:
        """The same factor with neighbouring value bins of equal points joined, so the table stays short."""
        if self.kind == "numeric":
            keep = [i for i in range(len(self.edges)) if points[i + 1] != points[i + 2]]
            edges = tuple(self.edges[i] for i in keep)
            return Factor(self.name, self.kind, edges=edges), [points[0], points[1], *(points[i + 2] for i in keep)]
        by_points: dict[int, list[str]] = {}
        for group, value in zip(self.groups, points[1:-1], strict=True):
            by_points.setdefault(value, []).extend(group)
        groups = tuple(tuple(sorted(members)) for members in by_points.values())
        return Factor(self.name, self.kind, groups=groups), [points[0], *by_points, points[-1]]

    def to_dict(self) -> dict[str, Any]:
        """The binning as plain JSON types."""
        if self.kind == "numeric":
            return {"name": self.name, "kind": self.kind, "edges": list(self.edges)}
        return {"name": self.name, "kind": self.kind, "groups": [list(group) for group in self.groups]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Factor":
        """Rebuild a factor saved by `to_dict`."""
        if data["kind"] == "numeric":
            return cls(data["name"], "numeric", edges=tuple(float(edge) for edge in data["edges"]))
        return cls(data["name"], "categorical", groups=tuple(tuple(group) for group in data["groups"]))


def is_numeric(column: pd.Series) -> bool:
    """Whether a column is scored on intervals (numbers) rather than on categories."""
    return bool(pd.api.types.is_numeric_dtype(column)) and not pd.api.types.is_bool_dtype(column)


def category_text(value: object) -> str | None:
    """A category as text, or None when missing, so that categories compare alike after a JSON round-trip."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    return str(value).strip()


def _category_code(value: object, lookup: dict[str, int], other: int) -> int:
    """Code of one categorical value: its group, "other" when unseen, missing when empty."""
    text = category_text(value)
    if text is None or text == "":
        return MISSING_CODE
    return lookup.get(text, other)


def _interval_labels(edges: tuple[float, ...]) -> list[str]:
    """Descriptions of the intervals cut at the edges: `< a`, `a – < b`, …, `≥ z`."""
    if not edges:
        return ["any value"]
    inner = [f"{_number(low)} – < {_number(high)}" for low, high in pairwise(edges)]
    return [f"< {_number(edges[0])}", *inner, f"≥ {_number(edges[-1])}"]


def _number(value: float) -> str:
    """A cut point printed briefly but exactly enough to tell neighbouring bins apart."""
    return f"{value:.6g}"
