from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from api.accounts.managers import UserManager
from api.core.fields import LowercaseEmailField


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CONSORTIUM = "consortium", "Consortium"
        MEMBER = "member", "Member company"
        UNIVERSITY = "university", "University"

    class Tier(models.TextChoices):
        PREMIER = "premier", "Premier"
        FULL = "full", "Full"
        ASSOCIATE = "associate", "Associate"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=50, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    membership_tier = models.CharField(
        max_length=16, choices=Tier.choices, blank=True, help_text="Member companies only."
    )
    active = models.BooleanField(default=True, help_text="An inactive member company's people get public access only.")
    website = models.URLField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["kind", "name"])]
        constraints = [
            models.CheckConstraint(
                name="organisation_tier_only_for_members",
                condition=(Q(kind="member") & ~Q(membership_tier="")) | (~Q(kind="member") & Q(membership_tier="")),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == self.Kind.MEMBER and not self.membership_tier:
            raise ValidationError({"membership_tier": "A member company needs a membership tier."})
        if self.kind != self.Kind.MEMBER and self.membership_tier:
            raise ValidationError({"membership_tier": "Only member companies have a membership tier."})

    @property
    def is_active_member(self) -> bool:
        return self.kind == self.Kind.MEMBER and self.active


# Which kind of organisation each role belongs to (None: may have none).
ROLE_ORGANISATION_KIND = {
    "staff": Organisation.Kind.CONSORTIUM,
    "member": Organisation.Kind.MEMBER,
    "faculty": Organisation.Kind.UNIVERSITY,
    "student": Organisation.Kind.UNIVERSITY,
}


class User(AbstractBaseUser, PermissionsMixin):
    """A person of Wafer. Signs in by email; belongs to at most one organisation."""

    class Role(models.TextChoices):
        STAFF = "staff", "Consortium staff"
        MEMBER = "member", "Member-company person"
        FACULTY = "faculty", "Faculty"
        STUDENT = "student", "Student"

    email = LowercaseEmailField(max_length=254, unique=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    role = models.CharField(max_length=16, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    title = models.CharField(max_length=150, blank=True, help_text="Job title or position.")
    is_company_admin = models.BooleanField(
        default=False,
        help_text="A member-company person who manages their company's recruiters and integrations.",
    )
    is_recruiter = models.BooleanField(
        default=False,
        help_text="A member-company person who searches consented student profiles for their company.",
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["given_name", "family_name"]

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["organisation", "role"]),
            models.Index(fields=["role", "family_name"]),
            models.Index(fields=["given_name"]),
        ]

    def __str__(self):
        return self.full_name or self.email

    @property
    def full_name(self) -> str:
        return self.name_of(self.given_name, self.family_name)

    @staticmethod
    def name_of(given_name: str, family_name: str) -> str:
        """The full name from its parts, for reads that fetch the parts without a User."""
        return f"{given_name} {family_name}".strip()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.given_name

    @property
    def is_staff(self) -> bool:
        """Consortium staff (and superusers) may use the Django admin; the role is the one source."""
        return self.role == self.Role.STAFF or self.is_superuser

    def has_perm(self, perm, obj=None):
        # Staff may do everything (product.md); nobody else uses Django permissions.
        return self.is_active and self.is_staff

    def has_module_perms(self, app_label):
        return self.is_active and self.is_staff

    def clean(self):
        super().clean()
        expected = ROLE_ORGANISATION_KIND.get(self.role)
        organisation = self.organisation
        if self.role in {self.Role.MEMBER, self.Role.FACULTY, self.Role.STUDENT} and organisation is None:
            raise ValidationError({"organisation": f"A {self.get_role_display().lower()} needs an organisation."})
        if organisation is not None and expected and organisation.kind != expected:
            wanted, got = expected.label.lower(), organisation.get_kind_display().lower()
            raise ValidationError({"organisation": f"The role {self.role!r} belongs to a {wanted}, not a {got}."})
        if self.is_company_admin and self.role != self.Role.MEMBER:
            raise ValidationError({"is_company_admin": "Only member-company people can be company admins."})
        if self.is_recruiter and self.role != self.Role.MEMBER:
            raise ValidationError({"is_recruiter": "Only member-company people can be recruiters."})

    @property
    def member_company(self) -> Organisation | None:
        """The active member company this person speaks for, or None (public access)."""
        organisation = self.organisation
        if self.role == self.Role.MEMBER and organisation is not None and organisation.is_active_member:
            return organisation
        return None
