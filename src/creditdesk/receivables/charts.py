"""ECharts options for the receivables pages, built from the selectors' results so the browser only draws them.

Every function is pure: figures in, a JSON-ready dict out. Amounts go to the chart as floats (JSON has no
decimals); the tables beside each chart show the exact amounts. A bar may carry a `url`: static/js/charts.js
follows it when the bar is clicked, which is how the aging chart drills down.
"""

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from creditdesk.receivables.aging import Bucket
from creditdesk.receivables.figures import MonthHistory
from creditdesk.receivables.kpis import PeriodKpis
from creditdesk.receivables.portfolio import PortfolioAging

Option = dict[str, Any]

# not due in green, then ever warmer as the days past due grow; longer plans repeat the last colour
BUCKET_COLOURS = ["#1e7b4f", "#8bb85c", "#e3b341", "#e08a2c", "#d0602a", "#b42318", "#7a1410"]
INVOICED, ON_TIME, LATE = "#1f5fa8", "#1e7b4f", "#b42318"
LINE_COLOURS = ["#1f5fa8", "#5b9bd5", "#1e7b4f", "#b42318", "#b7791f"]
TEXT = {"fontFamily": "inherit", "fontSize": 12}


def number(value: Decimal | None) -> float | None:
    """A JSON number for the chart, or null so a line shows a gap where a ratio had no denominator."""
    return None if value is None else float(value)


def bucket_colour(index: int) -> str:
    """The same bucket has the same colour in every chart, so the eye learns it once."""
    return BUCKET_COLOURS[min(index, len(BUCKET_COLOURS) - 1)]


def frame(categories: Sequence[str], y_axis: Option | list[Option], series: list[Option], legend: bool) -> Option:
    """What every chart here shares: drawn at once (no animation), a category x axis, an axis tooltip, and a legend
    on top when there are several series."""
    option: Option = {
        "animation": False,
        "textStyle": TEXT,
        "grid": {"left": 8, "right": 8, "top": 48 if legend else 28, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {"type": "category", "data": list(categories)},
        "yAxis": y_axis,
        "series": series,
    }
    if legend:
        option["legend"] = {"top": 0, "type": "scroll"}
    return option


def aging_chart(plan: list[Bucket], amounts: dict[str, Decimal], currency: str,
                links: dict[str, str] | None = None) -> Option:
    """One bar per aging bucket, coloured by age; with `links`, clicking a bar opens that bucket's drill-down."""
    data = []
    for index, bucket in enumerate(plan):
        point: Option = {"value": number(amounts[bucket.key]), "itemStyle": {"color": bucket_colour(index)}}
        if links:
            point["url"] = links[bucket.key]
        data.append(point)
    series = [{"type": "bar", "name": _("Open amount"), "data": data, "barMaxWidth": 48,
               "cursor": "pointer" if links else "default"}]
    option = frame([bucket.label for bucket in plan], {"type": "value", "name": currency}, series, legend=False)
    option["xAxis"]["axisLabel"] = {"interval": 0}
    return option


def payment_history_chart(history: list[MonthHistory], currency: str) -> Option:
    """Invoiced beside paid per month, the paid bar split into on time and late, so late payers stand out."""
    series = [
        {"type": "bar", "name": _("Invoiced"), "data": [number(m.invoiced) for m in history],
         "itemStyle": {"color": INVOICED}},
        {"type": "bar", "name": _("Paid on time"), "stack": "paid", "data": [number(m.paid_on_time) for m in history],
         "itemStyle": {"color": ON_TIME}},
        {"type": "bar", "name": _("Paid late"), "stack": "paid", "data": [number(m.paid_late) for m in history],
         "itemStyle": {"color": LATE}},
    ]
    return frame([m.month.strftime("%Y-%m") for m in history], {"type": "value", "name": currency}, series,
                 legend=True)


def kpi_trend_chart(periods: list[PeriodKpis]) -> Option:
    """DSO, count-back DSO, best possible DSO and days delinquent in days; CEI in percent on the right axis."""
    lines: list[tuple[str, list[Decimal | None]]] = [
        (_("DSO"), [p.dso for p in periods]),
        (_("Count-back DSO"), [p.dso_count_back for p in periods]),
        (_("Best possible DSO"), [p.best_possible_dso for p in periods]),
        (_("Average days delinquent"), [p.average_days_delinquent for p in periods]),
    ]
    series: list[Option] = [
        {"type": "line", "name": name, "data": [number(v) for v in values], "yAxisIndex": 0,
         "itemStyle": {"color": LINE_COLOURS[index]}, "connectNulls": False}
        for index, (name, values) in enumerate(lines)
    ]
    series.append({"type": "line", "name": _("CEI (%)"), "data": [number(p.cei) for p in periods], "yAxisIndex": 1,
                   "itemStyle": {"color": LINE_COLOURS[4]}, "lineStyle": {"type": "dashed"}, "connectNulls": False})
    axes: list[Option] = [{"type": "value", "name": _("Days")},
            {"type": "value", "name": _("CEI (%)"), "min": 0, "max": 100, "splitLine": {"show": False}}]
    option = frame([p.period_end.strftime("%Y-%m") for p in periods], axes, series, legend=True)
    option["tooltip"] = {"trigger": "axis"}
    return option


def monthly_aging_chart(agings: list[PortfolioAging]) -> Option:
    """The book's aging at each month end, one stacked bar per month, buckets coloured as in the aging chart."""
    plan = agings[0].buckets if agings else []
    series = [{"type": "bar", "name": bucket.label, "stack": "aging", "itemStyle": {"color": bucket_colour(index)},
               "data": [number(aging.amounts[bucket.key]) for aging in agings]}
              for index, bucket in enumerate(plan)]
    currency = agings[0].currency if agings else ""
    return frame([aging.as_of.strftime("%Y-%m") for aging in agings], {"type": "value", "name": currency}, series,
                 legend=True)


def serialise(option: Option) -> str:
    """The option as the JSON that goes, HTML-escaped by the template, into a `data-chart` attribute."""
    return json.dumps(option, ensure_ascii=False, separators=(",", ":"))
