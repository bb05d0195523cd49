import pytest
from django.core.management import call_command
from django.db import IntegrityError

from api.accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def test_emails_are_stored_and_matched_in_lower_case(member_company):
    person = factories.member(member_company, email="  Mixed.Case@Example.COM ")
    person.refresh_from_db()
    assert person.email == "mixed.case@example.com"
    assert User.objects.get(email="MIXED.case@example.com") == person


def test_email_uniqueness_ignores_case_even_below_the_services(member_company):
    factories.member(member_company, email="dup@example.com")
    with pytest.raises(IntegrityError):
        User(
            email="DUP@example.com", given_name="a", family_name="b", role="member", organisation=member_company
        ).save()


def test_createsuperuser_makes_staff(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long enough passphrase")
    monkeypatch.setenv("DJANGO_SUPERUSER_GIVEN_NAME", "Ada")
    monkeypatch.setenv("DJANGO_SUPERUSER_FAMILY_NAME", "Admin")
    call_command("createsuperuser", "--noinput", "--email", "Root@Example.com", verbosity=0)
    user = User.objects.get(email="root@example.com")
    assert user.is_superuser and user.is_staff and user.role == "staff"
    assert user.check_password("a long enough passphrase")
    assert user.has_perm("accounts.change_user")


def test_only_staff_have_django_permissions(member_user, staff_user):
    assert not member_user.is_staff and not member_user.has_perm("accounts.change_user")
    assert staff_user.is_staff and staff_user.has_perm("accounts.change_user")


def test_member_company_means_an_active_member_company(member_user, inactive_member, faculty_user):
    assert member_user.member_company == member_user.organisation
    assert inactive_member.member_company is None
    assert faculty_user.member_company is None
