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
from benchlib import django_on_fresh_postgres, report

GOAL_RATIO = 1.5
AS_OF = dt.date(2026, 11, 30)
NOVEMBER = dt.date(2026, 11, 1)

LEDGER_SQL = """
INSERT INTO receivables_invoice (customer_id, currency_id, source, external_id, created_at, number, invoice_date,
    due_date, net_amount, tax_amount, gross_amount, order_reference, status, disputed)
SELECT c.id, CASE WHEN n % 13 = 0 THEN 'USD' ELSE 'CNY' END, 'bench', 'I' || n, now(), 'I' || n,
       d, d + 60, g, 0, g, '', 'open', false
FROM generate_series(1::bigint, %(items)s) AS n
CROSS JOIN LATERAL (SELECT DATE '2024-12-01' + (n * 7919 % 730)::int AS d, ((n * 104729 % 900000) + 10000) / 100.0 AS g)
     AS v
JOIN customers_customer c ON c.id = (SELECT min(id) FROM customers_customer) + n % %(customers)s;
INSERT INTO receivables_payment (customer_id, currency_id, source, external_id, created_at, received_on, amount,
    method, bank_reference, remittance_text)
SELECT customer_id, currency_id, 'bench', 'P' || id, now(), due_date - 5 + (id % 40)::int, gross_amount, '', '', ''
FROM receivables_invoice WHERE id % 10 <> 0;
INSERT INTO receivables_allocation (invoice_id, payment_id, amount, allocated_on, created_at, reversal_reason)
SELECT i.id, p.id, CASE WHEN i.id % 7 <> 0 THEN i.gross_amount ELSE round(i.gross_amount / 2, 2) END,
       p.received_on, now(), ''
FROM receivables_invoice i JOIN receivables_payment p ON p.external_id = 'P' || i.id AND p.source = 'bench'
WHERE p.received_on <= DATE '2026-11-30';
UPDATE receivables_invoice SET status = 'paid'
WHERE id IN (SELECT invoice_id FROM receivables_allocation a JOIN receivables_invoice i ON i.id = a.invoice_id
             GROUP BY invoice_id, i.gross_amount HAVING sum(a.amount) = i.gross_amount);
INSERT INTO currencies_exchangerate (currency_id, rate_date, rate, source, created_at)
VALUES ('USD', '2026-11-30', 7.1, 'bench', now());
ANALYZE;
"""

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

    from creditdesk.customers.models import Customer
    from creditdesk.receivables.kpis import period_kpis
    from creditdesk.receivables.portfolio import PortfolioFilter, month_end, portfolio_aging, portfolio_invoices

    Customer.objects.bulk_create([Customer(code=f"B{n:06d}", name=f"Bench Co. {n}", country="CN", currency_id="CNY")
                                  for n in range(customers)], batch_size=5000)
    with psycopg.connect(url, autocommit=True) as connection:
        for statement in LEDGER_SQL.split(";"):
            if statement.strip():
                connection.execute(statement.replace("%(items)s", str(items)).replace("%(customers)s", str(customers)))
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
