"""Find every DRF view that reads a queryset, by walking the project's URL patterns.

New domain apps register their routes in the URLconf, so they are picked up without editing tests.
"""

import re

from django.contrib.auth.models import AnonymousUser
from django.urls import URLResolver, get_resolver
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from api.accounts.models import ROLE_ORGANISATION_KIND, Organisation, User


def url_routes(patterns, prefix=""):
    """(route, view callback) of every URL pattern, nested includes flattened (tests/properties uses it too)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from url_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def _readable(route):
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route).replace("^", "").replace("$", "")


def queryset_views():
    """{route of the list (shortest) URL: view callback} for every DRF view with get_queryset."""
    found = {}
    for route, callback in url_routes(get_resolver().url_patterns):
        cls = getattr(callback, "cls", None)
        if not (isinstance(cls, type) and issubclass(cls, APIView) and hasattr(cls, "get_queryset")):
            continue
        route = _readable(route)
        known = found.get(cls)
        if known is None or len(route) < len(known[0]):
            found[cls] = (route, callback)
    return dict(sorted(found.values(), key=lambda item: item[0]))


def viewers():
    """One unsaved caller per role (no database), plus the anonymous public and a lapsed member."""
    people = {"anonymous": AnonymousUser()}
    for number, role in enumerate(User.Role, start=1):
        people[role.value] = _person(number, role, active_organisation=True)
    people["member-of-inactive-company"] = _person(99, User.Role.MEMBER, active_organisation=False)
    recruiter = people["recruiter"] = _person(98, User.Role.MEMBER, active_organisation=True)
    recruiter.is_recruiter = True
    admin = people["company-admin"] = _person(97, User.Role.MEMBER, active_organisation=True)
    admin.is_company_admin = True
    return people


def _person(number, role, *, active_organisation):
    kind = ROLE_ORGANISATION_KIND.get(role)
    organisation = None
    if kind is not None:
        tier = Organisation.Tier.FULL if kind == Organisation.Kind.MEMBER else ""
        organisation = Organisation(
            pk=100 + number, name=f"Organisation {number}", kind=kind, membership_tier=tier, active=active_organisation
        )
    return User(
        pk=number, email=f"{role}@example.org", given_name="Test", family_name=role.label, role=role,
        organisation=organisation, is_active=True,
    )  # fmt: skip


def make_view(route, callback, user, query_params=None):
    """The view instance DRF would build for GET <route> by `user`, without authenticating."""
    view = callback.cls(**callback.initkwargs)
    actions = getattr(callback, "actions", None)
    if actions:  # a ViewSet: bind methods to actions like ViewSetMixin.as_view does
        view.action_map = actions
        for method, action in actions.items():
            setattr(view, method, getattr(view, action))
    django_request = APIRequestFactory().get("/" + route, query_params or {})
    # Nested routes (events/<event_pk>/registrations/) need their parent's id: any id compiles.
    view.setup(django_request, **dict.fromkeys(re.findall(r"<(\w+)>", route), "1"))
    view.format_kwarg = None
    view.request = view.initialize_request(django_request)
    view.request.user = user
    view.request.auth = None  # signed in by session, not by token; and no authenticator runs
    return view


def is_refused(view):
    """True when the view's permissions turn the caller away before any query runs."""
    try:
        view.check_permissions(view.request)
    except (NotAuthenticated, PermissionDenied):
        return True
    return False
