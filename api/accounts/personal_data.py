"""The account itself, for the personal-data export (the contract: api/core/personal_data.py)."""

from api.accounts.models import User

COVERS = []  # the account is the user row itself; no other accounts model points at a person
NOT_PERSONAL = {}


def export(user) -> dict:
    # One query, and never the password hash: the export lists fields by name.
    person = (
        User.objects.filter(pk=user.pk)
        .values(
            "id",
            "email",
            "given_name",
            "family_name",
            "title",
            "role",
            "is_active",
            "is_company_admin",
            "is_recruiter",
            "is_superuser",
            "date_joined",
            "last_login",
            "updated_at",
            "organisation_id",
            "organisation__name",
            "organisation__kind",
        )
        .get()
    )
    organisation_id = person.pop("organisation_id")
    organisation = {
        "id": organisation_id,
        "name": person.pop("organisation__name"),
        "kind": person.pop("organisation__kind"),
    }
    person["organisation"] = organisation if organisation_id is not None else None
    person["full_name"] = f"{person['given_name']} {person['family_name']}".strip()
    person["has_usable_password"] = user.has_usable_password()  # whether one is set, not what it is
    return {"person": person}
