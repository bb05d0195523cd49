"""The Django admin for events. Writes go through api.events.services, like the API's.

Staff edit an event's fields and linked tasks here; its agenda is shown read-only (it is edited
through the API, where sessions and speakers are checked together). Registrations are read-only,
with actions that check people in or cancel through the services (so seats and the waiting list
stay right). Feed tokens are shown without their hash.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q

from api.core.errors import Conflict
from api.events import services
from api.events.models import AgendaSession, Event, FeedToken, Registration

EDITABLE = [*services.EVENT_FIELDS, "tasks"]


class EventForm(forms.ModelForm):
    """The service's refusals shown on the form, before anything is saved."""

    class Meta:
        model = Event
        fields = EDITABLE

    online_link = forms.URLField(
        max_length=500, required=False, assume_scheme="https", help_text=Event._meta.get_field("online_link").help_text
    )  # Django 6's default scheme, today

    def clean(self):
        data = super().clean()
        status, saved = data.get("status"), self.instance.pk and Event.objects.get(pk=self.instance.pk)
        if not saved and status == Event.Status.CANCELLED:
            self.add_error("status", "Create the event first; cancel it afterwards.")
        if saved and saved.status == Event.Status.CANCELLED and status != Event.Status.CANCELLED:
            self.add_error("status", "A cancelled event stays cancelled; create a new one.")
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if saved and starts and ends:
            outside = saved.sessions.filter(Q(starts_at__lt=starts) | Q(ends_at__gt=ends))
            if outside.exists():
                self.add_error("starts_at", "Sessions of the agenda would fall outside these times.")
        return data


class SessionInline(admin.TabularInline):
    model = AgendaSession
    fields = ["title", "starts_at", "ends_at", "room", "speaker_names"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("speakers")

    @admin.display(description="Speakers")
    def speaker_names(self, session):
        return ", ".join(speaker.name for speaker in session.speakers.all())


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventForm
    list_display = ["title", "kind", "starts_at", "time_zone", "audience", "status", "capacity", "company_cap"]
    list_filter = ["status", "kind", "audience", "time_zone"]
    search_fields = ["title", "location"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["tasks"]
    fields = EDITABLE
    inlines = [SessionInline]

    def has_delete_permission(self, request, obj=None):
        return False  # cancelled, never deleted: registrations and the audit trail refer to events

    def save_model(self, request, obj, form, change):
        pass  # saved with its tasks in save_related, through the service

    def save_related(self, request, form, formsets, change):
        data = {name: form.cleaned_data[name] for name in EDITABLE if name in form.cleaned_data}
        if change:
            services.event_update(event=form.instance, **data)
        else:
            form.instance.pk = services.event_create(**data).pk
        for formset in formsets:  # read-only inlines: nothing to save, only the change message reads these
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read-only: people register through the API; staff check in or cancel with the actions."""

    list_display = ["event", "person", "company", "status", "position", "created_at", "checked_in_at"]
    list_filter = ["status", "event"]
    search_fields = ["person__email", "person__family_name", "event__title"]
    list_select_related = ["event", "person", "company"]
    actions = ["check_in", "cancel"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Registration._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _each(self, request, queryset, service, done: str):
        count = 0
        for registration in queryset.select_related("event", "person"):
            try:
                service(registration=registration)
                count += 1
            except (Conflict, ValidationError) as exc:
                detail = getattr(exc, "detail", None) or "; ".join(getattr(exc, "messages", [str(exc)]))
                self.message_user(request, f"{registration.person}: {detail}", messages.WARNING)
        self.message_user(request, f"{done} {count} registration(s).", messages.SUCCESS)

    @admin.action(description="Check in the selected people")
    def check_in(self, request, queryset):
        self._each(request, queryset, services.registration_check_in, "Checked in")

    @admin.action(description="Cancel the selected registrations")
    def cancel(self, request, queryset):
        self._each(request, queryset, services.registration_cancel, "Cancelled")


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    """Who has a calendar feed; the secret's hash is never shown."""

    list_display = ["person", "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["person__email"]
    fields = ["person", "created_at", "revoked_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
