"""ECharts options for the limits tab: the utilisation gauge and the limit history, drawn by static/js/charts.js."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from creditdesk.limits.models import CreditLimit
from creditdesk.receivables.charts import TEXT, Option, number

GOOD, WATCH, BAD = "#1e7b4f", "#e3b341", "#b42318"


def gauge_chart(percent: Decimal) -> Option:
    """Utilisation on a dial: green, amber from the watch share, red past the limit; the dial stretches past 100."""
    top = max(Decimal(100), (percent / 50).to_integral_value(rounding="ROUND_CEILING") * 50)
    watch = float(Decimal(str(settings.CREDITDESK_WATCH_SHARE)) * 100 / top)
    return {
        "animation": False,
        "textStyle": TEXT,
        "series": [{
            "type": "gauge", "name": _("Utilisation"), "min": 0, "max": float(top), "radius": "95%",
            "center": ["50%", "60%"], "startAngle": 200, "endAngle": -20, "splitNumber": 5,
            "axisLine": {"lineStyle": {"width": 14, "color": [[watch, GOOD], [float(100 / top), WATCH], [1, BAD]]}},
            "pointer": {"width": 5}, "axisTick": {"show": False}, "splitLine": {"length": 10},
            "axisLabel": {"distance": 16, "formatter": "{value}%"},
            "detail": {"formatter": "{value}%", "fontSize": 20, "offsetCenter": [0, "30%"]},
            "data": [{"value": number(percent), "name": _("Utilisation")}],
        }],
    }


def history_chart(limits: Iterable[CreditLimit], today: dt.date) -> Option:
    """The limits that took effect as a step line over their start dates, one line per currency, drawn on to today
    so that a single limit is a line and not a dot."""
    lines: dict[str, list[list[object]]] = {}
    for limit in sorted(limits, key=lambda item: (item.valid_from, item.pk)):
        lines.setdefault(limit.currency_id, []).append([limit.valid_from.isoformat(), number(limit.amount)])
    for points in lines.values():
        if str(points[-1][0]) < today.isoformat():
            points.append([today.isoformat(), points[-1][1]])
    series = [{"type": "line", "name": currency, "step": "end", "data": points, "symbolSize": 6}
              for currency, points in lines.items()]
    return {
        "animation": False,
        "textStyle": TEXT,
        "grid": {"left": 8, "right": 8, "top": 36, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "value", "name": _("Limit")},
        "series": series,
    }
