"""Emails about registrations. Always sent after the transaction commits, never for a rolled-back change."""

import logging
import zoneinfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)

SUBJECTS = {
    "confirmed": "You are registered: {event}",
    "waitlisted": "You are on the waiting list (place {position}): {event}",
    "promoted": "A seat is yours: {event}",
    "cancelled": "Your registration is cancelled: {event}",
    "event_cancelled": "Cancelled: {event}",
}


def _send(kind: str, registration) -> None:
    event, person = registration.event, registration.person
    subject = SUBJECTS[kind].format(event=event.title, position=registration.position)
    local = event.starts_at.astimezone(zoneinfo.ZoneInfo(event.time_zone))
    body = (
        f"{subject}\n\n{event.title}\n{local:%A %d %B %Y, %H:%M} ({event.time_zone})\n{event.location}\n\n"
        f"{settings.SITE_URL}/events/{event.pk}\n"
    )
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
    except Exception:  # a mail outage must not undo a registration that has committed
        logger.exception("could not send the %s email for registration %s", kind, registration.pk)


def notify(kind: str, registration) -> None:
    """Queue an email for after the commit (immediately when no transaction is open)."""
    transaction.on_commit(lambda: _send(kind, registration))
