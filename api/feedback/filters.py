from api.core.filters import IdFilter, StrictBooleanFilter, WaferFilterSet
from api.feedback.models import Feedback


class FeedbackFilter(WaferFilterSet):
    """Filters narrow what the caller already sees: an id the caller cannot see matches nothing
    (plain numbers, never a lookup whose error would confirm that the id exists)."""

    task = IdFilter(field_name="task_id", label="A task's id")
    deliverable = IdFilter(field_name="deliverable_id", label="A deliverable's id")
    report = IdFilter(field_name="report_id", label="A progress report's id")
    author = IdFilter(field_name="author_id", label="The author's id")
    has_reply = StrictBooleanFilter(method="filter_has_reply", label="The task's investigators have replied")
    hidden = StrictBooleanFilter(label="Hidden by staff (only staff, and authors for their own, see hidden rows)")

    class Meta:
        model = Feedback
        fields = ["task", "deliverable", "report", "author", "has_reply", "hidden"]

    def filter_has_reply(self, queryset, name, value):
        return queryset.filter(replied_at__isnull=not value)
