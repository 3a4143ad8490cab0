"""The direct way to do a credit check, for the `credit-check` benchmark: a bare WSGI app with raw SQL.

Lock the customer, read its limit, sum its exposure (open invoices less their allocations, plus open orders),
insert the reservation when it fits, commit. No framework, no checks beyond that, no audit.
"""

import json
import os
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import psycopg

EXPOSURE = """
SELECT (SELECT coalesce(sum(gross_amount), 0) FROM receivables_invoice WHERE customer_id = %(c)s AND status = 'open')
     - (SELECT coalesce(sum(a.amount), 0) FROM receivables_allocation a
        JOIN receivables_invoice i ON i.id = a.invoice_id
        WHERE i.customer_id = %(c)s AND i.status = 'open' AND a.reversed_at IS NULL)
     + (SELECT coalesce(sum(amount), 0) FROM receivables_salesorder WHERE customer_id = %(c)s AND status = 'open')
"""
RESERVE = """
INSERT INTO receivables_salesorder (customer_id, currency_id, source, external_id, created_at, number, ordered_on,
    amount, shipped_amount, invoiced_amount, status)
VALUES (%(c)s, 'CNY', 'bare', %(ref)s, now(), %(ref)s, current_date, %(amount)s, 0, 0, 'open')
"""
connection: psycopg.Connection[Any] | None = None


def database() -> psycopg.Connection[Any]:
    """One connection per worker process, opened on first use."""
    global connection
    if connection is None or connection.closed:
        connection = psycopg.connect(os.environ["DATABASE_URL"])
    return connection


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    body = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
    customer, amount = int(body["customer"]), body["amount"]
    db = database()
    with db.transaction():
        db.execute("SELECT id FROM customers_customer WHERE id = %s FOR UPDATE", (customer,))
        row = db.execute("SELECT amount FROM limits_creditlimit WHERE customer_id = %s AND status = 'active' "
                         "ORDER BY id DESC LIMIT 1", (customer,)).fetchone()
        exposure = db.execute(EXPOSURE, {"c": customer}).fetchone()[0]  # type: ignore[index]
        approved = row is not None and exposure + Decimal(str(amount)) <= row[0]
        if approved:
            reference = uuid.uuid4().hex[:30]
            db.execute(RESERVE, {"c": customer, "ref": reference, "amount": amount})
    answer = json.dumps({"decision": "approved" if approved else "blocked", "exposure": str(exposure)}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))])
    return [answer]
