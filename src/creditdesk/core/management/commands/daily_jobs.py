"""`creditdesk daily-jobs`: the work a credit department's system does every night."""

from typing import Any

from django.core.management.base import BaseCommand

from creditdesk.core.jobs import run_daily_jobs


class Command(BaseCommand):
    help = "Run the daily jobs (seal the audit chain; later: expiries, dunning, early warnings)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, outcome in run_daily_jobs().items():
            self.stdout.write(f"{name}: {outcome}")
