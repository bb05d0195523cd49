from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api.core.request_context import acting_as
from api.core.tokens.models import SCOPES
from api.core.tokens.services import token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it (on the last line). It is shown only once."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="The email of the token's user.")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument("--scope", action="append", choices=SCOPES, required=True, help="read and/or write")
        parser.add_argument("--expires-in-days", type=int, default=None, help="Defaults to the configured lifetime.")

    def handle(self, *args, **options):
        User = get_user_model()
        try:
            user = User.objects.get(email=options["user"].strip().lower())
        except User.DoesNotExist as exc:
            raise CommandError(f"No user with email {options['user']!r}.") from exc
        days = options["expires_in_days"]
        expires_at = timezone.now() + timedelta(days=days) if days is not None else None
        try:
            with acting_as(None, via="command"):
                issued = token_create(user=user, name=options["name"], scopes=options["scope"], expires_at=expires_at)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        token = issued.token
        self.stderr.write(
            f"Token {token.name!r} for {user.email}, scopes {token.scopes}, "
            f"expires {token.expires_at:%Y-%m-%d %H:%M} UTC."
        )
        self.stdout.write(issued.raw)
