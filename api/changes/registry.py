"""Which models the change feed carries, and who may see them — in terms that can be stored.

Each domain registers its resources in api/<domain>/changes.py (imported by its AppConfig.ready):
- `audience(obj) -> dict`: what decides visibility, as JSON (access level, sponsor company ids,
  team person ids, status...), stored with every change;
- `allows(audience, caller) -> bool`: the domain's access rule applied to a stored audience. It must
  agree with the domain's queryset rule (api/<domain>/access.py); tests check both on the same data;
- `dependents(obj, verb)`: other objects whose audience this change may alter (a task's sponsors
  decide who sees its deliverables and linked publications);
- `event_type(verb, before, after)`: the webhook event, if any (`publication.published`, ...).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from api.accounts.access import has_standing, is_staff, member_company


@dataclass(frozen=True)
class Caller:
    """Who reads the feed, reduced to what access rules ask."""

    staff: bool = False
    standing: bool = False
    company: int | None = None  # an active member company
    user: int | None = None


ANONYMOUS = Caller()


def caller_for(user) -> Caller:
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    company = member_company(user)
    return Caller(
        staff=is_staff(user), standing=has_standing(user), company=company.pk if company else None, user=user.pk
    )


def caller_for_company(company_id: int | None) -> Caller:
    """A member company's systems (webhooks): what any of its people with standing may see; the
    consortium's own endpoints (company None) see everything."""
    if company_id is None:
        return Caller(staff=True, standing=True)
    return Caller(standing=True, company=company_id)


@dataclass(frozen=True)
class Resource:
    name: str
    model: type
    audience: Callable[[object], dict]
    allows: Callable[[dict, Caller], bool]
    dependents: Callable[[object, str], Iterable[tuple["Resource", object, str]]] = field(default=lambda obj, verb: ())
    event_type: Callable[[str, dict | None, dict | None], str | None] = field(default=lambda verb, b, a: None)


RESOURCES: dict[str, Resource] = {}
BY_MODEL: dict[type, Resource] = {}


def register(resource: Resource) -> Resource:
    RESOURCES[resource.name] = resource
    BY_MODEL[resource.model] = resource
    return resource
