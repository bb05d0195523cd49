"""The Django admin for careers. Writes go through api.careers.services, like the API's.

Staff may correct a profile's details (degree, field, graduation, summary, interests, links) and
erase a profile at the student's request; both are audited through the services. Consent (sharing,
the chosen companies, renewals and the visibility date that follows from them) is read-only here:
it is the student's own act, recorded with its time as their proof of what they agreed to, so
nobody else may give or change it. Skills and companies are shown, not edited, for the same
reason: they are what the student said. The consent history, the view log and resume books are
records, read-only; files are described (name, size), never linked: they leave only through the
API's access checks.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from api.careers import services
from api.careers.models import (
    ConsentRecord,
    ProfileSkill,
    ProfileView,
    ResumeBook,
    SharedCompany,
    Skill,
    StudentProfile,
)
from api.core.audit.services import audit_record

CONSENT_FIELDS = ["sharing", "share_with_all", "consent_changed_at", "renewed_until", "visible_until"]


class ReadOnlyMixin:
    """Neither added, changed nor deleted here: records of what happened."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False


class SkillInline(ReadOnlyInline):
    model = ProfileSkill
    fields = ["skill"]
    readonly_fields = fields
    verbose_name_plural = "Skills (the student's own; edited through the API)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("skill").order_by("skill__key", "id")


class SharedCompanyInline(ReadOnlyInline):
    model = SharedCompany
    fields = ["organisation"]
    readonly_fields = fields
    verbose_name_plural = "Chosen companies (consent: the student's own act)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class ConsentInline(ReadOnlyInline):
    model = ConsentRecord
    fields = ["at", "action", "share_with_all", "companies", "visible_until", "actor"]
    readonly_fields = fields
    verbose_name_plural = "Consent history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = StudentProfile
        fields = list(services.PROFILE_FIELDS)

    def clean_links(self):
        # The service's rule (at most five http(s) addresses), shown on the form rather than as an error page.
        try:
            return services._clean_links(self.cleaned_data.get("links"))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class VisibilityFilter(admin.SimpleListFilter):
    title = "visibility"
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [("current", "Not expired"), ("expired", "Expired")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.filter(visible_until__gte=today)
        if self.value() == "expired":
            return queryset.filter(visible_until__lt=today)
        return queryset


@admin.register(StudentProfile)
class StudentProfileAdmin(admin.ModelAdmin):
    form = ProfileForm
    list_display = ["user", "university", "degree", "expected_graduation", "sharing", "share_with_all",
                    "visible_until", "has_cv"]  # fmt: skip
    list_filter = ["degree", "sharing", "share_with_all", VisibilityFilter, "user__is_active",
                   ("user__organisation", admin.RelatedOnlyFieldListFilter),
                   "expected_graduation"]  # fmt: skip
    list_select_related = ["user", "user__organisation", "cv"]
    search_fields = ["user__email", "user__given_name", "user__family_name", "field"]
    ordering = ["expected_graduation", "id"]
    readonly_fields = ["user", "cv_file", *CONSENT_FIELDS, "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["user", *services.PROFILE_FIELDS, "cv_file"]}),
        ("Consent (the student's own: read-only)", {"fields": CONSENT_FIELDS}),
        ("Dates", {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [SkillInline, SharedCompanyInline, ConsentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "user__organisation", "cv")

    @admin.display(description="University", ordering="user__organisation__name")
    def university(self, profile):
        return profile.user.organisation

    @admin.display(description="CV", boolean=True)
    def has_cv(self, profile):
        return hasattr(profile, "cv")

    @admin.display(description="CV")
    def cv_file(self, profile):
        cv = getattr(profile, "cv", None)
        if cv is None:
            return "—"
        return f"{cv.original_name} ({filesizeformat(cv.size)}, uploaded {cv.uploaded_at:%Y-%m-%d %H:%M})"

    def has_add_permission(self, request):
        return False  # a profile is created by its student (PUT careers/me/), never for them

    def save_model(self, request, obj, form, change):
        # Only the details: consent fields are not in the form, and the skills are passed back unchanged.
        data = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS if name in form.cleaned_data}
        skills = list(obj.skills.order_by("key").values_list("name", flat=True))
        services.profile_save(user=obj.user, skills=skills, **data)

    def save_related(self, request, form, formsets, change):
        for formset in formsets:  # read-only inlines: nothing to save, only the change message reads these
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def get_deleted_objects(self, objs, request):
        # The consent history goes with the profile in the erasure service. Its records are never
        # deleted one by one here, and that must not block the student's erasure.
        deleted, counts, _, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_model(self, request, obj):
        services.profile_delete(profile=obj)  # the student's erasure: CV, consent history, resume books

    def delete_queryset(self, request, queryset):
        for profile in queryset:
            services.profile_delete(profile=profile)


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The students' proof of what they agreed to, and when: never edited, never removed by hand."""

    list_display = ["profile", "action", "at", "share_with_all", "visible_until", "actor"]
    list_filter = ["action", "share_with_all"]
    search_fields = ["profile__user__email", "profile__user__family_name"]
    list_select_related = ["profile__user", "actor"]
    fields = ["profile", "action", "at", "share_with_all", "companies", "visible_until", "actor"]
    readonly_fields = fields
    date_hierarchy = "at"


@admin.register(ProfileView)
class ProfileViewAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Which company looked at which profile or CV (the log the student sees)."""

    list_display = ["organisation_name", "kind", "profile", "viewer", "at"]
    list_filter = ["kind", "organisation_name"]
    search_fields = ["organisation_name", "profile__user__email", "viewer__email"]
    list_select_related = ["profile__user", "viewer"]
    fields = ["profile", "kind", "at", "viewer", "organisation_id", "organisation_name"]
    readonly_fields = fields
    date_hierarchy = "at"


@admin.register(ResumeBook)
class ResumeBookAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Built by background jobs and removed by `expire_resume_books`; shown here, not edited."""

    list_display = ["id", "company", "requested_by", "status", "progress", "included", "created_at", "expires_at"]
    list_filter = ["status", "company"]
    search_fields = ["company__name", "requested_by__email"]
    list_select_related = ["company", "requested_by"]
    fields = ["company", "requested_by", "filters", "status", "progress", "total", "included", "book_file", "error",
              "created_at", "started_at", "finished_at", "expires_at"]  # fmt: skip
    readonly_fields = fields

    @admin.display(description="File")
    def book_file(self, book):
        return f"{book.file.name} ({filesizeformat(book.size or 0)})" if book.file else "—"


class SkillForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["name"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if self.instance.pk and services.skill_key(name) != self.instance.key:
            raise ValidationError(f"Only the spelling may change: the name must still read {self.instance.key!r}.")
        return name


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    """Staff fix how a skill is shown ("euv lithography" → "EUV lithography"), never what it is: a
    new name must have the same key, or the students who listed it would list something else."""

    form = SkillForm
    list_display = ["name", "key", "profile_count"]
    search_fields = ["name", "key"]
    fields = ["name", "key"]
    readonly_fields = ["key"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(profile_count=Count("profiles"))

    @admin.display(description="Profiles", ordering="profile_count")
    def profile_count(self, skill):
        return skill.profile_count

    def has_add_permission(self, request):
        return False  # skills come from the students' profiles

    def has_delete_permission(self, request, obj=None):
        return False  # deleting would silently change students' profiles

    def save_model(self, request, obj, form, change):
        before = Skill.objects.get(pk=obj.pk).name
        obj.save(update_fields=["name"])
        audit_record(action="update", target=obj, changes={"name": [before, obj.name]})
