"""One HTTP POST to a checked webhook target (api.webhooks.safety), with the standard library.

The connection goes to an address the safety check accepted, never to whatever the host name
resolves to a moment later (DNS rebinding); the URL's host name is still the `Host` header and the
TLS server name, so certificates are verified against it as usual. Redirects are not followed (a
3xx is a failed attempt): a redirect could point anywhere, inside the network included. At most
MAX_RESPONSE_BYTES of the answer are read; it is not used beyond its status code.
"""

import http.client
import socket
import ssl
from dataclasses import dataclass

from api.webhooks.safety import Target

MAX_RESPONSE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Outcome:
    status: int | None  # None: no HTTP answer (refused, timed out, TLS failure)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, address: str, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, address: str, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _post_once(target: Target, address: str, body: bytes, headers: dict, timeout: float) -> int:
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target, address, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(MAX_RESPONSE_BYTES)
        return response.status
    finally:
        connection.close()


def post(target: Target, body: bytes, headers: dict, *, timeout: float) -> Outcome:
    """POST to the first checked address that accepts a connection; the outcome, never an exception."""
    error = "No address to connect to."
    for address in target.addresses:
        try:
            status = _post_once(target, address, body, headers, timeout)
        except (ConnectionRefusedError, socket.gaierror) as exc:
            error = f"Connection refused: {exc}"
            continue  # the next address of the host may answer
        except TimeoutError:
            return Outcome(None, f"No answer within {timeout:g} s.")
        except ssl.SSLError as exc:
            return Outcome(None, f"TLS failed: {exc}")
        except (OSError, http.client.HTTPException) as exc:
            return Outcome(None, f"{type(exc).__name__}: {exc}")
        if 300 <= status < 400:
            return Outcome(status, "A redirect, not followed: give the final URL.")
        return Outcome(status, "" if 200 <= status < 300 else f"The receiver answered {status}.")
    return Outcome(None, error)
