"""ECharts option for the assessment tab: each factor's contribution to the score as a horizontal bar, drawn by
static/js/charts.js from the `data-chart` attribute."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from creditdesk.receivables.charts import TEXT, Option

STRONG, FAIR, WEAK = "#1e7b4f", "#e3b341", "#b42318"


def colour(points: int, centred: bool = False) -> str:
    """A factor's bar: on the expert card by the points earned out of 100 (green from 70, amber from 40, red
    below); on a trained card, whose points are centred on the average, green above zero and red below."""
    if centred:
        return STRONG if points > 0 else FAIR if points == 0 else WEAK
    return STRONG if points >= 70 else FAIR if points >= 40 else WEAK


def contributions_chart(contributions: list[dict[str, Any]], centred: bool = False) -> Option:
    """The contributions (points × weight, or a trained card's points) in the card's order, first at the top."""
    return {
        "animation": False,
        "textStyle": TEXT,
        "grid": {"left": 8, "right": 24, "top": 28, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {"type": "value", "name": _("Points")},
        "yAxis": {"type": "category", "inverse": True, "data": [str(c["label"]) for c in contributions]},
        "series": [{
            "type": "bar", "name": _("Contribution"),
            "label": {"show": True, "position": "right"},
            "data": [{"value": float(Decimal(str(c["contribution"]))),
                      "itemStyle": {"color": colour(c["points"], centred)}} for c in contributions],
        }],
    }
