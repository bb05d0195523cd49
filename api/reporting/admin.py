from django.contrib import admin

from api.reporting.models import RollupWatermark, UsageMonth


@admin.register(UsageMonth)
class UsageMonthAdmin(admin.ModelAdmin):
    """Read-only: the roll-up is written by `manage.py rollup_usage` only."""

    list_display = ["month", "organisation_id", "publication_id", "downloads", "views"]
    list_filter = ["month"]
    ordering = ["-month", "organisation_id", "publication_id", "id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RollupWatermark)
class RollupWatermarkAdmin(UsageMonthAdmin):
    list_display = ["name", "through", "updated_at"]
    list_filter = []
    ordering = ["name", "id"]
