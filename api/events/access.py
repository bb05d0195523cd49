"""Who sees which event, and who may register. Decided here and nowhere else.

- draft events: staff only;
- members-only events: staff and signed-in people with standing (faculty, students, people of an
  active member company; an inactive member company's people have public access only);
- public events: everyone. Cancelled events stay visible (to say so) but take no registrations.
- insiders of an event (staff, people with a confirmed seat) also get its online link and session files.
  Everyone who sees the event sees that its sessions have files (names, sizes): a download by anyone
  else is a 403 (401 when signed out), not a 404.
"""

from django.db.models import Q

from api.accounts.access import has_standing, is_staff
from api.events.models import Event, Registration

EVERYTHING = Q()


def visible(user) -> Q:
    if is_staff(user):
        return EVERYTHING
    shown = ~Q(status=Event.Status.DRAFT)
    if has_standing(user):
        return shown
    return shown & Q(audience=Event.Audience.PUBLIC)


def may_attend(person, event: Event) -> bool:
    """Whether `person` may hold a seat (staff registering someone else are checked against this)."""
    return event.audience == Event.Audience.PUBLIC or has_standing(person)


def is_insider(user, event: Event) -> bool:
    """Staff, and people with a confirmed seat at `event` (one small query)."""
    if is_staff(user):
        return True
    if user is None or not user.is_authenticated:
        return False
    return Registration.objects.filter(event=event, person=user, status=Registration.Status.CONFIRMED).exists()
