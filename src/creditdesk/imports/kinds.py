"""What each kind of import must say: its columns, presets, how it checks rows and writes them.

Each domain app registers its kinds (customers, exchange rates, later invoices and payments …);
`imports.services` runs them all the same way: read, map columns, check every row, then write
everything in one transaction or nothing at all.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils import translation
from django.utils.functional import Promise

from creditdesk.core.types import Actor

Record = tuple[int, dict[str, str]]
Progress = Callable[[int, int], None]  # told (rows checked, rows in all) as a file's check goes on
PROGRESS_EVERY = 5_000


@dataclass(frozen=True)
class RowError:
    """One problem, where a user can find it: row number as in the file, and the column."""

    row: int
    column: str
    message: str


@dataclass
class Plan:
    """What applying a file would do, worked out before anything is written; `kind` is the instance that checked
    it, holding that file's lookups until it is written."""

    creates: list[Any] = field(default_factory=list)
    updates: list[Any] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    kind: "ImportKind | None" = None


class ImportKind(ABC):
    """One importable thing; subclasses name their columns and do the checking and writing. An instance checks
    and writes one file: it may keep that file's lookups on itself, so every file gets its own."""

    name: ClassVar[str]
    label: ClassVar[Promise]
    permission: ClassVar[str]
    columns: ClassVar[dict[str, Promise]]
    required: ClassVar[frozenset[str]]
    extra_presets: ClassVar[dict[str, dict[str, str]]] = {}
    preset_defaults: ClassVar[dict[str, dict[str, str]]] = {}

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress
        self.rows_checked = self.rows_in_all = 0

    def presets(self) -> dict[str, dict[str, str]]:
        """The project's own layout accepts field names and the column titles in either language."""
        own: dict[str, str] = {}
        for field_name, label in self.columns.items():
            own[field_name] = field_name
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    own[str(label)] = field_name
        return {"creditdesk": own, **self.extra_presets}

    def column_label(self, field_name: str) -> str:
        """Errors name the column as the user's language titles it, with the field name beside it."""
        label = self.columns.get(field_name)
        return f"{label} ({field_name})" if label else field_name

    def check_all(self, records: list[Record]) -> Plan:
        """The plan of the whole file, telling whoever watches how many rows there are and how far the check is."""
        self.rows_checked, self.rows_in_all = 0, len(records)
        self.report()
        plan = self.plan(records)
        self.rows_checked = self.rows_in_all
        self.report()
        return plan

    def row_checked(self) -> None:
        """Called by each kind once per row as it checks it; progress is told every PROGRESS_EVERY rows."""
        self.rows_checked += 1
        if self.rows_checked % PROGRESS_EVERY == 0:
            self.report()

    def report(self) -> None:
        if self.progress is not None:
            self.progress(self.rows_checked, self.rows_in_all)

    @abstractmethod
    def plan(self, records: list[Record]) -> Plan:
        """Check every row (calling `row_checked` for each) and decide what to create, update or leave alone."""

    @abstractmethod
    def apply(self, actor: Actor, plan: Plan, reason: str) -> None:
        """Write a checked plan through the domain's own services."""


KINDS: dict[str, type[ImportKind]] = {}


def register(kind: type[ImportKind]) -> type[ImportKind]:
    """Class decorator: make a kind of import available to files, the API and the command line."""
    KINDS[kind.name] = kind
    return kind
