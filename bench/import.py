"""Benchmark the invoice feed: BENCH_ROWS invoice lines (default 1,000,000) from CSV into PostgreSQL.

The file goes through `run_import` (read, map, check every row against customers, currencies and the ledger,
write in bulk, record and audit the batch), against the simplest direct way: COPY of the same file into a
bare table of text columns on the same server. Prints one JSON line and writes it to var/bench/import.json.
"""

import csv
import datetime as dt
import io
import os
import random
import time

import psycopg
from benchlib import django_on_fresh_postgres, report

GOAL_RATIO = 3
CUSTOMERS = 20_000
COLUMNS = ["source", "external_id", "number", "customer", "invoice_date", "due_date", "currency", "net_amount",
           "tax_amount", "gross_amount"]


def invoice_file(count: int) -> bytes:
    """A realistic SAP-like export: VAT invoices of 20,000 customers over two years."""
    rng = random.Random(7)
    start = dt.date(2025, 1, 1)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for n in range(count):
        issued = start + dt.timedelta(days=rng.randrange(700))
        net = rng.randrange(10_000, 5_000_000)
        tax = net * 13 // 100
        writer.writerow(["sap", f"S{n:08d}", f"F{n:08d}", f"B{rng.randrange(CUSTOMERS):06d}", issued.isoformat(),
                         (issued + dt.timedelta(days=60)).isoformat(), "CNY", f"{net / 100:.2f}", f"{tax / 100:.2f}",
                         f"{(net + tax) / 100:.2f}"])
    return out.getvalue().encode()


def copy_seconds(url: str, content: bytes) -> float:
    """The floor: COPY the same CSV into a bare table, no checks, no audit."""
    with psycopg.connect(url) as connection:
        connection.execute(f"CREATE TABLE bare_invoice ({', '.join(f'{c} text' for c in COLUMNS)})")
        started = time.perf_counter()
        with connection.cursor().copy("COPY bare_invoice FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            copy.write(content)
        connection.commit()
        return time.perf_counter() - started


def main() -> None:
    count = int(os.environ.get("BENCH_ROWS", "1000000"))
    url = django_on_fresh_postgres("creditdesk_bench_ledger_import")
    from django.contrib.auth.models import Group, User

    from creditdesk.customers.models import Customer
    from creditdesk.imports.models import ImportStatus
    from creditdesk.imports.services import run_import
    from creditdesk.receivables.models import Invoice

    user = User.objects.create_user("bench")
    user.groups.add(Group.objects.get(name="credit_analyst"))
    Customer.objects.bulk_create([Customer(code=f"B{n:06d}", external_id=f"B{n:06d}", name=f"Bench Co. {n}",
                                           currency_id="CNY", country="CN") for n in range(CUSTOMERS)],
                                 batch_size=5000)
    content = invoice_file(count)
    started = time.perf_counter()
    batch = run_import(user, "invoices", "invoices.csv", content)
    seconds = time.perf_counter() - started
    if batch.status != ImportStatus.APPLIED or Invoice.objects.count() != count:
        raise SystemExit(f"import did not apply: {batch.errors[:3]}")
    baseline = copy_seconds(url, content)
    report({"bench": "import", "rows": count, "megabytes": round(len(content) / 1e6, 1), "database": "postgresql",
            "seconds": round(seconds, 2), "rows_per_second": round(count / seconds), "copy_seconds": round(baseline, 2),
            "ratio": round(seconds / baseline, 2), "goal": GOAL_RATIO})


if __name__ == "__main__":
    main()
