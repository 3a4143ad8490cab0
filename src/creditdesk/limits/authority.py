"""The approval authority matrix: bands of amount, each naming the roles that may approve and how many must.

Amounts are compared in the functional currency. Above the last finite band, the open-ended band applies;
the default asks one approval from each of the credit manager and the CFO for the largest limits. A band's rule
is "any" (that many different people, each holding one of its roles) or "each" (one approval from every role
named, so two credit managers never stand in for the CFO). Bands may also depend on the customer's rating, once
it has been assessed: for customers rated some class or worse, other roles.
"""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from creditdesk.accounts.roles import ROLES
from creditdesk.currencies.selectors import convert, functional_currency
from creditdesk.limits.models import ApprovalRule, AuthorityBand, CreditLimit

DEFAULT_BANDS = [
    (Decimal("500000.00"), "credit_analyst,credit_manager", 1, ApprovalRule.ANY),
    (Decimal("5000000.00"), "credit_manager", 1, ApprovalRule.ANY),
    (None, "credit_manager,cfo", 2, ApprovalRule.EACH),
]


def ensure_default_bands() -> None:
    """A new installation starts with the default matrix; an existing one keeps its own."""
    if not AuthorityBand.objects.exists():
        AuthorityBand.objects.bulk_create([AuthorityBand(up_to=up_to, roles=roles, approvals_required=count, rule=rule)
                                           for up_to, roles, count, rule in DEFAULT_BANDS])


def band_for(amount: Decimal, currency: str, on: dt.date, rating: int | None = None) -> AuthorityBand:
    """The band an amount falls in, once converted to the functional currency.

    Bands for ratings from some class on apply to customers rated that class or worse, before the bands for
    every customer (the bands of the worst class reached win); an amount above them falls to the general bands.
    """
    value = convert(amount, currency, functional_currency(), on)
    bands = list(AuthorityBand.objects.all())
    reached = [band.from_rating for band in bands if band.from_rating and rating and rating >= band.from_rating]
    rated = [band for band in bands if reached and band.from_rating == max(reached)]
    for band in [*rated, *(band for band in bands if band.from_rating is None)]:
        if band.up_to is None or value <= band.up_to:
            return band
    raise LookupError("no approval authority band covers this amount; add an open-ended band")


def role_label(role: str) -> str:
    """A role as people call it; a role the code does not know shows as it is named."""
    return str(ROLES[role]["label"]) if role in ROLES else role


def role_labels(roles: Collection[str]) -> str:
    """Roles in a sentence, in the order given (the band's order, so messages read the same each time)."""
    return ", ".join(role_label(role) for role in roles)


@dataclass(frozen=True)
class ApprovalProgress:
    """How far a limit is on its way to approval under the terms it was requested with."""

    rule: str
    roles: list[str]
    required: int
    given: list[str]

    @property
    def roles_waiting(self) -> list[str]:
        """Under "each", the roles no approval has come from yet; "any" waits for a count, not for roles."""
        return [role for role in self.roles if role not in self.given] if self.rule == ApprovalRule.EACH else []

    @property
    def approvals_waiting(self) -> int:
        return len(self.roles_waiting) if self.rule == ApprovalRule.EACH else max(0, self.required - len(self.given))

    @property
    def complete(self) -> bool:
        return self.approvals_waiting == 0

    def counts_as(self, held: Collection[str]) -> str | None:
        """The role a person holding these roles approves in: under "each" the first of the band's roles still
        waiting, so a person holding two roles gives one approval, for one role; None when none of theirs counts."""
        open_roles = self.roles_waiting if self.rule == ApprovalRule.EACH else self.roles
        return next((role for role in open_roles if role in held), None)

    def text(self) -> str:
        """The rule and what is still needed, in the reader's language."""
        if self.rule == ApprovalRule.EACH:
            marks = [_("%(role)s ✓") % {"role": role_label(role)} if role in self.given
                     else _("%(role)s — waiting") % {"role": role_label(role)} for role in self.roles]
            return _("One approval each from: %(roles)s") % {"roles": ", ".join(marks)}
        return ngettext("%(count)s approval from any of: %(roles)s (%(given)s given)",
                        "%(count)s approvals from any of: %(roles)s (%(given)s given)", self.required) % {
            "count": self.required, "roles": role_labels(self.roles), "given": len(self.given)}


def progress_of(limit: CreditLimit) -> ApprovalProgress:
    """The limit's approvals against its terms; reads the approvals prefetched with it, if they were."""
    return ApprovalProgress(rule=limit.approval_rule, roles=limit.approver_roles.split(","),
                            required=limit.approvals_required,
                            given=[approval.role for approval in limit.approvals.all()])
