"""The Django admin for webhooks: read-only records. Endpoints are managed through the API (its
services validate URLs against SSRF and audit every change); the secret is never shown here."""

from django.contrib import admin
from django.db import models

from api.webhooks.models import Delivery, Endpoint


class ReadOnlyAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # Django 6's default, today

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Endpoint)
class EndpointAdmin(ReadOnlyAdmin):
    list_display = ["id", "company", "url", "active", "consecutive_failures", "created_at"]
    list_filter = ["active"]
    list_select_related = ["company"]
    exclude = ["secret"]
    search_fields = ["url", "description"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "endpoint", "event", "resource", "object_id", "status", "attempts", "created_at"]
    list_filter = ["status"]
    list_select_related = ["endpoint", "endpoint__company"]
    raw_id_fields = ["endpoint", "change", "replay_of"]
