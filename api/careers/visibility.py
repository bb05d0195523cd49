"""How long companies can see a profile: months after the expected graduation, or after a renewal."""

import calendar
import datetime

from django.conf import settings


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def graduation_visibility(expected_graduation: datetime.date) -> datetime.date:
    """The last day of the month CAREERS_VISIBLE_MONTHS_AFTER_GRADUATION after graduating."""
    return month_end(add_months(month_start(expected_graduation), settings.CAREERS_VISIBLE_MONTHS_AFTER_GRADUATION))


def renewal_until(today: datetime.date) -> datetime.date:
    return add_months(today, settings.CAREERS_RENEWAL_MONTHS)


def visible_until(expected_graduation: datetime.date, renewed_until: datetime.date | None) -> datetime.date:
    base = graduation_visibility(expected_graduation)
    return max(base, renewed_until) if renewed_until else base
