"""Who sees which event, and who may register. Decided here and nowhere else.

- draft events: staff only;
- members-only events: staff and signed-in people with standing (faculty, students, people of an
  active member company; an inactive member company's people have public access only);
- public events: everyone. Cancelled events stay visible (to say so) but take no registrations.
"""

from django.db.models import Q

from api.accounts.access import has_standing, is_staff
from api.events.models import Event

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
