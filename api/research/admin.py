"""The Django admin for research records. Writes go through the services, like the API's."""

from django.contrib import admin

from api.research import services
from api.research.models import Deliverable, DeliverableExtension, Program, ProgressReport, ReminderSent, ResearchTask


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]
    fields = list(services.PROGRAM_FIELDS)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.PROGRAM_FIELDS if name in form.cleaned_data}
        if change:
            services.program_update(program=obj, **data)
        else:
            obj.pk = services.program_create(**data).pk

    def delete_model(self, request, obj):
        services.program_delete(program=obj)


@admin.register(ResearchTask)
class ResearchTaskAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "program", "university", "status", "confidential", "start", "end"]
    list_filter = ["status", "confidential", "program"]
    search_fields = ["number", "title"]
    autocomplete_fields = ["principal_investigators", "students", "liaisons", "sponsors"]
    fields = [*services.TASK_FIELDS, *services.TASK_PEOPLE, "sponsors"]

    def save_model(self, request, obj, form, change):
        pass  # saved with its relations in save_related, through the service

    def save_related(self, request, form, formsets, change):
        data = {name: form.cleaned_data[name] for name in self.fields if name in form.cleaned_data}
        if change:
            services.task_update(task=form.instance, **data)
        else:
            form.instance.pk = services.task_create(**data).pk

    def delete_model(self, request, obj):
        services.task_delete(task=obj)


class ExtensionInline(admin.TabularInline):
    model = DeliverableExtension
    extra = 0
    can_delete = False
    readonly_fields = ["previous_due_on", "new_due_on", "reason", "extended_by", "extended_at"]

    def has_add_permission(self, request, obj=None):
        return False


class ReportInline(admin.TabularInline):
    model = ProgressReport
    extra = 0
    can_delete = False
    fields = ["version", "original_name", "size", "sha256", "submitted_by", "submitted_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Deliverable)
class DeliverableAdmin(admin.ModelAdmin):
    """Read-mostly: the life cycle (reports, accept, revision, extend, skip) runs through the API."""

    list_display = ["task", "title", "kind", "due_on", "status", "submitted_at", "submitted_late"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "task__number"]
    date_hierarchy = "due_on"
    inlines = [ExtensionInline, ReportInline]
    readonly_fields = [
        "task", "original_due_on", "due_on", "deadline_at", "status", "submitted_at", "submitted_late",
        "accepted_at", "status_reason",
    ]  # fmt: skip
    fields = ["title", "kind", *readonly_fields]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.deliverable_update(deliverable=obj, title=form.cleaned_data["title"], kind=form.cleaned_data["kind"])

    def delete_model(self, request, obj):
        services.deliverable_delete(deliverable=obj)


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["deliverable", "stage", "due_on", "sent_at"]
    list_filter = ["stage"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
