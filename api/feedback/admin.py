"""The Django admin for feedback: read-only, for looking things up. Moderation (hide, unhide) runs
through the API; deleting here goes through the same service (replies go with it, audited)."""

from django.contrib import admin

from api.feedback import services
from api.feedback.models import Feedback, FeedbackReply


class ReplyInline(admin.TabularInline):
    model = FeedbackReply
    extra = 0
    can_delete = False
    fields = ["author", "text", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["id", "task", "deliverable", "organisation", "author", "relevance", "quality", "progress"]
    list_display += ["hidden", "replied_at", "created_at"]
    list_filter = ["hidden", "organisation"]
    search_fields = ["task__number", "author__email"]
    list_select_related = ["task", "deliverable", "organisation", "author"]
    inlines = [ReplyInline]
    fields = [
        "task", "deliverable", "report", "author", "organisation", "relevance", "quality", "progress", "comment",
        "hidden", "hidden_reason", "hidden_at", "hidden_by", "replied_at", "created_at", "updated_at",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.feedback_delete(feedback=obj, moderator=True)

    def delete_queryset(self, request, queryset):
        for feedback in queryset.order_by("pk"):
            services.feedback_delete(feedback=feedback, moderator=True)
