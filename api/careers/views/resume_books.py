"""Resume books: a ZIP of the CVs the profile search finds (plus index.csv), built in the background.

POST `careers/resume-books/` with the search's filters as a JSON object answers 202 with the
queued book; GET the book to follow its `status` and `progress`; GET `{id}/download/` once it is
ready, until `expires_at` (410 after, 409 before it is ready).

Who: a recruiter sees and downloads their company's books (another company's book is a 404).
Staff see every book, to help a company whose book failed, but download only the books staff
asked for (company empty): a company's book holds what students shared with that company.
Everyone else signed in is a 403, anonymous callers a 401.
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException

from api.careers import resume_books, selectors
from api.careers.models import ResumeBook
from api.careers.permissions import MaySearchProfiles
from api.careers.resume_book_serializers import ResumeBookFiltersSerializer, ResumeBookSerializer
from api.core.errors import Conflict
from api.core.files.delivery import deliver
from api.core.viewsets import ServiceViewSet

ERROR = {"$ref": "#/components/schemas/Error"}


class Gone(APIException):
    status_code = status.HTTP_410_GONE
    default_code = "expired"
    default_detail = "This resume book has expired and its file was deleted; request a new one."


@extend_schema_view(
    list=extend_schema(tags=["careers"], description="The caller's company's resume books (staff: all), newest first."),
    retrieve=extend_schema(tags=["careers"], description="One book: its status, progress and, when ready, its link."),
)
class ResumeBookViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    queryset = ResumeBook.objects.none()
    read_serializer_class = ResumeBookSerializer
    serializer_class = ResumeBookSerializer
    permission_classes = [MaySearchProfiles]
    filter_backends = []  # one fixed order, newest first (the primary key breaks ties)

    def get_queryset(self):
        return selectors.resume_book_list(viewer=self.request.user)

    @extend_schema(
        tags=["careers"],
        request=ResumeBookFiltersSerializer,
        responses={
            202: ResumeBookSerializer,
            409: OpenApiResponse(ERROR, description="Already 3 books queued or building for the company."),
        },
    )
    def create(self, request, *args, **kwargs):
        """Order a resume book of the profiles the search with these filters finds (at most
        CAREERS_RESUME_BOOK_MAX_PROFILES, at least one). Students are checked again as the book is built:
        whoever withdrew consent by then is left out."""
        book = resume_books.resume_book_request(requester=request.user, filters=request.data)
        # Read again: with a synchronous job backend the book may be built already.
        response = self.read_response(self.get_queryset().get(pk=book.pk), status.HTTP_202_ACCEPTED)
        response["Location"] = f"/api/v1/careers/resume-books/{book.pk}/"
        return response

    @extend_schema(
        tags=["careers"],
        responses={
            (200, "application/zip"): OpenApiResponse(
                description="The ZIP: one PDF per student with a CV, and index.csv."
            ),
            409: OpenApiResponse(ERROR, description="The book is not ready (queued, building or failed)."),
            410: OpenApiResponse(ERROR, description="The book has expired; its file is gone."),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The finished book (recorded as a download)."""
        book = self.get_object()
        if not resume_books.may_download(request.user, book):
            raise PermissionDenied("Staff download only the books staff ordered; this one belongs to its company.")
        if resume_books.is_expired(book, timezone.now()):
            raise Gone()
        if book.status != ResumeBook.Status.READY:
            raise Conflict(f"The book is not ready: it is {book.get_status_display().lower()}.", code="not_ready")
        filename = f"resume-book-{book.pk}-{timezone.localtime(book.finished_at):%Y-%m-%d}.zip"
        return deliver(book.file, filename=filename, content_type="application/zip", target=book, size=book.size)
