"""Benchmark `creditdesk demo-data` against the simplest direct way of writing the same customer rows.

Run `.venv/bin/python bench/demo_data.py` (BENCH_CUSTOMERS sets the portfolio size, default 100,000). The
command runs in a fresh temporary SQLite database with `--no-history`, since the goal is about the
portfolio; the baseline is one sqlite3 `executemany` of the very customer rows the command stored, into a
bare table with the same columns. BENCH_HISTORY=1 then also times loading the 24 months of ledger history
into the same database (tens of millions of rows at 100,000 customers) and reports it beside the goal.
Prints one JSON line and writes it to var/bench/demo-data.json.
"""

import dataclasses
import io
import os
import sqlite3
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import django
from benchlib import report
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

GOAL_SECONDS = 120
TABLE = "customers_customer"


def use_fresh_database(workdir: Path) -> Path:
    """Point Django at a new database file before it reads its settings, so no real data is touched."""
    database = workdir / "creditdesk.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["CREDITDESK_VAR"] = str(workdir / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "creditdesk.settings"
    return database


def command_seconds(customers: int) -> float:
    """Migrate untimed, then time the command as an operator runs it, without the ledger history."""
    django.setup()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("demo_data", customers=customers, seed=1, history=False, stdout=io.StringIO())
    elapsed = time.perf_counter() - started
    connections.close_all()
    return elapsed


def history_figures() -> dict[str, Any]:
    """Time loading the ledger history of the customers just loaded, with what it wrote."""
    from creditdesk.receivables.demo import load_demo_history

    started = time.perf_counter()
    written = load_demo_history(1, timezone.localdate())
    elapsed = time.perf_counter() - started
    connections.close_all()
    return {"history_seconds": round(elapsed, 2), "history_rows": dataclasses.asdict(written)}


def stored_customers(database: Path) -> tuple[list[tuple[str, str]], list[tuple[Any, ...]]]:
    """The customer table's columns with their declared types, and its rows as the command stored them."""
    with closing(sqlite3.connect(database)) as connection:
        columns = [(row[1], row[2]) for row in connection.execute(f"PRAGMA table_info({TABLE})")]
        names = ", ".join(f'"{name}"' for name, _ in columns)
        rows = connection.execute(f"SELECT {names} FROM {TABLE} ORDER BY id").fetchall()
    return columns, rows


def baseline_seconds(database: Path, columns: list[tuple[str, str]], rows: list[tuple[Any, ...]]) -> float:
    """The simplest direct way: one executemany into a bare table (no keys, no indexes) and one commit."""
    with closing(sqlite3.connect(database)) as connection:
        definitions = ", ".join(f'"{name}" {kind}' for name, kind in columns)
        connection.execute(f"CREATE TABLE customer ({definitions})")
        started = time.perf_counter()
        connection.executemany(f"INSERT INTO customer VALUES ({', '.join('?' * len(columns))})", rows)
        connection.commit()
        return time.perf_counter() - started


def main() -> None:
    """Run both, print the result as one JSON line and keep it under var/bench/."""
    customers = int(os.environ.get("BENCH_CUSTOMERS", "100000"))
    with tempfile.TemporaryDirectory(prefix="creditdesk-bench-") as tmp:
        workdir = Path(tmp)
        database = use_fresh_database(workdir)
        seconds = command_seconds(customers)
        history = history_figures() if os.environ.get("BENCH_HISTORY") == "1" else {}
        columns, rows = stored_customers(database)
        baseline = baseline_seconds(workdir / "baseline.sqlite3", columns, rows)
    result = {
        "bench": "demo-data",
        "customers": customers,
        "seconds": round(seconds, 2),
        "baseline_seconds": round(baseline, 3),
        "ratio": round(seconds / baseline, 1),
        "goal_seconds": GOAL_SECONDS,
        "goal": f"seconds <= {GOAL_SECONDS}",
        **history,
    }
    report(result)


if __name__ == "__main__":
    main()
