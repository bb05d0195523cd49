"""The parser of every upload endpoint: DRF's multipart parser, with one error made clear.

Django reads at most MAX_TOTAL_HEADER_SIZE (1,024) bytes of a part's headers; a file name of several
hundred characters (a hostile client's, or one with many non-ASCII letters) goes past that, and DRF
answers "Multipart form parse error - Request max total header size exceeded." without saying which
field. Every Wafer upload sends its file as `file`, so the answer names it and says what to do.
"""

from django.http.multipartparser import MAX_TOTAL_HEADER_SIZE
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import MultiPartParser

# Django's message (django.http.multipartparser.parse_boundary_stream): if Django rewords it, the
# 1,000-character names of tests/security/test_hostile_uploads.py fail.
HEADERS_TOO_LONG = "Request max total header size exceeded."


class UploadParser(MultiPartParser):
    field = "file"

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            if HEADERS_TOO_LONG not in str(exc.detail):
                raise
            message = (
                f"The file's name is too long: a part's headers may hold {MAX_TOTAL_HEADER_SIZE} bytes. "
                "Rename the file and send it again."
            )
            raise ValidationError({self.field: [message]}) from exc
