"""factory_boy factories shared by every domain's tests."""

import factory

from api.accounts.models import Organisation, User

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Member Company {n}")
    short_name = factory.Sequence(lambda n: f"MC{n}")
    kind = Organisation.Kind.MEMBER
    membership_tier = Organisation.Tier.FULL
    active = True

    class Params:
        university = factory.Trait(
            kind=Organisation.Kind.UNIVERSITY, membership_tier="", name=factory.Sequence(lambda n: f"University {n}")
        )
        consortium = factory.Trait(kind=Organisation.Kind.CONSORTIUM, membership_tier="", name="The Consortium")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    role = User.Role.MEMBER
    organisation = factory.SubFactory(OrganisationFactory)
    is_active = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(self, create, extracted, **kwargs):
        if create:
            self.save(update_fields=["password"])


def staff(**kwargs) -> User:
    return UserFactory(role=User.Role.STAFF, organisation=None, **kwargs)


def member(organisation=None, **kwargs) -> User:
    return UserFactory(role=User.Role.MEMBER, organisation=organisation or OrganisationFactory(), **kwargs)


def faculty(university=None, **kwargs) -> User:
    return UserFactory(
        role=User.Role.FACULTY, organisation=university or OrganisationFactory(university=True), **kwargs
    )


def student(university=None, **kwargs) -> User:
    return UserFactory(
        role=User.Role.STUDENT, organisation=university or OrganisationFactory(university=True), **kwargs
    )
