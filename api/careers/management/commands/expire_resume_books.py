from django.core.management.base import BaseCommand

from api.careers import resume_books
from api.core.request_context import acting_as


class Command(BaseCommand):
    help = (
        "Expire the resume books past their expiry date (CAREERS_RESUME_BOOK_DAYS after they were built): "
        "their ZIP files leave storage. Also marks failed the books whose job stopped without finishing "
        f"(queued or building for over {resume_books.STALLED_AFTER}), so companies can order again. "
        "Safe to run from cron or Windows Task Scheduler as often as you like (e.g. hourly)."
    )

    def handle(self, *args, **options):
        with acting_as(via="command"):  # the audit trail says a command did it
            expired = resume_books.expire()
            stalled = resume_books.fail_stalled()
        self.stdout.write(f"Expired {expired} resume book(s); marked {stalled} stalled resume book(s) failed.")
