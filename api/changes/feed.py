"""Reading the change feed as one caller: what they may see, in order, from an opaque cursor.

Each change is shown as the caller experiences it, from the audiences stored with it:
visible before and after → updated; only after → created (also a reappearance); only before →
deleted (also when the object merely left the caller's sight); neither → not shown. A change
recorded before any earlier one of its object (objects older than the feed) counts as visible
before exactly when it is visible after.
"""

from dataclasses import dataclass

from django.core import signing

from api.changes import registry, sequencer
from api.changes.models import Change

SALT = "wafer.changes.cursor"
# At most this many changes are examined per request, whatever the caller may see of them: a
# caller who sees little still gets a cursor that moves on, and a request stays bounded.
SCAN_LIMIT = 2000


class BadCursor(ValueError):
    pass


def encode(seq: int) -> str:
    return signing.dumps(seq, salt=SALT, compress=True)


def decode(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        seq = signing.loads(cursor, salt=SALT)
    except signing.BadSignature as exc:
        raise BadCursor("Not a cursor this feed gave out.") from exc
    if not isinstance(seq, int) or seq < 0:
        raise BadCursor("Not a cursor this feed gave out.")
    return seq


def shown_as(change: Change, caller: registry.Caller) -> str | None:
    resource = registry.RESOURCES.get(change.resource)
    if resource is None:
        return None
    after = change.audience_after is not None and resource.allows(change.audience_after, caller)
    if change.action == Change.Action.CREATED:
        return Change.Action.CREATED if after else None
    before = change.audience_before is not None and resource.allows(change.audience_before, caller)
    if change.action == Change.Action.DELETED:
        return Change.Action.DELETED if before else None
    if change.audience_before is None:
        before = after
    if before and after:
        return Change.Action.UPDATED
    if after:
        return Change.Action.CREATED
    return Change.Action.DELETED if before else None


@dataclass
class Page:
    entries: list[dict]
    last_seq: int
    has_more: bool


def read(caller: registry.Caller, *, after_seq: int, limit: int) -> Page:
    if sequencer.pending():
        sequencer.assign_pending()
    entries, last = [], after_seq
    rows = (
        Change.objects.filter(seq__gt=after_seq)
        .order_by("seq")
        .only("seq", "resource", "object_id", "action", "at", "audience_before", "audience_after")
    )
    scanned = list(rows[: SCAN_LIMIT + 1])
    has_more = len(scanned) > SCAN_LIMIT
    for change in scanned[:SCAN_LIMIT]:
        action = shown_as(change, caller)
        if action is not None:
            if len(entries) == limit:
                has_more = True  # stop before this one: the cursor stays just before it
                break
            entries.append({"resource": change.resource, "id": change.object_id, "action": action, "at": change.at})
        last = change.seq
    return Page(entries=entries, last_seq=last, has_more=has_more)
