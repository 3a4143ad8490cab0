"""`creditdesk demo-data`: fill an empty database with demo users, a realistic credit portfolio and its ledger."""

import argparse
import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from creditdesk.assessment.demo import CreditFilesResult, load_demo_credit_files, run_demo_assessments
from creditdesk.collections.demo import load_demo_promises
from creditdesk.customers.demo import DEMO_PASSWORD, load_demo_data
from creditdesk.customers.models import Customer
from creditdesk.limits.demo import LimitsResult, load_demo_limits
from creditdesk.receivables.demo import MONTHS, HistoryResult, load_demo_history


def positive_int(value: str) -> int:
    """A portfolio needs at least one customer."""
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


class Command(BaseCommand):
    help = (
        "Load demo users (one per role, password 'creditdesk') and a deterministic portfolio of customers "
        "with groups, contacts and communications, and by default 24 months of ledger history (invoices, "
        "credit notes, payments, allocations, open orders) and exchange rates with, on top of it, credit limits "
        "and their approvals, checked orders, financial statements, qualitative answers, agency ratings and "
        "assessments, into an empty database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=positive_int, default=500, help="how many customers (default 500)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same portfolio (default 1)")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing, successfully, when customers already exist")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="anchor the communications' and the ledger's dates to this day (YYYY-MM-DD; "
                                 "default today)")
        parser.add_argument("--history", action=argparse.BooleanOptionalAction, default=True,
                            help=f"also load {MONTHS} months of ledger history, exchange rates, credit limits, "
                                 f"checks and credit files (default: yes)")

    def handle(self, *args: Any, customers: int, seed: int, if_empty: bool, today: dt.date | None, history: bool,
               **options: Any) -> None:
        if Customer.objects.exists():
            if if_empty:
                self.stdout.write("Customers already exist; demo data not loaded.")
                return
            raise CommandError("Customers already exist: load demo data into an empty database, or pass --if-empty.")
        started = time.perf_counter()
        day = today or timezone.localdate()
        with transaction.atomic():
            result = load_demo_data(customers, seed, day)
            ledger = load_demo_history(seed, day) if history else None
            credit = self.load_credit(seed, day) if history else None
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"Loaded {result.customers} customers, {result.contacts} contacts and {result.communications} "
            f"communications (seed {seed}) and created {result.users_created} demo users."
            f"{self.history_summary(ledger)}{self.credit_summary(credit)} Done in {seconds:.1f} s. "
            f"Demo password: {DEMO_PASSWORD}"
        ))

    @staticmethod
    def history_summary(ledger: HistoryResult | None) -> str:
        """What the ledger history added, so the operator sees the demo has receivables to work with."""
        if ledger is None:
            return ""
        return (f" Added {MONTHS} months of ledger history: {ledger.invoices} invoices, {ledger.credit_notes} credit "
                f"notes, {ledger.payments} payments, {ledger.allocations} allocations, {ledger.orders} open orders "
                f"and {ledger.rates} exchange rates.")

    @staticmethod
    def load_credit(seed: int, day: dt.date) -> tuple[CreditFilesResult, LimitsResult, dict[str, int], int]:
        """Credit files, then limits and checked orders and the collector's promises, then the assessments that
        weigh the limits in force and the broken promises."""
        files = load_demo_credit_files(seed, day)
        limits = load_demo_limits(seed, day)
        promises = load_demo_promises(seed, day)
        return files, limits, promises, run_demo_assessments(day)

    @staticmethod
    def credit_summary(credit: tuple[CreditFilesResult, LimitsResult, dict[str, int], int] | None) -> str:
        """What the credit files and limits added, so the operator sees the Limits and Assessment tabs have work."""
        if credit is None:
            return ""
        files, limits, promises, assessments = credit
        checks = limits.checks
        return (f" Added credit files: {files.statements} financial statements, {files.answers} qualitative answers, "
                f"{files.ratings} external ratings and {assessments} assessments; credit limits: "
                f"{limits.active} active, {limits.requested} awaiting approval and {limits.expired} expired; "
                f"{limits.total_checks} credit checks: {checks['approved']} approved, {checks['watch']} to watch and "
                f"{checks['blocked']} blocked, of which {checks['released']} released and {checks['rejected']} "
                f"rejected. {promises['recorded']} promises to pay: {promises['kept']} kept, {promises['broken']} "
                f"broken.")
