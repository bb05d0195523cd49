"""Settings for the server the contract fuzzer talks to (tests/contract/test_fuzz.py).

The test settings (no throttles: the fuzzer sends thousands of requests from one address), with the
database and uploads in the test's own directory, and nothing that leaves this machine.
"""

import os
import socket

from api.config.settings_test import *  # noqa: F403

MEDIA_ROOT = os.environ["CONTRACT_MEDIA_ROOT"]

# Queued jobs (webhook deliveries and pings, resume books) stay queued: nobody runs them, so a
# fuzzed `test` or `replay` never makes Wafer post anywhere.
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}

# Webhook URLs are checked by resolving their host (api.webhooks.safety). Fuzzed host names must not
# become DNS queries from a test: every name but this machine's is "not found", which Wafer answers
# with a 400 like any host that does not resolve.
_getaddrinfo = socket.getaddrinfo
_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}


def _loopback_only_getaddrinfo(host, *args, **kwargs):
    if host is not None and str(host) not in _LOCAL_NAMES:
        raise socket.gaierror(socket.EAI_NONAME, "not resolved in the contract tests")
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_only_getaddrinfo
