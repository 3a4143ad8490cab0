"""How the assessment tab writes a figure: a multiple to two places, a share in percent, days whole, money grouped;
rounded half up, as the ratios themselves are."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

from creditdesk.core.templatetags.creditdesk import money

register = template.Library()
PLACES = {"percent": Decimal("0.1"), "days": Decimal("1"), "times": Decimal("0.01"), "pd": Decimal("0.01")}
SHARES = ("percent", "pd")  # a probability of default is a share too, to a hundredth of a percent


@register.filter
def figure(value: Decimal | None, kind: str) -> str:
    """1.6 → "1.60", 0.035 (percent) → "3.5%", 54.5 (days) → "55", 1234567.8 (money) → "1,234,567.80"; unknown "—"."""
    if value is None:
        return "—"
    if kind == "money":
        return money(value)
    shown = (value * 100 if kind in SHARES else value).quantize(PLACES[kind], rounding=ROUND_HALF_UP)
    return f"{shown}%" if kind in SHARES else f"{shown}"
