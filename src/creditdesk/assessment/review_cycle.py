"""How often a customer is reviewed, by rating, and which credit files rest on statements too old to trust.

The setting CREDITDESK_REVIEW_MONTHS replaces DEFAULT_REVIEW_MONTHS: months between reviews per rating class
(1 best … 10 worst), the entry None for a customer without a rating; a class the table leaves out is reviewed as
often as an unrated customer. By default classes 1–3 yearly, 4–7 every six months, 8–10 quarterly, unrated every
six months.

A statement is stale when its period ended before the same day CREDITDESK_STALE_STATEMENT_MONTHS (default 18)
months ago, on the month's last day when that month is shorter: a statement to 31 December 2024 is current up to
30 June 2026 and stale from 1 July 2026.
"""

import calendar
import datetime as dt

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from creditdesk.assessment.models import FinancialStatement
from creditdesk.customers.models import Customer
from creditdesk.limits.models import CreditLimit
from creditdesk.limits.selectors import in_force
from creditdesk.receivables.figures import months_back

DEFAULT_REVIEW_MONTHS: dict[int | None, int] = {1: 12, 2: 12, 3: 12, 4: 6, 5: 6, 6: 6, 7: 6, 8: 3, 9: 3, 10: 3,
                                                None: 6}
DEFAULT_STALE_STATEMENT_MONTHS = 18


def review_months(rating: int | None) -> int:
    """Months between reviews for the rating, from the setting read on every call."""
    table: dict[int | None, int] = getattr(settings, "CREDITDESK_REVIEW_MONTHS", DEFAULT_REVIEW_MONTHS)
    return table[rating] if rating in table else table[None]


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, on the month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def next_review(rating: int | None, from_date: dt.date) -> dt.date:
    """When a customer rated `rating` on `from_date` is due for review: 31 August + 6 months is 28 February."""
    return months_after(from_date, review_months(rating))


def stale_before(today: dt.date) -> dt.date:
    """Statements whose period ended before this day are stale."""
    months = getattr(settings, "CREDITDESK_STALE_STATEMENT_MONTHS", DEFAULT_STALE_STATEMENT_MONTHS)
    return months_back(today, months)


def statement_is_stale(statement: FinancialStatement, today: dt.date) -> bool:
    """Too old to assess a customer on: an analyst should ask for newer figures."""
    return statement.period_end < stale_before(today)


def customers_with_stale_statements(today: dt.date) -> QuerySet[Customer]:
    """Customers whose latest statement is stale, or who have a limit in force and no statement at all, the oldest
    first (none before any); each annotated with `latest_statement` (None without one). One query."""
    latest = (FinancialStatement.objects.filter(customer=OuterRef("pk")).order_by("-period_end")
              .values("period_end")[:1])
    limited = CreditLimit.objects.filter(in_force(today), customer=OuterRef("pk"))
    return (Customer.objects.annotate(latest_statement=Subquery(latest), has_limit=Exists(limited))
            .filter(Q(latest_statement__lt=stale_before(today)) | Q(latest_statement__isnull=True, has_limit=True))
            .order_by(F("latest_statement").asc(nulls_first=True), "name", "pk"))
