from django.core.management.base import BaseCommand

from api.core.request_context import acting_as
from api.publications.changes import record_embargo_lifts


class Command(BaseCommand):
    help = (
        "Record a change for each publication whose embargo has ended since its last change, so the change "
        "feed and webhooks announce it (nothing writes the row when an embargo ends). Run it daily."
    )

    def handle(self, *args, **options):
        with acting_as(None, via="command"):
            count = record_embargo_lifts()
        self.stdout.write(f"{count} publication(s) became public.")
