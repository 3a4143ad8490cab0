"""`creditdesk audit seal|verify`: extend the hash chain, or prove it is intact."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from creditdesk.audit.selectors import verify_audit_chain
from creditdesk.audit.services import seal_audit_chain


class Command(BaseCommand):
    help = "Seal new audit entries into the hash chain, or verify the whole chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["seal", "verify"])
        parser.add_argument("--follow", type=float, metavar="SECONDS",
                            help="with seal: keep sealing every SECONDS until stopped")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            while True:
                self.stdout.write(f"sealed {seal_audit_chain()} entries")
                if not options["follow"]:
                    return
                time.sleep(options["follow"])
        report = verify_audit_chain()
        if not report.ok:
            where = f"entry {report.bad_entry_id}: " if report.bad_entry_id else ""
            raise CommandError(f"audit chain broken at {where}{report.problem}")
        self.stdout.write(f"audit chain intact: {report.sealed} sealed, {report.unsealed} not yet sealed")
