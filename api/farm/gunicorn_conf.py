"""gunicorn settings for the farm's workers (`-c python:api.farm.gunicorn_conf`, api.farm.run).

One change to how an answer leaves: gunicorn sends the header block and the body in two writes. A
worker killed between them (kill -9, the OOM killer) leaves the client a header that promises a body that
never comes, and HAProxy cannot retry an answer it has begun to forward. Held back until the first body
bytes (or the end of a body-less answer), the header leaves in the same send: a killed worker then leaves
nothing at all, which HAProxy retries on another worker (`retry-on empty-response`, safe methods only).
"""

from gunicorn.http import wsgi


class _HeaderHeldBack:
    """The answer's socket: the first sendall (gunicorn's header block) waits for the next one."""

    def __init__(self, sock):
        self._sock = sock
        self._header = None
        self._state = "expecting-header"

    def sendall(self, data):
        if self._state == "expecting-header":
            self._header, self._state = bytes(data), "holding"
            return None
        if self._state == "holding":
            data, self._header, self._state = self._header + bytes(data), None, "open"
        return self._sock.sendall(data)

    def flush(self):
        if self._state == "holding":
            header, self._header, self._state = self._header, None, "open"
            self._sock.sendall(header)

    def sendfile(self, *args, **kwargs):  # wsgi.file_wrapper: the header goes first, on its own
        self.flush()
        return self._sock.sendfile(*args, **kwargs)

    def __getattr__(self, name):  # fileno, setblocking, gettimeout ... of the real socket
        return getattr(self._sock, name)


_send_headers = wsgi.Response.send_headers
_close = wsgi.Response.close


def _send_headers_with_first_bytes(self):
    if not self.headers_sent and not isinstance(self.sock, _HeaderHeldBack):
        self.sock = _HeaderHeldBack(self.sock)
    _send_headers(self)


def _close_flushing(self):
    _close(self)
    if isinstance(self.sock, _HeaderHeldBack):
        self.sock.flush()  # a body-less answer (HEAD, 204, 304): the header alone


wsgi.Response.send_headers = _send_headers_with_first_bytes
wsgi.Response.close = _close_flushing
