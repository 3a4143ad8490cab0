"""Check points: where in an order's life credit is checked, and which open-order parts count there.

A new installation checks at the order and at shipment, counting every open order; invoicing is not
checked (goods shipped under an approved check are never stopped at the invoice).
"""

from creditdesk.limits.models import CheckPoint, Point

DEFAULT_POINTS = [
    (Point.ORDER, True),
    (Point.SHIPMENT, True),
    (Point.INVOICE, False),
]


def ensure_default_points() -> None:
    """Every check point has its row, so the policy can be read and changed in one place."""
    for point, active in DEFAULT_POINTS:
        CheckPoint.objects.get_or_create(point=point, defaults={"active": active})


def check_point(point: str) -> CheckPoint:
    """The configured point, or its default when nobody has configured it yet."""
    found = CheckPoint.objects.filter(point=point).first()
    return found or CheckPoint(point=point, active=dict(DEFAULT_POINTS)[Point(point)])
