"""Benchmark the order credit check over HTTP: `POST /api/credit-checks/` served by gunicorn (2 workers).

BENCH_CUSTOMERS customers (default 100,000) with BENCH_ITEMS invoices (default 2,000,000) on PostgreSQL; half
the checked customers have room under their limit (approved), half a limit of 1.00 (blocked). A load generator
on the same machine (BENCH_CLIENTS threads, BENCH_SECONDS each run) posts checks with fresh order references,
first to the project, then to `bare_check_app.py`, a bare WSGI app on the same server and database doing the
same core work with raw SQL (lock the customer, sum the exposure, insert the reservation, commit). Prints one
JSON line and writes it to var/bench/credit-check.json.
"""

import functools
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from benchlib import PROJECT_DIR, django_on_existing_postgres, django_on_fresh_postgres, load_portfolio, report

GOAL_RATIO = 0.5
WARM_UP_SECONDS = 3.0
CHECKED = 2000


def prepare(customers: int, items: int) -> tuple[str, str, list[int], list[int]]:
    """The portfolio, limits for the checked customers, and a token for the ERP user.

    BENCH_REUSE=1 keeps the database of the last run (migrated to the code's models), to time a change quickly.
    """
    if os.environ.get("BENCH_REUSE"):
        return reuse("creditdesk_bench_check")
    url = django_on_fresh_postgres("creditdesk_bench_check")
    load_portfolio(url, customers, items)
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from creditdesk.accounts.services import create_api_token
    from creditdesk.customers.models import Customer
    from creditdesk.limits.models import CreditLimit, LimitStatus

    erp = User.objects.create_user("erp")
    erp.groups.add(Group.objects.get(name="credit_analyst"))
    ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[:CHECKED])
    roomy, tight = ids[::2], ids[1::2]
    CreditLimit.objects.bulk_create([
        CreditLimit(customer_id=pk, amount=10**12 if pk in set(roomy) else 1, currency_id="CNY",
                    valid_from=timezone.localdate(), status=LimitStatus.ACTIVE, justification="bench",
                    requested_by=erp, approver_roles="credit_manager") for pk in ids])
    Customer.objects.filter(pk__in=ids).update(status="active")
    _token, plain = create_api_token(erp, erp, "bench")
    return url, plain, roomy, tight


def reuse(name: str) -> tuple[str, str, list[int], list[int]]:
    """The last run's database, its checked customers split as before, and a new token."""
    url = django_on_existing_postgres(name)
    from django.contrib.auth.models import User

    from creditdesk.accounts.services import create_api_token
    from creditdesk.limits.models import CreditLimit

    erp = User.objects.get(username="erp")
    roomy = list(CreditLimit.objects.filter(amount__gt=1).order_by("customer_id").values_list("customer_id", flat=True))
    tight = list(CreditLimit.objects.filter(amount=1).order_by("customer_id").values_list("customer_id", flat=True))
    return url, create_api_token(erp, erp, "bench")[1], roomy, tight


def serve(app: str, port: int, url: str) -> subprocess.Popen[bytes]:
    """gunicorn with 2 sync workers, as `make demo` runs the project."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": f"{PROJECT_DIR / 'src'}:{PROJECT_DIR / 'bench'}",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "DEBUG": "0",
           "CREDITDESK_OVERDUE_TOLERANCE_DAYS": "36500"}  # the generated ledger is old; the bare app ignores overdue
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), app, "--workers", "2", "--bind",
                                f"127.0.0.1:{port}", "--log-level", "warning"], env=env)
    for _attempt in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            return process
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{app} did not start")


def load(port: int, path: str, body: Any, headers: dict[str, str], clients: int, seconds: float,
         cases: dict[str, list[int]]) -> dict[str, Any]:
    """Post checks from `clients` threads for `seconds`; latencies per case."""
    latencies: dict[str, list[float]] = {case: [] for case in cases}
    failures: list[str] = []
    decisions: list[str] = []
    deadline = time.perf_counter() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            case = rng.choice(list(cases))
            payload = json.dumps(body(rng.choice(cases[case]), uuid.uuid4().hex[:20]))
            started = time.perf_counter()
            connection.request("POST", path, payload, {"Content-Type": "application/json", **headers})
            response = connection.getresponse()
            answer = response.read()
            if response.status != 200:
                failures.append(f"HTTP {response.status}: {answer[:300]!r}")
                return
            latencies[case].append(time.perf_counter() - started)
            decisions.append(json.loads(answer)["decision"])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"port {port}: {failures[0]}")
    done = sum(len(values) for values in latencies.values())
    return {"checks_per_second": round(done / seconds, 1),
            "decisions": {d: decisions.count(d) for d in sorted(set(decisions))},
            **{f"{case}_p50_ms": round(statistics.median(v) * 1000, 1) for case, v in latencies.items() if v},
            **{f"{case}_p99_ms": round(statistics.quantiles(v, n=100)[98] * 1000, 1)
               for case, v in latencies.items() if len(v) > 1}}


def main() -> None:
    customers = int(os.environ.get("BENCH_CUSTOMERS", "100000"))
    items = int(os.environ.get("BENCH_ITEMS", "2000000"))
    clients = int(os.environ.get("BENCH_CLIENTS", "8"))
    seconds = float(os.environ.get("BENCH_SECONDS", "20"))
    url, token, roomy, tight = prepare(customers, items)
    cases = {"approved": roomy, "blocked": tight}
    project = serve("creditdesk.wsgi", 8031, url)
    try:
        ask = functools.partial(load, 8031, "/api/credit-checks/",
                                lambda pk, ref: {"customer": str(pk), "order_reference": ref, "amount": "100.00"},
                                {"Authorization": f"Bearer {token}"}, clients)
        ask(WARM_UP_SECONDS, cases)  # both workers loaded and their caches warm before timing
        ours = ask(seconds, cases)
        print("project:", json.dumps(ours), flush=True)
    finally:
        project.terminate()
    bare = serve("bare_check_app:application", 8032, url)
    try:
        plain = functools.partial(load, 8032, "/", lambda pk, ref: {"customer": pk, "amount": "100.00"}, {}, clients)
        plain(WARM_UP_SECONDS, cases)
        direct = plain(seconds, cases)
    finally:
        bare.terminate()
    report({"bench": "credit-check", "customers": customers, "items": items, "database": "postgresql",
            "workers": 2, "clients": clients, "seconds_per_run": seconds,
            **{f"project_{k}": v for k, v in ours.items()}, **{f"bare_{k}": v for k, v in direct.items()},
            "ratio": round(ours["checks_per_second"] / direct["checks_per_second"], 2), "goal": GOAL_RATIO})


if __name__ == "__main__":
    main()
