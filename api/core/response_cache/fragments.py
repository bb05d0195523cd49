"""Pages assembled from rows kept as JSON (rows.py), instead of dicts unpickled and encoded again.

A row is rendered once, by the plain JSON renderer, when it is built; a page that misses the answer
cache then joins its rows' bytes into the paginator's envelope. The result is byte for byte what the
same renderer makes of the whole page: a JSON list is its items' encodings joined by the renderer's
item separator, and the renderer escapes U+2028/U+2029 item by item as it does in the whole.
Any other rendering (another renderer, or `Accept: application/json; indent=4`) gets the page decoded
and rendered as usual."""

import json

from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

ROW_RENDERER = JSONRenderer()
# Where the rows go in the envelope: a string no row, count or link encodes to (a control character is
# always escaped, and the links are URL-encoded).
ROWS_MARKER = "\0rows\0"
_ENCODED_MARKER = ROW_RENDERER.render(ROWS_MARKER)
_SEPARATOR = b"," if ROW_RENDERER.compact else b", "


def render_row(row: dict) -> bytes:
    return ROW_RENDERER.render(row)


def join(envelope: bytes, rows: list[bytes]) -> bytes:
    head, marker, tail = envelope.partition(_ENCODED_MARKER)
    if not marker or _ENCODED_MARKER in tail:
        raise ValueError("The envelope must hold the rows' marker once.")
    return b"".join((head, b"[", _SEPARATOR.join(rows), b"]", tail))


def _renders_as_rows_do(renderer, media_type, context) -> bool:
    return type(renderer) is JSONRenderer and renderer.get_indent(media_type, context) is None


class PageOfRenderedRows(Response):
    """The paginated response of `rows` (JSON bytes), its envelope taken from the paginator's response
    whose data holds ROWS_MARKER in place of the list of rows."""

    def __init__(self, envelope: Response, rows: list[bytes]):
        headers = {name: value for name, value in envelope.items() if name != "Content-Type"}
        super().__init__(envelope.data, status=envelope.status_code, headers=headers)
        self.rows = rows

    @property
    def rendered_content(self):
        if _renders_as_rows_do(self.accepted_renderer, self.accepted_media_type, self.renderer_context):
            return join(super().rendered_content, self.rows)
        self.data = json.loads(join(ROW_RENDERER.render(self.data), self.rows))
        return super().rendered_content
