"""How a customer (or a group: every function takes a list of customer ids) pays, read from the ledger as inputs to
the scorecard: a payment record says what statements cannot.

- Days-beyond-terms trend: the amount-weighted average days beyond terms of the payments of the last 3 months minus
  that of the last 12 months (`receivables.figures.behaviours`); above zero the customer pays later than it used to.
- Share paid late: of the invoices settled in the last 12 months (by their last payment, as `invoices_with_settlement`
  dates a settlement), those settled after their due date; by count, so a small invoice paid late counts like a big
  one, beside the amount-weighted days above.
- Open disputes: invoices still open on the day that carry the disputed flag.
- Broken promises: promises to pay (`collections`) the nightly job judged broken, whose promised day fell in the last
  12 months (`collections.selectors.broken_promises`); 0 when the customer broke none or made none.

Windows count as the behaviour windows do: after the same day `months` months earlier, up to and with `as_of`.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DateField, F, OuterRef, Q, Subquery

from creditdesk.assessment.financials import ratio
from creditdesk.collections.selectors import broken_promises
from creditdesk.receivables.aging import open_as_of
from creditdesk.receivables.figures import behaviours, live_invoices, months_back
from creditdesk.receivables.selectors import allocations_as_of

RECENT_MONTHS, YEAR_MONTHS = 3, 12


@dataclass(frozen=True)
class BehaviourFactors:
    """The ledger's inputs to the scorecard as of one day; None where there is nothing to measure."""

    days_beyond_terms_recent: Decimal | None
    days_beyond_terms_year: Decimal | None
    days_beyond_terms_trend: Decimal | None
    invoices_settled: int
    invoices_paid_late: int
    share_paid_late: Decimal | None
    open_disputes: int
    broken_promises: int


def invoice_counts(customer_ids: list[int], as_of: dt.date) -> dict[str, int]:
    """Invoices settled in the last twelve months, of them those settled after the due date, and the disputed ones
    still open, counted in one query from the allocations that stood on `as_of`."""
    last_payment = (allocations_as_of(as_of).filter(invoice=OuterRef("pk"), payment__isnull=False)
                    .order_by("-payment__received_on").values("payment__received_on")[:1])
    invoices = open_as_of(live_invoices(customer_ids), as_of).annotate(
        settled_on=Subquery(last_payment, output_field=DateField()))
    settled = Q(open_then=0, settled_on__gt=months_back(as_of, YEAR_MONTHS), settled_on__lte=as_of)
    return invoices.aggregate(settled=Count("pk", filter=settled),
                              late=Count("pk", filter=settled & Q(settled_on__gt=F("due_date"))),
                              disputes=Count("pk", filter=Q(disputed=True, open_then__gt=0)))


def behaviour_factors(customer_ids: list[int], as_of: dt.date) -> BehaviourFactors:
    """The payment-behaviour inputs of the customers together, as of a day; three queries. Broken promises count
    the promises judged broken whose day fell in the last twelve months."""
    windows = behaviours(customer_ids, as_of, (RECENT_MONTHS, YEAR_MONTHS))
    recent = windows[RECENT_MONTHS].average_days_beyond_terms
    year = windows[YEAR_MONTHS].average_days_beyond_terms
    counts = invoice_counts(customer_ids, as_of)
    return BehaviourFactors(
        days_beyond_terms_recent=recent, days_beyond_terms_year=year,
        days_beyond_terms_trend=None if recent is None or year is None else recent - year,
        invoices_settled=counts["settled"], invoices_paid_late=counts["late"],
        share_paid_late=ratio(Decimal(counts["late"]), Decimal(counts["settled"])),
        open_disputes=counts["disputes"], broken_promises=broken_promises(customer_ids, as_of, YEAR_MONTHS),
    )
