"""A development sample (建模样本) from our own portfolio: what we knew of each customer on one day, and how the
customer paid in the months that followed, one row per customer, to train a scorecard on (`scoring train`).

Who is in it: every customer with at least one invoice (not cancelled) dated on or before the observation day,
whatever the customer's status today. A customer blocked or closed since then is kept on purpose: the status it
has now is part of the outcome, and leaving such customers out would drop the very defaults the card must learn.

What is known (the inputs): exactly what an assessment run on the observation day would have read
(`rating.gather_inputs` with that day): the latest statement whose period ended by then, the ledger's payment
behaviour up to then, the latest agency rating given by then, and the qualitative answers (these are kept only as
they stand now; the credit file holds no dated history of them).

What happened (the target, "bad" or "good"): the outcome window runs from the day after the observation day up
to and with the same day `horizon` months later (12 by default; a shorter month ends on its last day). A customer
is bad when, on some day of that window, one of its invoices (not cancelled) was more than `days_past_due` days
(90 by default) past its due date and still not fully settled. Settled means covered by allocations of payments
or credit notes, each counted only from the day it was made and not after the day it was reversed. Concretely,
an invoice makes its customer bad when its due date + `days_past_due` falls before the window's last day (so the
day it became more than `days_past_due` days past due lies in the window or before it) and it was not fully
settled at the end of the later of two days: its due date + `days_past_due`, and the observation day. So:

- an invoice paid on day 90 past due, or earlier, is good; one paid on day 91 or later, or never, is bad;
- an invoice already more than 90 days past due on the observation day counts as bad only if it was still open
  at the end of that day, that is still open, and more than 90 days past due, inside the window; one settled by
  the observation day is history, already in the inputs, and not an outcome;
- an invoice that reaches day 91 past due only after the window's last day does not count, however late it is
  paid: its outcome is not known within the horizon.

Every other customer is good. A sample can only be drawn once its window is over (see `outcome_known`).
"""

import datetime as dt
from typing import Any

import pandas as pd
from django.db.models import OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.db.models.lookups import GreaterThan, LessThanOrEqual

from creditdesk.assessment.rating import gather_inputs
from creditdesk.assessment.trained import INPUT_CODES, as_number, input_codes
from creditdesk.customers.models import Customer
from creditdesk.receivables.figures import DaysBetween, live_invoices, months_back
from creditdesk.receivables.models import Allocation, Invoice, InvoiceStatus
from creditdesk.receivables.selectors import allocated_sum, difference

BAD, GOOD = "bad", "good"
CUSTOMER, TARGET = "customer", "bad"


def months_ahead(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, on the month's last day when it is shorter."""
    return months_back(day, -months)


def window_end(observed_on: dt.date, horizon_months: int) -> dt.date:
    """The last day of the outcome window."""
    return months_ahead(observed_on, horizon_months)


def outcome_known(observed_on: dt.date, horizon_months: int, today: dt.date) -> bool:
    """The outcome is known only once the whole window has passed."""
    return window_end(observed_on, horizon_months) <= today


def sample_customers(observed_on: dt.date, customer_ids: list[int] | None) -> QuerySet[Customer]:
    """Customers we had invoiced by the observation day, whatever their status today (see the module)."""
    invoices = (Invoice.objects.exclude(status=InvoiceStatus.CANCELLED) if customer_ids is None
                else live_invoices(customer_ids))
    invoiced = invoices.filter(invoice_date__lte=observed_on).order_by().values("customer_id")
    return Customer.objects.filter(pk__in=invoiced).order_by("code")


def standing_at_check(observed_on: dt.date, days_past_due: int) -> QuerySet[Allocation]:
    """Allocations that stood at the end of the outer invoice's check day, max(due + days, observation day)."""
    due = OuterRef("due_date")
    made = Q(allocated_on__lte=observed_on) | Q(LessThanOrEqual(DaysBetween("allocated_on", due), days_past_due))
    later = Q(reversed_at__date__gt=observed_on) & Q(GreaterThan(DaysBetween(TruncDate("reversed_at"), due),
                                                                 days_past_due))
    return Allocation.objects.filter(made & (Q(reversed_at__isnull=True) | later))


def bad_customer_ids(customer_ids: list[int], observed_on: dt.date, end: dt.date, days_past_due: int) -> set[int]:
    """Customers with an invoice past `days_past_due` and still open inside the window; one query."""
    latest_due = end - dt.timedelta(days=days_past_due)
    invoices = (live_invoices(customer_ids).filter(due_date__lt=latest_due)
                .annotate(settled=allocated_sum("invoice", standing_at_check(observed_on, days_past_due)))
                .annotate(open_then=difference("gross_amount", "settled")).filter(open_then__gt=0))
    return set(invoices.order_by().values_list("customer_id", flat=True).distinct())


def input_row(customer: Customer, observed_on: dt.date, codes: list[str]) -> dict[str, Any]:
    """The customer's inputs as known on the day: decimals as floats, answers as text, None where missing."""
    inputs = gather_inputs(customer, observed_on)
    return {CUSTOMER: customer.code, **{code: as_number(inputs.get(code)) for code in codes}}


def development_sample(observed_on: dt.date, horizon_months: int = 12, days_past_due: int = 90,
                       customer_ids: list[int] | None = None) -> pd.DataFrame:
    """One row per customer invoiced by `observed_on`: its inputs then and whether it went bad in the window."""
    codes = input_codes()
    customers = list(sample_customers(observed_on, customer_ids))
    bad = bad_customer_ids([c.pk for c in customers], observed_on, window_end(observed_on, horizon_months),
                           days_past_due)
    rows = [{**input_row(c, observed_on, codes), TARGET: BAD if c.pk in bad else GOOD} for c in customers]
    return as_columns(pd.DataFrame(rows, columns=[CUSTOMER, *codes, TARGET]))


def as_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Numeric inputs as float columns (missing: NaN), even where no customer has a value; answers stay text."""
    return frame.astype(dict.fromkeys(INPUT_CODES, "float64"))
