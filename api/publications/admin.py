"""The Django admin for publications. Writes go through api.publications.services, like the API's.

Staff edit a publication's metadata and linked tasks here; authors and files are shown read-only
(they are edited through the API, where their order and uploads are checked).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance

from api.publications import services
from api.publications.identifiers import normalise_doi
from api.publications.models import Author, Publication, PublicationFile, PublicationView

EDITABLE = [*services.FIELDS, "tasks"]


class PublicationForm(forms.ModelForm):
    """Values normalised as the services do, and every problem shown on the form before saving."""

    class Meta:
        model = Publication
        fields = EDITABLE

    def clean_doi(self):
        try:
            return normalise_doi(self.cleaned_data.get("doi"))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc

    def clean_keywords(self):
        try:
            return services.normalise_keywords(self.cleaned_data.get("keywords", ""))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc

    def _post_clean(self):
        # The service's checks (embargo reason, DOI in use, model validation) instead of ModelForm's,
        # which would repeat them with vaguer messages.
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as exc:
            self._update_errors(exc)
            return
        if self.errors:
            return
        try:
            services.publication_validate(publication=self.instance)
        except ValidationError as exc:
            self._update_errors(exc)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuthorInline(ReadOnlyInline):
    model = Author
    fields = ["position", "name", "person", "orcid"]
    readonly_fields = fields
    ordering = ["position", "id"]


class FileInline(ReadOnlyInline):
    model = PublicationFile
    fields = ["original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    form = PublicationForm
    list_display = ["title", "kind", "year", "access", "embargo_until", "doi"]
    list_filter = ["kind", "access", "year"]
    search_fields = ["title", "doi"]
    autocomplete_fields = ["tasks"]
    fields = EDITABLE
    inlines = [AuthorInline, FileInline]

    def save_model(self, request, obj, form, change):
        pass  # saved with its tasks in save_related, through the service

    def save_related(self, request, form, formsets, change):
        data = {name: form.cleaned_data[name] for name in EDITABLE if name in form.cleaned_data}
        if change:
            services.publication_update(publication=form.instance, **data)
        else:
            form.instance.pk = services.publication_create(**data).pk
        for formset in formsets:  # read-only inlines: nothing to save, only the change message reads these
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request, obj):
        services.publication_delete(publication=obj)

    def delete_queryset(self, request, queryset):
        for publication in queryset:
            services.publication_delete(publication=publication)


@admin.register(PublicationView)
class PublicationViewAdmin(admin.ModelAdmin):
    """Detail views by signed-in people (member-company usage): read-only."""

    list_display = ["publication", "user", "organisation_id", "at"]
    list_select_related = ["publication", "user"]
    search_fields = ["publication__title", "user__email"]
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
