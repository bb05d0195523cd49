"""Writes of organisations and people. Views, the admin and commands all call these."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from api.accounts.models import Organisation, User
from api.core.audit.services import audit_record, audited_update, diff, snapshot

ORGANISATION_FIELDS = ("name", "short_name", "kind", "membership_tier", "active", "website")
PERSON_FIELDS = (
    "email",
    "given_name",
    "family_name",
    "role",
    "organisation",
    "title",
    "is_company_admin",
    "is_recruiter",
    "is_active",
)


def _check_unique_name(name: str, exclude_pk=None) -> None:
    # Case-insensitive everywhere, as SQL Server's collation would be.
    clash = Organisation.objects.filter(name__iexact=name.strip())
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": ["An organisation with this name already exists."]})


@transaction.atomic
def organisation_create(**fields) -> Organisation:
    organisation = Organisation(**{key: value for key, value in fields.items() if key in ORGANISATION_FIELDS})
    _check_unique_name(organisation.name)
    organisation.full_clean()
    organisation.save()
    audit_record(action="create", target=organisation, changes=snapshot(organisation, ORGANISATION_FIELDS))
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, **fields) -> Organisation:
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    kind_before = organisation.kind

    def check(edited):
        _check_unique_name(edited.name, exclude_pk=edited.pk)
        if edited.kind != kind_before and edited.people.exists():
            raise ValidationError({"kind": ["The kind cannot change while people belong to the organisation."]})

    return audited_update(organisation, fields, editable=ORGANISATION_FIELDS, check=check)


@transaction.atomic
def organisation_delete(*, organisation: Organisation) -> None:
    """Deletes an organisation nobody belongs to (people are protected: 409 otherwise)."""
    audit_record(action="delete", target=organisation, changes=snapshot(organisation, ORGANISATION_FIELDS))
    organisation.delete()


def _set_password(user: User, password: str | None) -> None:
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)


@transaction.atomic
def person_create(*, password: str | None = None, **fields) -> User:
    user = User(**{key: value for key, value in fields.items() if key in PERSON_FIELDS})
    if User.objects.filter(email=user.email).exists():
        raise ValidationError({"email": ["A person with this email already exists."]})
    user.set_unusable_password()
    _set_password(user, password)
    user.full_clean()
    user.save()
    audit_record(action="create", target=user, changes=snapshot(user, PERSON_FIELDS))
    return user


@transaction.atomic
def person_update(*, person: User, password: str | None = None, **fields) -> User:
    person = User.objects.select_for_update().get(pk=person.pk)  # no joins: SQL Server locks the first table only
    before = snapshot(person, PERSON_FIELDS)
    for key, value in fields.items():
        if key in PERSON_FIELDS:
            setattr(person, key, value)
    if "email" in fields and User.objects.filter(email=person.email).exclude(pk=person.pk).exists():
        raise ValidationError({"email": ["A person with this email already exists."]})
    _set_password(person, password)
    person.full_clean()
    person.save()
    changes = diff(before, snapshot(person, PERSON_FIELDS))
    if password:
        changes["password"] = "changed"
    if changes:
        audit_record(action="update", target=person, changes=changes)
    return person
