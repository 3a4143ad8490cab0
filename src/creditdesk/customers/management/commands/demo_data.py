"""`creditdesk demo-data`: fill an empty database with demo users and a realistic credit portfolio."""

import argparse
import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from creditdesk.customers.demo import DEMO_PASSWORD, load_demo_data
from creditdesk.customers.models import Customer


def positive_int(value: str) -> int:
    """A portfolio needs at least one customer."""
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


class Command(BaseCommand):
    help = (
        "Load demo users (one per role, password 'creditdesk') and a deterministic portfolio of customers "
        "with groups, contacts and communications into an empty database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=positive_int, default=500, help="how many customers (default 500)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same portfolio (default 1)")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing, successfully, when customers already exist")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="anchor the communications' dates to this day (YYYY-MM-DD; default today)")

    def handle(self, *args: Any, customers: int, seed: int, if_empty: bool, today: dt.date | None,
               **options: Any) -> None:
        if Customer.objects.exists():
            if if_empty:
                self.stdout.write("Customers already exist; demo data not loaded.")
                return
            raise CommandError("Customers already exist: load demo data into an empty database, or pass --if-empty.")
        started = time.perf_counter()
        result = load_demo_data(customers, seed, today or timezone.localdate())
        self.stdout.write(self.style.SUCCESS(
            f"Loaded {result.customers} customers, {result.contacts} contacts and {result.communications} "
            f"communications (seed {seed}) and created {result.users_created} demo users "
            f"in {time.perf_counter() - started:.1f} s. Demo password: {DEMO_PASSWORD}"
        ))
