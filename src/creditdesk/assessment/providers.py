"""Online rating agencies: an adapter per agency turns its answer into rating records, which
`services.fetch_ratings` maps onto our classes and records like ratings entered by hand.

None is shipped: no agency can be reached from here. An adapter subclasses `RatingProvider`, names itself and
registers with `@register_provider`; its records pass the same checks as a typed or imported rating.
"""

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from creditdesk.customers.models import Customer


@dataclass(frozen=True)
class RatingRecord:
    """One rating as an agency states it: its own name, its own grade, the day, the outlook if it gives one."""

    agency: str
    grade: str
    rated_on: dt.date
    outlook: str = ""


class RatingProvider(ABC):
    """An adapter for one online agency."""

    name: ClassVar[str]
    label: ClassVar[Promise]

    @abstractmethod
    def fetch(self, customer: Customer) -> list[RatingRecord]:
        """The agency's ratings of the customer, found by whatever identifies it there (USCC, name, number)."""


PROVIDERS: dict[str, RatingProvider] = {}


def register_provider(provider: type[RatingProvider]) -> type[RatingProvider]:
    """Class decorator: make an agency's adapter available by its name."""
    PROVIDERS[provider.name] = provider()
    return provider


def rating_provider(name: str) -> RatingProvider:
    """The adapter registered under the name; an unknown name is the caller's mistake, said as such."""
    if name not in PROVIDERS:
        raise ValidationError({"provider": _("No rating provider is called “%(name)s”.") % {"name": name}})
    return PROVIDERS[name]
