"""The webhook event types an endpoint may subscribe to.

They are what the change feed's resources name in their `event_type(verb, before, after)`
(api/<domain>/changes.py); a test calls every registered resource with every verb its services
audit and checks the answers against this list, so the two stay in step. `ping` is not in it: it is
sent only when someone asks (`endpoints/{id}/test/`), whatever the endpoint subscribes to.
"""

EVENT_TYPES = (
    "publication.published",
    "publication.updated",
    "publication.deleted",
    "task.created",
    "task.updated",
    "task.deleted",
    "deliverable.created",
    "deliverable.updated",
    "deliverable.deleted",
    "deliverable.submitted",
    "deliverable.accepted",
    "event.published",
    "event.cancelled",
    "event.created",
    "event.updated",
    "event.deleted",
)
PING = "ping"
ALL_EVENTS = (*EVENT_TYPES, PING)  # what a delivery may carry (its `event` filter)
