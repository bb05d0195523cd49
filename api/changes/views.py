"""GET /api/v1/changes/: what changed, in commit order, as the caller sees it.

Start without a cursor (from the beginning), then pass `next` back; when `has_more` is false the
caller is up to date and polls again later with the same `next`. The cursor is opaque (signed).
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.changes import feed
from api.changes.registry import caller_for
from api.core.query_params import validated_query

DEFAULT_LIMIT, MAX_LIMIT = 100, 500


class ChangeSerializer(serializers.Serializer):
    resource = serializers.ChoiceField(choices=["publication", "task", "deliverable", "event"])
    id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["created", "updated", "deleted"])
    at = serializers.DateTimeField()


class ChangePageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next = serializers.CharField(help_text="Pass back as `cursor` to continue from here.")
    has_more = serializers.BooleanField(help_text="False: up to date for now; poll later with `next`.")


class ChangeQuerySerializer(serializers.Serializer):
    cursor = serializers.CharField(required=False, allow_blank=False, max_length=500)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)


class ChangeFeedView(APIView):
    permission_classes = [AllowAny]  # anonymous callers follow public changes

    @extend_schema(
        tags=["changes"],
        parameters=[
            OpenApiParameter("cursor", str, description="The `next` of the previous page; omit to start."),
            OpenApiParameter("limit", int, description=f"At most this many entries (1..{MAX_LIMIT})."),
        ],
        responses=ChangePageSerializer,
    )
    def get(self, request):
        """Publications, tasks, deliverables and events created, updated or deleted, in commit order, limited
        to what the caller may see; something leaving the caller's sight is `deleted`, coming back `created`."""
        query = validated_query(ChangeQuerySerializer, request).validated_data
        try:
            after = feed.decode(query.get("cursor"))
        except feed.BadCursor as exc:
            raise ValidationError({"cursor": [str(exc)]}) from exc
        page = feed.read(caller_for(request.user), after_seq=after, limit=query["limit"])
        body = {"results": page.entries, "next": feed.encode(page.last_seq), "has_more": page.has_more}
        return Response(ChangePageSerializer(body).data)
