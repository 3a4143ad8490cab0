"""`creditdesk token create USERNAME [--name NAME]`, `token list USERNAME`, `token revoke ID`."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from creditdesk.accounts.models import ApiToken
from creditdesk.accounts.services import create_api_token, revoke_api_token


class Command(BaseCommand):
    help = "Create, list or revoke API tokens. A new token is printed once and never again."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--name", default="command line")
        listing = sub.add_parser("list")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("token_id", type=int)
        revoke.add_argument("--reason", default="revoked on the command line")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "revoke":
            token = ApiToken.objects.select_related("user").filter(pk=options["token_id"]).first()
            if token is None:
                raise CommandError(f"no token {options['token_id']}")
            revoke_api_token(token.user, token, options["reason"])
            self.stdout.write(f"revoked token {token.pk} ({token.name})")
            return
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        if options["action"] == "create":
            _token, plain = create_api_token(user, user, options["name"])
            self.stdout.write(plain)
            return
        for token in ApiToken.objects.filter(user=user):
            state = "revoked" if token.revoked_at else "active"
            self.stdout.write(f"{token.pk}\t{token.prefix}…\t{token.name}\t{state}\tlast used {token.last_used_at}")
