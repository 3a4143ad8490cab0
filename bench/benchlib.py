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
    url = fresh_postgres(name)
    os.environ.update(DATABASE_URL=url, CREDITDESK_VAR=tempfile.mkdtemp(prefix="creditdesk-bench-"),
                      DJANGO_SETTINGS_MODULE="creditdesk.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return url
