"""The approval rule of a requested limit and what it still waits for, as a line beside its approve button."""

from django import template

from creditdesk.limits.authority import progress_of
from creditdesk.limits.models import CreditLimit

register = template.Library()


@register.filter
def approval_status(limit: CreditLimit) -> str:
    """"One approval each from: Credit manager ✓, CFO — waiting", or "2 approvals from any of: … (1 given)"."""
    return progress_of(limit).text()
