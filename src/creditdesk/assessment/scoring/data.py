"""Read a scoring data set (CSV or Weka ARFF) into features and a 0/1 "bad" target, with readable errors."""

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ARFF_NUMERIC = {"numeric", "real", "integer"}
ARFF_TEXT = {"string"}
MISSING = "?"


@dataclass(frozen=True)
class Dataset:
    """Features as a frame (numeric columns as floats, categorical ones as text), the target as 1 = bad."""

    X: pd.DataFrame
    y: np.ndarray
    target: str
    bad: str
    good: str

    @property
    def rows(self) -> int:
        """Number of rows with a known target."""
        return len(self.y)

    @property
    def positives(self) -> int:
        """Number of bad rows."""
        return int(self.y.sum())


def load_dataset(path: str | Path, target: str, bad: str | None = None) -> Dataset:
    """Read the file, split off the target and code it 1 = bad (the minority class unless `bad` is given)."""
    frame = read_table(path)
    if target not in frame.columns:
        raise ValueError(f"target column {target!r} not found; columns are: {', '.join(map(str, frame.columns))}")
    labels = _labels(frame[target])
    known = labels.notna().to_numpy()
    labels = labels[known]
    bad_label, good_label = _bad_and_good(labels, target, bad)
    X = frame.loc[known].drop(columns=[target]).reset_index(drop=True)
    y = (labels == bad_label).to_numpy(dtype=np.int64)
    return Dataset(X=X, y=y, target=target, bad=bad_label, good=good_label)


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV (comma or semicolon) or ARFF file into a frame; ARFF is recognised by suffix or `@relation`."""
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"data file not found: {file}")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"data file is not UTF-8 text: {file} ({error.reason} at byte {error.start})") from error
    if not text.strip():
        raise ValueError(f"data file is empty: {file}")
    is_arff = file.suffix.lower() == ".arff" or text.lstrip().lower().startswith("@relation")
    frame = _parse_arff(text) if is_arff else _parse_csv(text)
    if frame.empty:
        raise ValueError(f"data file has no data rows: {file}")
    return frame


def _parse_csv(text: str) -> pd.DataFrame:
    """Parse CSV text, taking the separator the header line uses most (comma or semicolon)."""
    header = text.lstrip().splitlines()[0]
    if header.count(";") <= header.count(","):
        return pd.read_csv(io.StringIO(text), sep=",", na_values=[MISSING], skipinitialspace=True)
    frame = pd.read_csv(io.StringIO(text), sep=";", na_values=[MISSING], skipinitialspace=True)
    return frame.apply(_decimal_comma)


def _decimal_comma(column: pd.Series) -> pd.Series:
    """A text column of numbers written with a decimal comma (usual in semicolon files) as floats."""
    if pd.api.types.is_numeric_dtype(column):
        return column
    converted = pd.to_numeric(column.astype("string").str.replace(",", ".", regex=False), errors="coerce")
    return converted.astype("float64") if converted.notna().sum() == column.notna().sum() else column


def _parse_arff(text: str) -> pd.DataFrame:
    """Parse dense Weka ARFF: numeric, nominal and string attributes, `?` as missing."""
    lines = iter(text.splitlines())
    names: list[str] = []
    kinds: list[str] = []
    for raw in lines:
        line = raw.strip()
        lowered = line.lower()
        if lowered.startswith("@attribute"):
            name, kind = _arff_attribute(line)
            names.append(name)
            kinds.append(kind)
        elif lowered.startswith("@data"):
            break
    if not names:
        raise ValueError("ARFF file declares no attributes")
    rows = list(csv.reader(_arff_data_lines(lines), quotechar="'", skipinitialspace=True))
    for number, row in enumerate(rows, start=1):
        if len(row) != len(names):
            raise ValueError(f"ARFF data row {number} has {len(row)} values, expected {len(names)}")
    columns = {
        name: _arff_column(name, [row[i] for row in rows], kind)
        for i, (name, kind) in enumerate(zip(names, kinds, strict=True))
    }
    return pd.DataFrame(columns)


def _arff_data_lines(lines: Iterator[str]) -> Iterator[str]:
    """Data lines without blanks and `%` comments; sparse `{…}` rows are refused."""
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("%"):
            continue
        if line.startswith("{"):
            raise ValueError("sparse ARFF data is not supported")
        yield line


def _arff_attribute(line: str) -> tuple[str, str]:
    """Name and kind (`numeric`, `nominal`, `string`) of an `@attribute` line."""
    rest = line[len("@attribute"):].strip()
    if rest[:1] in {"'", '"'}:
        end = rest.index(rest[0], 1)
        name, kind = rest[1:end], rest[end + 1:].strip()
    else:
        name, _, kind = rest.partition(" ")
        kind = kind.strip()
    if kind.startswith("{"):
        return name, "nominal"
    if kind.lower() in ARFF_NUMERIC:
        return name, "numeric"
    if kind.lower() in ARFF_TEXT:
        return name, "string"
    raise ValueError(f"ARFF attribute {name!r} has unsupported type {kind!r}")


def _arff_column(name: str, values: list[str], kind: str) -> pd.Series:
    """One ARFF column as floats (numeric) or text (nominal, string), `?` becoming missing."""
    cleaned = [None if value.strip() == MISSING else value.strip() for value in values]
    if kind != "numeric":
        return pd.Series(cleaned, dtype="object")
    numbers = pd.to_numeric(pd.Series(cleaned, dtype="object"), errors="coerce")
    wrong = [value for value, number in zip(cleaned, numbers, strict=True) if value is not None and math.isnan(number)]
    if wrong:
        raise ValueError(f"ARFF attribute {name!r} is numeric but holds {wrong[0]!r}")
    return numbers.astype("float64")


def _labels(column: pd.Series) -> pd.Series:
    """Target values as text, so `--bad 1` matches a numeric 1, 1.0 or a nominal '1' alike."""
    def text(value: object) -> str | None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    return pd.Series([text(value) for value in column], dtype="object")


def _bad_and_good(labels: pd.Series, target: str, bad: str | None) -> tuple[str, str]:
    """The bad and the good label: the given `bad`, or else the rarer class (ties: the later in sort order)."""
    counts = labels.value_counts()
    if len(counts) != 2:
        found = ", ".join(map(str, sorted(counts.index))) or "none"
        raise ValueError(f"target column {target!r} must have exactly 2 classes, found {len(counts)}: {found}")
    classes = sorted(sorted(counts.index, reverse=True), key=lambda label: counts[label])
    if bad is None:
        return classes[0], classes[1]
    if bad not in counts.index:
        classes_text = ", ".join(sorted(counts.index))
        raise ValueError(f"bad value {bad!r} is not a class of {target!r}; classes are: {classes_text}")
    return bad, next(label for label in classes if label != bad)
