"""When a deliverable is due, and whether it is late: one definition, used everywhere.

A deliverable due on a date is due until the end of that date in the consortium's deadline time
zone (settings.DEADLINE_TIME_ZONE), so "due 31 March" means what people read, wherever the
server runs. Late is derived from stored facts only, so it never flips back and forth:
- submitted (first submission) at or after the deadline: late, for good;
- not submitted, not accepted, not skipped, and the deadline has passed: late (overdue).
"""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone


def deadline_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.DEADLINE_TIME_ZONE)


def deadline_for(due_on: datetime.date) -> datetime.datetime:
    """The first instant that is too late: midnight after `due_on` in the deadline time zone."""
    next_day = due_on + datetime.timedelta(days=1)
    return datetime.datetime.combine(next_day, datetime.time.min, tzinfo=deadline_zone())


def today() -> datetime.date:
    """Today's date in the deadline time zone (what 'due in 30 days' counts from)."""
    return timezone.now().astimezone(deadline_zone()).date()
