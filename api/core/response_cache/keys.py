"""The key (and ETag) of a cacheable read: built without touching the database."""

import hashlib
from collections.abc import Callable

from django.utils import timezone

from api.accounts.access import is_staff
from api.core.response_cache import generations


def audience(user) -> str:
    """Who the answer is for. Visitors share one answer, and staff another (they see everything);
    anyone else may see rows through their own team or authorship, so their answers are their own."""
    if not user.is_authenticated:
        return "anonymous"
    if is_staff(user):
        return "staff"
    return f"user-{user.pk}"


def utc_day():
    return timezone.now().date()


def stamp(resources: tuple[str, ...], day=utc_day) -> str:
    """What every cached thing of a read depends on besides the request: the day (embargoes end and
    deadlines pass at midnight without any write; `day` says whose midnight) and the resources'
    generations. Read once per request (one cache round trip) and shared by its keys."""
    return stamp_of(day().isoformat(), generations.current(resources))


def stamp_of(day: str, generations: str) -> str:
    return f"{day}:{generations}"


def filter_names(view) -> tuple[str, ...]:
    filterset = getattr(view, "filterset_class", None)
    return tuple(filterset.base_filters) if filterset is not None else ()


def read_by(names: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether filters (or an ordering) of these names may read a query parameter: its name is one
    of them or begins with one, as a range filter `x` reads `x_min` and `x_max` and a date range
    `x_after`. Wider than exact, never narrower: an extra key costs a miss, a missing one a wrong answer."""
    return lambda name: name.startswith(names)


def answer_key(request, stamp: str, *, only: Callable[[str], bool] | None = None, kind="answer") -> str:
    """A digest of everything the answer depends on: path, query (order-insensitive; only the
    parameters `only` accepts, when given), format, caller and the `stamp`. `kind` keeps different
    things apart."""
    params = request.query_params
    query = sorted((key, value) for key in params if only is None or only(key) for value in params.getlist(key))
    parts = [
        kind,
        request.path,
        repr(query),
        request.accepted_renderer.format,
        audience(request.user),
        stamp,
    ]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
