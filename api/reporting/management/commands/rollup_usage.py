import datetime

from django.core.management.base import BaseCommand, CommandError

from api.reporting import services


def _month(value: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError as exc:
        raise CommandError(f"--since takes a month as YYYY-MM, not {value!r}.") from exc


class Command(BaseCommand):
    help = (
        "Roll publication usage (downloads and detail views) up into monthly counts per organisation and "
        "publication, for every complete month not rolled up yet; the usage report reads the roll-up for "
        "those months and the raw records for the rest. Idempotent: run it from cron or Windows Task "
        "Scheduler daily (or hourly); --since YYYY-MM recomputes from that month on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help="Recompute every complete month from this one (YYYY-MM).")

    def handle(self, *args, **options):
        since = _month(options["since"]) if options["since"] else None
        outcome = services.rollup_usage(since=since)
        through = f"{outcome.through:%Y-%m}" if outcome.through else "nothing yet"
        self.stdout.write(
            f"Rolled up {len(outcome.months)} month(s), {outcome.rows} row(s); complete through {through}."
        )
