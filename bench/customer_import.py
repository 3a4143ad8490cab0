"""Benchmark a customers file import (check + write, with one audit entry per customer) on PostgreSQL.

BENCH_ROWS customers (default 10,000, the API's batch limit) as a CSV file through `run_import`, against the
simplest direct way: psycopg's COPY of the same rows into a bare table with the same columns. Prints one JSON
line and writes it to var/bench/customer-import.json.
"""

import csv
import io
import os
import time

import psycopg
from benchlib import django_on_fresh_postgres, report

GOAL_SECONDS = 30
COLUMNS = ["external_id", "name", "local_name", "uscc", "country", "industry", "currency", "payment_terms_days"]


def customer_rows(count: int) -> list[list[str]]:
    from creditdesk.customers.uscc import uscc_check_character

    rows = []
    for n in range(count):
        body = f"91310000{n:09d}"
        rows.append([f"BENCH-{n}", f"Bench Trading Co. {n}", f"基准贸易有限公司{n}", body + uscc_check_character(body),
                     "CN", "F", "CNY", "60"])
    return rows


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode()


def copy_seconds(url: str, rows: list[list[str]]) -> float:
    """The floor: COPY the same rows into a bare table, no checks, no audit."""
    with psycopg.connect(url) as connection:
        connection.execute(f"CREATE TABLE bare_customer ({', '.join(f'{c} text' for c in COLUMNS)})")
        started = time.perf_counter()
        with connection.cursor().copy(f"COPY bare_customer ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        connection.commit()
        return time.perf_counter() - started


def main() -> None:
    count = int(os.environ.get("BENCH_ROWS", "10000"))
    url = django_on_fresh_postgres("creditdesk_bench_import")
    from django.contrib.auth.models import Group, User

    from creditdesk.imports.models import ImportStatus
    from creditdesk.imports.services import run_import

    user = User.objects.create_user("bench")
    user.groups.add(Group.objects.get(name="credit_analyst"))
    rows = customer_rows(count)
    content = as_csv(rows)
    started = time.perf_counter()
    batch = run_import(user, "customers", "customers.csv", content)
    seconds = time.perf_counter() - started
    if batch.status != ImportStatus.APPLIED:
        raise SystemExit(f"import did not apply: {batch.errors[:3]}")
    again = time.perf_counter()
    unchanged = run_import(user, "customers", "customers.csv", content)
    resend_seconds = time.perf_counter() - again
    baseline = copy_seconds(url, rows)
    report({"bench": "customer-import", "rows": count, "database": "postgresql", "seconds": round(seconds, 2),
            "resend_unchanged_seconds": round(resend_seconds, 2), "unchanged": unchanged.unchanged_count,
            "copy_seconds": round(baseline, 3), "ratio": round(seconds / baseline, 1),
            "goal_seconds": GOAL_SECONDS, "goal": f"seconds <= {GOAL_SECONDS}"})


if __name__ == "__main__":
    main()
