from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from api.accounts.access import is_staff, member_company
from api.core.permissions import IsAuthenticated, StaffOnRowsTheyCanSee
from api.core.query_params import validated_query
from api.core.viewsets import ServiceModelViewSet
from api.feedback import selectors, services
from api.feedback.filters import FeedbackFilter
from api.feedback.models import Feedback
from api.feedback.serializers import (
    FeedbackCreateSerializer,
    FeedbackSerializer,
    FeedbackSummarySerializer,
    FeedbackUpdateSerializer,
    HideSerializer,
    ReplyWriteSerializer,
    SummaryQuerySerializer,
)

STAFF_ACTIONS = {"hide", "unhide"}


class GivesFeedback(BasePermission):
    message = "Only people of an active member company give feedback."

    def has_permission(self, request, view):
        return member_company(request.user) is not None


class FeedbackViewSet(ServiceModelViewSet):
    """Feedback from member companies on research tasks, deliverables and progress reports.

    Visible to staff, the task's principal investigators and the author's company (never another
    company, students or other faculty; see api.feedback.selectors); anything else is a 404.
    People of an active member company give feedback on tasks they see in full; the author edits
    or withdraws it until the task's investigators reply (409 after). The investigators reply;
    staff hide (with a reason) and unhide, and may delete any feedback. Hidden feedback is seen
    by staff and its author only.
    """

    queryset = Feedback.objects.none()
    read_serializer_class = FeedbackSerializer
    write_serializer_class = FeedbackCreateSerializer
    filterset_class = FeedbackFilter
    ordering_fields = ["created_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    create_service = staticmethod(services.feedback_create)
    update_service = staticmethod(services.feedback_update)
    instance_kwarg = "feedback"

    def get_permissions(self):
        if self.action in STAFF_ACTIONS:
            return [StaffOnRowsTheyCanSee()]  # 404 for feedback the caller cannot see
        if self.action == "create":
            return [IsAuthenticated(), GivesFeedback()]
        return [IsAuthenticated()]

    def get_serializer_class(self):
        if self.action == "partial_update":
            return FeedbackUpdateSerializer
        return super().get_serializer_class()

    def get_queryset(self):
        return selectors.feedback_list(viewer=self.request.user)

    def read_response(self, instance, status_code=status.HTTP_200_OK):
        # Re-read through the selector: the caller's annotations and the replies come with it.
        return super().read_response(self.get_queryset().get(pk=instance.pk), status_code)

    def get_object(self):
        feedback = super().get_object()
        own = feedback.author_id == self.request.user.pk
        if self.action == "partial_update" and not own:
            raise PermissionDenied("Only its author edits feedback.")
        if self.action == "destroy" and not (own or is_staff(self.request.user)):
            raise PermissionDenied("Only its author or staff delete feedback.")
        if self.action == "replies" and not feedback.leads_task:
            raise PermissionDenied("Only the task's principal investigators reply to feedback.")
        return feedback

    def destroy(self, request, *args, **kwargs):
        feedback = self.get_object()
        moderator = is_staff(request.user) and feedback.author_id != request.user.pk
        services.feedback_delete(feedback=feedback, moderator=moderator)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ReplyWriteSerializer, responses={201: FeedbackSerializer})
    @action(detail=True, methods=["post"])
    def replies(self, request, pk=None):
        """Reply to feedback (the task's principal investigators); from then on its author cannot edit it."""
        feedback = self.get_object()
        serializer = ReplyWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.feedback_reply(feedback=feedback, author=request.user, text=serializer.validated_data["text"])
        return self.read_response(feedback, status.HTTP_201_CREATED)

    @extend_schema(request=HideSerializer, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        """Hide feedback (staff), with a reason: it is then seen by staff and its author only."""
        serializer = HideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = services.feedback_hide(
            feedback=self.get_object(), reason=serializer.validated_data["reason"], hidden_by=request.user
        )
        return self.read_response(feedback)

    @extend_schema(request=None, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def unhide(self, request, pk=None):
        return self.read_response(services.feedback_unhide(feedback=self.get_object()))

    @extend_schema(
        parameters=[SummaryQuerySerializer],
        responses=FeedbackSummarySerializer,
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def summary(self, request):
        """Rubric scores (count and averages) per deliverable and for the task, over feedback that is
        not hidden. For the task's principal investigators and staff: a caller who cannot see the
        task (or, with `deliverable`, its deliverables) gets a 404, any other caller a 403."""
        query = validated_query(SummaryQuerySerializer, request, also=("format",)).validated_data
        deliverable = None
        if "deliverable" in query:
            deliverable = selectors.summary_deliverable(viewer=request.user, deliverable_id=query["deliverable"])
            task = deliverable.task if deliverable is not None else None
        else:
            task = selectors.summary_task(viewer=request.user, task_id=query["task"])
        if task is None:
            raise Http404
        if not selectors.may_see_summary(request.user, task):
            raise PermissionDenied("Feedback scores are for the task's principal investigators and staff.")
        summary = selectors.feedback_summary(task=task, deliverable=deliverable)
        return Response(FeedbackSummarySerializer(summary, context=self.get_serializer_context()).data)
