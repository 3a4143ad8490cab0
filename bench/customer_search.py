"""Benchmark the customer list (search, filter, sort, one page) on 100,000 customers in PostgreSQL.

The project's selector (`customers.selectors.customer_list`, as the list page and the API run it: a count
and one page of 50 with owner and currency) against the simplest direct way: the same two hand-written SQL
queries on the same database. BENCH_CUSTOMERS sets the portfolio size (default 100,000), BENCH_PG the
server. Prints one JSON line and writes it to var/bench/customer-search.json.
"""

import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable

from benchlib import fresh_postgres, report

REPEATS = 15
PAGE = 50
GOAL = 1.5
SCENARIOS: dict[str, tuple[dict[str, object], str, list[object], str, int]] = {
    "local name contains": ({"search": "上海"}, "(UPPER(c.name) LIKE UPPER(%s) OR UPPER(c.local_name) LIKE UPPER(%s)"
                            " OR c.code LIKE %s OR c.uscc LIKE %s OR c.external_id = %s)",
                            ["%上海%", "%上海%", "上海%", "上海%", "上海"], "c.name, c.id", 0),
    "English name contains": ({"search": "precision"}, "(UPPER(c.name) LIKE UPPER(%s) OR UPPER(c.local_name) LIKE "
                              "UPPER(%s) OR c.code LIKE %s OR c.uscc LIKE %s OR c.external_id = %s)",
                              ["%precision%", "%precision%", "PRECISION%", "PRECISION%", "precision"],
                              "c.name, c.id", 0),
    "customer number prefix": ({"search": "C0420"}, "(UPPER(c.name) LIKE UPPER(%s) OR UPPER(c.local_name) LIKE "
                               "UPPER(%s) OR c.code LIKE %s OR c.uscc LIKE %s OR c.external_id = %s)",
                               ["%C0420%", "%C0420%", "C0420%", "C0420%", "C0420"], "c.name, c.id", 0),
    "status filter, page 20": ({"status": "on_hold"}, "c.status = %s", ["on_hold"], "c.name, c.id", 19 * PAGE),
    "all, sorted by number desc, page 500": ({"sort": "-code"}, "TRUE", [], "c.code DESC, c.id", 499 * PAGE),
}


def median_ms(work: Callable[[], object]) -> float:
    work()
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def main() -> None:
    customers = int(os.environ.get("BENCH_CUSTOMERS", "100000"))
    os.environ["DATABASE_URL"] = fresh_postgres("creditdesk_bench_search")
    os.environ["CREDITDESK_VAR"] = tempfile.mkdtemp(prefix="creditdesk-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "creditdesk.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection

    from creditdesk.customers.selectors import CustomerFilter, customer_list

    call_command("migrate", verbosity=0)
    call_command("demo_data", customers=customers, seed=1, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    manager = User.objects.get(username="manager")

    def project(filters: dict[str, object], offset: int) -> Callable[[], object]:
        def run() -> object:
            customers_page = customer_list(manager, CustomerFilter(**filters))  # type: ignore[arg-type]
            rows = [(c.code, c.owner.username if c.owner else "", c.currency_id)
                    for c in customers_page[offset:offset + PAGE]]
            return customers_page.count(), rows
        return run

    def direct(where: str, params: list[object], order: str, offset: int) -> Callable[[], object]:
        def run() -> object:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM customers_customer c WHERE {where}", params)
                count = cursor.fetchone()
                cursor.execute(
                    f"SELECT c.*, u.username, cur.code FROM customers_customer c "
                    f"LEFT JOIN auth_user u ON u.id = c.owner_id "
                    f"JOIN currencies_currency cur ON cur.code = c.currency_id "
                    f"WHERE {where} ORDER BY {order} LIMIT {PAGE} OFFSET {offset}", params)
                return count, cursor.fetchall()
        return run

    figures = {}
    for name, (filters, where, params, order, offset) in SCENARIOS.items():
        figures[name] = {"project_ms": round(median_ms(project(filters, offset)), 2),
                         "direct_ms": round(median_ms(direct(where, params, order, offset)), 2)}
    total_project = sum(f["project_ms"] for f in figures.values())
    total_direct = sum(f["direct_ms"] for f in figures.values())
    report({"bench": "customer-search", "customers": customers, "database": "postgresql",
            "scenarios": figures, "project_ms_total": round(total_project, 2),
            "direct_ms_total": round(total_direct, 2), "ratio": round(total_project / total_direct, 2),
            "goal": GOAL})


if __name__ == "__main__":
    main()
