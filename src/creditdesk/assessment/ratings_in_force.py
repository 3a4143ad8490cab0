"""The rating a customer holds now, for the parts of the credit policy that depend on it (approval authority)."""

from creditdesk.assessment.models import CreditAssessment
from creditdesk.customers.models import Customer


def current_rating(customer: Customer) -> int | None:
    """The final rating (an approved override, else the card's) of the latest assessment; None: never assessed."""
    latest = CreditAssessment.objects.filter(customer=customer).order_by("-run_at", "-pk").first()
    return latest.final_rating if latest else None
