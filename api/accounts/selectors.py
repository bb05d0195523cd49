"""Reads of organisations and people, scoped to what the caller may see."""

from django.db.models import QuerySet

from api.accounts.access import has_standing, is_staff
from api.accounts.models import Organisation, User


def organisation_list(*, viewer) -> QuerySet[Organisation]:
    """The public directory: active organisations; staff also see inactive ones."""
    queryset = Organisation.objects.all()
    if not is_staff(viewer):
        queryset = queryset.filter(active=True)
    return queryset.order_by("name", "id")


def person_list(*, viewer) -> QuerySet[User]:
    """People visible to the caller: staff see everyone, others with standing see active people."""
    queryset = User.objects.select_related("organisation")
    if is_staff(viewer):
        return queryset.order_by("family_name", "given_name", "id")
    if not has_standing(viewer):
        return queryset.none()
    return queryset.filter(is_active=True).order_by("family_name", "given_name", "id")


def can_see_email(*, viewer, person: User) -> bool:
    """Emails are shown to staff, to the person, and to people of the same organisation."""
    if viewer is None or not viewer.is_authenticated:
        return False
    if is_staff(viewer) or viewer.pk == person.pk:
        return True
    return viewer.organisation_id is not None and viewer.organisation_id == person.organisation_id
