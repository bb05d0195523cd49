"""Careers: a student's profile and CV, shared with member companies only by the student's consent.

A profile is visible to a company's recruiters when the student shares it (with every active
member company or with a chosen list), its visibility has not expired (some months after the
expected graduation, or later when renewed) and the student's account is active. `visible_until`
is stored, not computed in queries, so the search filters on one indexed date.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from api.accounts.models import Organisation
from api.core.files.models import StoredFile


class Degree(models.TextChoices):
    BS = "bs", "Bachelor's"
    MS = "ms", "Master's"
    PHD = "phd", "PhD"
    POSTDOC = "postdoc", "Postdoc"


class Skill(models.Model):
    """A tag. `key` is the one spelling matched (lower case, single spaces); `name` is shown."""

    name = models.CharField(max_length=60)
    key = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["key", "id"]

    def __str__(self):
        return self.name


class StudentProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="career_profile")
    degree = models.CharField(max_length=16, choices=Degree.choices)
    field = models.CharField(max_length=200, help_text="Field of study, e.g. Electrical Engineering.")
    expected_graduation = models.DateField(help_text="The first day of the month of the expected graduation.")
    # Searched with `q` (LIKE): CharFields, not TextFields (nvarchar(max)) — sqlserver.md.
    research_interests = models.CharField(max_length=1000, blank=True)
    summary = models.CharField(max_length=2000, blank=True)
    skills = models.ManyToManyField(Skill, through="ProfileSkill", related_name="profiles", blank=True)
    links = models.JSONField(default=list, blank=True, help_text="Up to five web addresses (site, GitHub, ORCID).")

    # Consent. Off until the student turns it on; `companies` counts only without share_with_all.
    sharing = models.BooleanField(default=False)
    share_with_all = models.BooleanField(default=False, help_text="Every active member company, present and future.")
    companies = models.ManyToManyField(
        Organisation, through="SharedCompany", related_name="shared_profiles", blank=True
    )
    consent_changed_at = models.DateTimeField(null=True, blank=True)

    renewed_until = models.DateField(null=True, blank=True)
    visible_until = models.DateField(help_text="The last day companies can see the profile.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["expected_graduation", "id"]
        indexes = [
            models.Index(fields=["sharing", "visible_until"]),
            models.Index(fields=["expected_graduation"]),
            models.Index(fields=["degree", "expected_graduation"]),
            models.Index(fields=["updated_at"]),
            models.Index(fields=["field"]),
        ]

    def __str__(self):
        return f"Profile of {self.user}"

    @property
    def expired(self) -> bool:
        return self.visible_until < timezone.localdate()


class ProfileSkill(models.Model):
    profile = models.ForeignKey(StudentProfile, on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "skill"], name="careers_profile_skill_once")]
        indexes = [models.Index(fields=["skill", "profile"])]

    def __str__(self):
        return f"{self.profile_id}: skill {self.skill_id}"


class SharedCompany(models.Model):
    profile = models.ForeignKey(StudentProfile, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "organisation"], name="careers_shared_company_once")]
        indexes = [models.Index(fields=["organisation", "profile"])]

    def __str__(self):
        return f"{self.profile_id}: shared with {self.organisation_id}"


class ConsentRecord(models.Model):
    """Every change of consent, with its time: the student's proof of what they agreed to, and when."""

    class Action(models.TextChoices):
        GRANTED = "granted", "Sharing turned on"
        CHANGED = "changed", "Companies changed"
        WITHDRAWN = "withdrawn", "Sharing withdrawn"
        RENEWED = "renewed", "Visibility renewed"

    profile = models.ForeignKey(StudentProfile, on_delete=models.CASCADE, related_name="consent_records")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=16, choices=Action.choices)
    share_with_all = models.BooleanField(default=False)
    companies = models.JSONField(default=list, blank=True, help_text="[{id, name}] of the chosen companies.")
    visible_until = models.DateField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["profile", "at"])]

    def __str__(self):
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"


class CurriculumVitae(StoredFile):
    """The current CV (a PDF). Replacing it removes the old file: companies only ever see the current one."""

    profile = models.OneToOneField(StudentProfile, on_delete=models.CASCADE, related_name="cv")


class ProfileView(models.Model):
    """A company looked at a profile, a CV, or received it in a resume book.

    The company is copied (id and name) so the log survives renamed or deleted organisations;
    when the student deletes their profile the link to it is cut (`profile` null): the company's
    counts stay for reporting, the student is no longer in them.
    """

    class Kind(models.TextChoices):
        PROFILE = "profile", "Profile"
        CV = "cv", "CV"
        RESUME_BOOK = "resume_book", "Resume book"

    profile = models.ForeignKey(StudentProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="views")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation_id = models.BigIntegerField(null=True, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["profile", "at"]),
            models.Index(fields=["organisation_id", "at"]),
        ]

    def __str__(self):
        return f"{self.organisation_name or 'Staff'} viewed {self.kind} at {self.at:%Y-%m-%d}"


class ResumeBook(models.Model):
    """A ZIP of the matching CVs plus an index CSV, built by a background job for one company."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    company = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="resume_books",
        help_text="The company it was built for; empty for a book consortium staff asked for.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0 to 100.")
    total = models.PositiveIntegerField(default=0, help_text="Profiles matching when the job started.")
    included = models.PositiveIntegerField(default=0, help_text="Profiles in the finished book.")
    file = models.FileField(max_length=255, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["company", "created_at"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self):
        return f"Resume book {self.pk} ({self.status})"


class ResumeBookEntry(models.Model):
    """Who is in a book: lets a student's erasure find the books holding their CV."""

    book = models.ForeignKey(ResumeBook, on_delete=models.CASCADE, related_name="entries")
    profile = models.ForeignKey(StudentProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["book", "position", "id"]
        indexes = [models.Index(fields=["profile", "book"])]

    def __str__(self):
        return f"Book {self.book_id}, #{self.position}"
