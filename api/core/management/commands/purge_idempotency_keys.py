from django.core.management.base import BaseCommand

from api.core.idempotency.services import idempotency_purge


class Command(BaseCommand):
    help = (
        "Delete expired Idempotency-Key records (older than IDEMPOTENCY_TTL_HOURS). Requests also purge "
        "their own user's expired keys; run this daily (cron or Windows Task Scheduler) for the rest."
    )

    def handle(self, *args, **options):
        deleted = idempotency_purge()
        self.stdout.write(f"Deleted {deleted} expired Idempotency-Key record(s).")
