"""`creditdesk audit seal|verify`: extend the hash chain and export its head, or prove the chain is intact."""

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from creditdesk.audit.selectors import HeadLogError, verify_audit_trail
from creditdesk.audit.services import BrokenChain, seal_audit_chain


class Command(BaseCommand):
    help = _("Seal new audit entries into the hash chain and export its head, or verify the whole chain.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["seal", "verify"])
        parser.add_argument("--follow", type=float, metavar="SECONDS",
                            help=_("with seal: keep sealing every SECONDS until stopped"))
        parser.add_argument("--head-log", type=Path, metavar="FILE",
                            help=_("with verify: the log of exported heads to check (default: "
                                   "CREDITDESK_AUDIT_HEAD_LOG)"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            self.seal(options["follow"])
        else:
            self.verify(options["head_log"] or Path(settings.CREDITDESK_AUDIT_HEAD_LOG))

    def seal(self, follow: float | None) -> None:
        """Seal once, or every `follow` seconds; a chain whose head was deleted is never extended."""
        while True:
            try:
                sealed = seal_audit_chain()
            except BrokenChain as error:
                raise CommandError(_("audit chain broken: %(problem)s") % {"problem": error}) from error
            self.stdout.write(ngettext("sealed %(count)d entry", "sealed %(count)d entries", sealed) % {
                "count": sealed})
            if not follow:
                return
            time.sleep(follow)

    def verify(self, head_log: Path) -> None:
        """Exit non-zero naming the first problem, so a scheduler or an auditor sees it."""
        try:
            report = verify_audit_trail(head_log)
        except HeadLogError as error:
            raise CommandError(str(error)) from error
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
