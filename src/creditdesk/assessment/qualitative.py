"""Qualitative factors (定性因素): the questions an analyst answers about a customer that no statement shows, each
with the answers it allows, best first.

The defaults below cover years in business, management quality, market position, industry risk, ownership and
legal events. The setting CREDITDESK_QUALITATIVE_FACTORS replaces them all, as a list of
`{"code": …, "label": …, "answers": [(code, label), …]}`; labels may be gettext_lazy strings so both languages
show. Answers stored under a factor or answer code the configuration no longer has are kept but not shown.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Label = str | Promise
MAX_CODE_LENGTH = 40  # the answer model's code columns


@dataclass(frozen=True)
class Choice:
    """One allowed answer: its code, stored and sent over the API, and its label, shown."""

    code: str
    label: Label


@dataclass(frozen=True)
class Factor:
    """One question with its allowed answers, best first."""

    code: str
    label: Label
    answers: tuple[Choice, ...]

    def choice(self, code: str) -> Choice | None:
        return next((answer for answer in self.answers if answer.code == code), None)


def factor(code: str, label: Label, answers: Iterable[tuple[str, Label]]) -> Factor:
    return Factor(code, label, tuple(Choice(*answer) for answer in answers))


DEFAULT_FACTORS = (
    factor("years_in_business", gettext_lazy("Years in business"), [
        ("over_10", gettext_lazy("More than 10 years")), ("5_to_10", gettext_lazy("5 to 10 years")),
        ("2_to_5", gettext_lazy("2 to 5 years")), ("under_2", gettext_lazy("Less than 2 years"))]),
    factor("management_quality", gettext_lazy("Management quality"), [
        ("strong", gettext_lazy("Strong: experienced, transparent, succession planned")),
        ("adequate", gettext_lazy("Adequate")),
        ("weak", gettext_lazy("Weak: inexperienced, opaque or often changing"))]),
    factor("market_position", gettext_lazy("Market position"), [
        ("leader", gettext_lazy("Market leader")), ("established", gettext_lazy("Established player")),
        ("niche", gettext_lazy("Small or niche player")), ("weak", gettext_lazy("Weak or losing share"))]),
    factor("industry_risk", gettext_lazy("Industry risk"), [
        ("low", gettext_lazy("Low")), ("moderate", gettext_lazy("Moderate")), ("high", gettext_lazy("High")),
        ("very_high", gettext_lazy("Very high"))]),
    factor("ownership", gettext_lazy("Ownership"), [
        ("state_owned", gettext_lazy("State-owned")), ("listed", gettext_lazy("Listed company")),
        ("group_subsidiary", gettext_lazy("Subsidiary of a larger group")),
        ("private", gettext_lazy("Privately held")), ("individual", gettext_lazy("Individual or family business"))]),
    factor("legal_events", gettext_lazy("Legal events"), [
        ("none", gettext_lazy("None known")),
        ("minor", gettext_lazy("Minor: small claims or settled disputes")),
        ("major", gettext_lazy("Major: litigation, enforcement or penalties")),
        ("insolvency", gettext_lazy("Insolvency or restructuring proceedings"))]),
)


def configured(entry: Mapping[str, Any]) -> Factor:
    """One factor of the setting, refused at once when it could not be stored or answered."""
    try:
        found = factor(entry["code"], entry["label"], entry["answers"])
    except (KeyError, TypeError) as error:
        raise ImproperlyConfigured(f"CREDITDESK_QUALITATIVE_FACTORS: {entry!r} needs a code, a label and "
                                   f"answers as (code, label) pairs ({error}).") from None
    codes = [found.code, *(answer.code for answer in found.answers)]
    if not found.answers or not all(0 < len(code) <= MAX_CODE_LENGTH for code in codes):
        raise ImproperlyConfigured(f"CREDITDESK_QUALITATIVE_FACTORS: {found.code!r} needs answers, and codes of "
                                   f"1 to {MAX_CODE_LENGTH} characters.")
    if len(set(codes[1:])) < len(codes) - 1:
        raise ImproperlyConfigured(f"CREDITDESK_QUALITATIVE_FACTORS: {found.code!r} allows an answer twice.")
    return found


def factors() -> tuple[Factor, ...]:
    """The factors in force: the setting's when it is set, else the defaults; read on every call, so a changed
    setting needs no restart of whatever reads it."""
    setting = getattr(settings, "CREDITDESK_QUALITATIVE_FACTORS", None)
    if setting is None:
        return DEFAULT_FACTORS
    found = tuple(configured(entry) for entry in setting)
    if len({item.code for item in found}) < len(found):
        raise ImproperlyConfigured("CREDITDESK_QUALITATIVE_FACTORS: a factor code is used twice.")
    return found


def factors_by_code() -> dict[str, Factor]:
    return {item.code: item for item in factors()}


def unknown_factor(code: str) -> str:
    return _("“%(factor)s” is not a qualitative factor; the factors are: %(known)s.") % {
        "factor": code, "known": ", ".join(factors_by_code())}


def not_allowed(found: Factor, answer: str) -> str:
    return _("“%(answer)s” is not an answer to %(factor)s; choose one of: %(allowed)s.") % {
        "answer": answer, "factor": found.label, "allowed": ", ".join(choice.code for choice in found.answers)}
