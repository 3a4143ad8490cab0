"""Benchmark the month-end pack: portfolio aging plus DSO (simple, count-back, best possible, CEI) on PostgreSQL.

Timed: `portfolio.month_end`, which computes both from the same two grouped queries; aging and KPIs are
also timed alone, for reference.

BENCH_CUSTOMERS customers (default 100,000) with BENCH_ITEMS invoices (default 2,000,000) over two years,
nine in ten of them paid by now, some in part, against the simplest direct way: one hand-written GROUP BY query that
computes the same aging buckets. Prints one JSON line and writes it to var/bench/aging.json.
"""

import datetime as dt
import os
import time
from decimal import Decimal

import psycopg
from benchlib import django_on_fresh_postgres, load_portfolio, report

GOAL_RATIO = 1.5
AS_OF = dt.date(2026, 11, 30)
NOVEMBER = dt.date(2026, 11, 1)

DIRECT_SQL = """
SELECT i.currency_id,
  sum(CASE WHEN i.due_date >= %(d)s THEN o END) AS not_due,
  sum(CASE WHEN i.due_date < %(d)s AND i.due_date >= %(d)s - 30 THEN o END) AS d1_30,
  sum(CASE WHEN i.due_date < %(d)s - 30 AND i.due_date >= %(d)s - 60 THEN o END) AS d31_60,
  sum(CASE WHEN i.due_date < %(d)s - 60 AND i.due_date >= %(d)s - 90 THEN o END) AS d61_90,
  sum(CASE WHEN i.due_date < %(d)s - 90 AND i.due_date >= %(d)s - 180 THEN o END) AS d91_180,
  sum(CASE WHEN i.due_date < %(d)s - 180 AND i.due_date >= %(d)s - 365 THEN o END) AS d181_365,
  sum(CASE WHEN i.due_date < %(d)s - 365 THEN o END) AS over_365
FROM (SELECT i.currency_id, i.due_date, i.gross_amount - coalesce(sum(a.amount), 0) AS o
      FROM receivables_invoice i
      LEFT JOIN receivables_allocation a ON a.invoice_id = i.id AND a.allocated_on <= %(d)s
           AND (a.reversed_at IS NULL OR a.reversed_at::date > %(d)s)
      WHERE i.invoice_date <= %(d)s AND i.status <> 'cancelled'
      GROUP BY i.id) AS i
WHERE o > 0
GROUP BY i.currency_id
"""


def direct_seconds(url: str) -> tuple[float, dict[str, Decimal]]:
    """The floor: one GROUP BY over the same rows, converted with the same rate."""
    with psycopg.connect(url) as connection:
        started = time.perf_counter()
        rows = connection.execute(DIRECT_SQL, {"d": AS_OF}).fetchall()
        seconds = time.perf_counter() - started
    totals: dict[str, Decimal] = {}
    for currency, *amounts in rows:
        rate = Decimal("7.1") if currency == "USD" else Decimal(1)
        for key, amount in zip(["not_due", "1_30", "31_60", "61_90", "91_180", "181_365", "over_365"], amounts,
                               strict=True):
            totals[key] = totals.get(key, Decimal(0)) + (amount or Decimal(0)) * rate
    return seconds, totals


def main() -> None:
    customers = int(os.environ.get("BENCH_CUSTOMERS", "100000"))
    items = int(os.environ.get("BENCH_ITEMS", "2000000"))
    url = django_on_fresh_postgres("creditdesk_bench_aging")
    from django.contrib.auth.models import User

    from creditdesk.receivables.kpis import period_kpis
    from creditdesk.receivables.portfolio import PortfolioFilter, month_end, portfolio_aging, portfolio_invoices

    load_portfolio(url, customers, items)
    user = User.objects.create_superuser("bench")
    invoices = portfolio_invoices(user, PortfolioFilter())
    month_end(invoices, NOVEMBER, AS_OF)  # warm the cache, as the direct query will find it warm too
    started = time.perf_counter()
    aging, kpis = month_end(invoices, NOVEMBER, AS_OF)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    portfolio_aging(invoices, AS_OF)
    aging_seconds = time.perf_counter() - started
    started = time.perf_counter()
    separate = period_kpis(invoices, NOVEMBER, AS_OF)
    kpi_seconds = time.perf_counter() - started
    direct_seconds(url)
    baseline, direct = direct_seconds(url)
    mismatch = {k: str(v) for k, v in aging.amounts.items() if abs(v - direct[k].quantize(Decimal("0.01"))) > 1}
    report({"bench": "aging", "customers": customers, "items": items, "database": "postgresql",
            "seconds": round(seconds, 2), "aging_alone_seconds": round(aging_seconds, 2),
            "kpis_alone_seconds": round(kpi_seconds, 2), "dso": str(kpis.dso),
            "dso_count_back": str(kpis.dso_count_back), "best_possible_dso": str(kpis.best_possible_dso),
            "cei": str(kpis.cei), "total": str(aging.total),
            "matches_direct": not mismatch and separate == kpis, "direct_seconds": round(baseline, 2),
            "ratio": round(seconds / baseline, 2), "goal": GOAL_RATIO})


if __name__ == "__main__":
    main()
