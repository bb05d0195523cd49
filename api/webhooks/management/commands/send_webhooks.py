"""Dispatch committed changes not dispatched yet and send every webhook delivery that is due.

The background worker does both as changes commit (api.webhooks.tasks); run this from cron or
Windows Task Scheduler (e.g. every five minutes) as a safety net: it sends what a lost job, a
worker restart or a backend without delayed jobs left waiting. Safe to run at any time, also
alongside the worker (the dispatcher locks its watermark; each attempt takes a lease).
"""

from django.core.management.base import BaseCommand

from api.webhooks import dispatch, sending


class Command(BaseCommand):
    help = "Dispatch pending changes to webhook endpoints and send deliveries that are due."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="At most this many attempts (default 500).")

    def handle(self, *args, limit, **options):
        created = dispatch.dispatch_pending()
        attempted = sending.send_due(limit=limit)
        self.stdout.write(f"{len(created)} deliveries created, {attempted} attempts made.")
