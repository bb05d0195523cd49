"""Events in the change feed (api.changes.registry), with api.events.access restated over stored
audiences."""

from api.changes.registry import Caller, Resource, register
from api.events.models import Event


def audience(event: Event) -> dict:
    return {"status": event.status, "audience": event.audience}


def allows(audience: dict, caller: Caller) -> bool:
    if caller.staff:
        return True
    if audience["status"] == Event.Status.DRAFT:
        return False
    return audience["audience"] == Event.Audience.PUBLIC or caller.standing


def _event(verb, before, after) -> str | None:
    published = Event.Status.PUBLISHED
    if after and after["status"] == published and (before is None or before["status"] != published):
        return "event.published"
    if verb == "cancel" or (
        after and after["status"] == Event.Status.CANCELLED and (before or {}).get("status") != Event.Status.CANCELLED
    ):
        return "event.cancelled"
    return {"create": "event.created", "delete": "event.deleted"}.get(verb, "event.updated")


EVENTS = register(Resource(name="event", model=Event, audience=audience, allows=allows, event_type=_event))
