"""The approval authority matrix: bands of amount, each naming the roles that may approve and how many must.

Amounts are compared in the functional currency. Above the last finite band, the open-ended band applies;
the default asks two different people (credit manager and CFO) for the largest limits. Bands may also depend on
the customer's rating, once it has been assessed: for customers rated some class or worse, other roles.
"""

import datetime as dt
from decimal import Decimal

from creditdesk.currencies.selectors import convert, functional_currency
from creditdesk.limits.models import AuthorityBand

DEFAULT_BANDS = [
    (Decimal("500000.00"), "credit_analyst,credit_manager", 1),
    (Decimal("5000000.00"), "credit_manager", 1),
    (None, "credit_manager,cfo", 2),
]


def ensure_default_bands() -> None:
    """A new installation starts with the default matrix; an existing one keeps its own."""
    if not AuthorityBand.objects.exists():
        AuthorityBand.objects.bulk_create([AuthorityBand(up_to=up_to, roles=roles, approvals_required=count)
                                           for up_to, roles, count in DEFAULT_BANDS])


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
