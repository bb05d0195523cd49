from django.core.management.base import BaseCommand, CommandError

from api.research import reminders


class Command(BaseCommand):
    help = (
        "Email the principal investigators of active tasks about open deliverables due within --days days "
        "and about overdue ones. Each deliverable is reminded of once per stage and due date, so it is safe "
        "to run from cron or Windows Task Scheduler as often as you like. Exit code 1 if any email failed "
        "(the next run retries those)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=reminders.DEFAULT_DAYS,
            help=f"Remind of deliverables due within this many days (default {reminders.DEFAULT_DAYS}).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; send and write nothing.")

    def handle(self, *args, **options):
        days, dry_run = options["days"], options["dry_run"]
        if days < 0:
            raise CommandError("--days must be zero or more.")
        outcome = reminders.send_reminders(days=days, dry_run=dry_run)
        if dry_run:
            self._print_plan(outcome)
        self.stdout.write(self._summary(outcome, dry_run=dry_run))
        if outcome.failed:
            raise CommandError(f"{outcome.failed} reminder(s) could not be sent; the next run retries them.")

    def _print_plan(self, outcome):
        for recipients, group in outcome.planned:
            self.stdout.write(f"Would email {', '.join(person.email for person in recipients)}:")
            for reminder in group:
                deliverable = reminder.deliverable
                self.stdout.write(
                    f"  {reminder.stage:<8} {deliverable.task.number} {deliverable.title} (due {deliverable.due_on})"
                )

    @staticmethod
    def _summary(outcome, *, dry_run: bool) -> str:
        if dry_run:
            planned = sum(len(group) for _, group in outcome.planned)
            head = f"Dry run: would send {planned} reminder(s) in {len(outcome.planned)} email(s)"
        else:
            head = f"Sent {outcome.sent} reminder(s) in {outcome.emails} email(s)"
        parts = [f"{head}; skipped {outcome.already_sent} already sent"]
        if outcome.no_recipients:
            parts.append(f"{outcome.no_recipients} without a principal investigator")
        parts.append(f"{outcome.failed} failed")
        return ", ".join(parts) + "."
