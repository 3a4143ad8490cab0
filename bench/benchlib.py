"""What every benchmark shares: a throw-away database and the one JSON line it ends with."""

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import psycopg

PROJECT_DIR = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def report(result: dict[str, Any]) -> None:
    """Print the result as one JSON line and keep it as var/bench/<name>.json."""
    line = json.dumps(result, ensure_ascii=False)
    print(line)
    target = PROJECT_DIR / "var" / "bench" / f"{result['bench']}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(line + "\n")


def fresh_postgres(name: str) -> str:
    """Drop and create a PostgreSQL database for one benchmark; returns its URL."""
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def django_on_fresh_postgres(name: str) -> str:
    """A fresh database, Django set up against it and migrated, files in a temporary folder; returns its URL."""
    return django_on_existing_postgres(name, fresh_postgres(name))


def django_on_existing_postgres(name: str, url: str = "") -> str:
    """Django set up against a database that exists (and migrated); returns its URL."""
    url = url or f"{PG_SERVER}/{name}"
    os.environ.update(DATABASE_URL=url, CREDITDESK_VAR=tempfile.mkdtemp(prefix="creditdesk-bench-"),
                      DJANGO_SETTINGS_MODULE="creditdesk.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return url


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
VALUES ('USD', '2024-11-01', 7.1, 'bench', now()), ('USD', '2026-11-30', 7.1, 'bench', now());
ANALYZE;
"""


def load_portfolio(url: str, customers: int, items: int) -> None:
    """`customers` companies and `items` invoices over two years, nine in ten paid by now (some in part)."""
    from creditdesk.customers.models import Customer

    Customer.objects.bulk_create([Customer(code=f"B{n:06d}", name=f"Bench Co. {n}", country="CN", currency_id="CNY")
                                  for n in range(customers)], batch_size=5000)
    with psycopg.connect(url, autocommit=True) as connection:
        for statement in LEDGER_SQL.split(";"):
            if statement.strip():
                connection.execute(statement.replace("%(items)s", str(items)).replace("%(customers)s", str(customers)))
