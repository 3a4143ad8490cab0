"""`creditdesk import KIND FILE [--mapping NAME] [--encoding E] [--user U] [--check]`."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from creditdesk.imports.kinds import KINDS
from creditdesk.imports.models import ImportStatus
from creditdesk.imports.readers import refuse_too_large
from creditdesk.imports.services import run_import, stage_import


class Command(BaseCommand):
    help = "Import a CSV or XLSX file: every row is checked, then all are written or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--mapping", default="creditdesk", help="column mapping preset")
        parser.add_argument("--encoding", default="auto", choices=["auto", "utf-8", "gb18030", "gbk", "utf-16"])
        parser.add_argument("--user", default="admin", help="who the import is recorded as")
        parser.add_argument("--check", action="store_true", help="check only, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}; pass --user")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no file {path}")
        action = stage_import if options["check"] else run_import
        try:
            refuse_too_large(path.stat().st_size)
            batch = action(user, options["kind"], path.name, path.read_bytes(), options["encoding"], options["mapping"])
        except ValidationError as refusal:  # a file past a limit, an unknown mapping: nothing recorded
            raise CommandError(" ".join(refusal.messages)) from None
        for error in batch.errors:
            self.stderr.write(f"row {error['row']} {error['column']}: {error['message']}")
        self.stdout.write(
            f"import #{batch.pk} {batch.status}: {batch.row_count} rows, {batch.created_count} created, "
            f"{batch.updated_count} updated, {batch.unchanged_count} unchanged, {len(batch.errors)} errors"
        )
        if batch.status not in (ImportStatus.APPLIED, ImportStatus.STAGED):
            raise CommandError("nothing was written")
