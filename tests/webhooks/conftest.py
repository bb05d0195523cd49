"""Webhook fixtures: a real HTTP receiver on 127.0.0.1, company admins, and loopback allowed."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished

from tests.conftest import client_fixture


class Receiver:
    """An HTTP server in a thread that records every request and answers from a script.

    `answers` is a list of statuses (or (status, headers) pairs) used in turn; when it runs out,
    `default` answers. Requests are recorded before the answer is written, so a synchronous sender
    finds them here as soon as its attempt returns.
    """

    def __init__(self):
        self.requests = []
        self.answers = []
        self.default = 200
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    answer = receiver.answers.pop(0) if receiver.answers else receiver.default
                status, headers = answer if isinstance(answer, tuple) else (answer, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass  # quiet test output

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path="/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def bodies(self) -> list[bytes]:
        return [request["body"] for request in self.requests]


@pytest.fixture
def make_receiver():
    """make_receiver() -> a started Receiver, stopped after the test."""
    started = []

    def make():
        server = Receiver()
        server.thread.start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.server.shutdown()
        server.server.server_close()
        server.thread.join(timeout=5)


@pytest.fixture
def receiver(make_receiver):
    return make_receiver()


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    # The tests' receiver listens on http://127.0.0.1: allowed here only (production refuses both).
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOK_ALLOW_HTTP = True


@pytest.fixture(autouse=True)
def _jobs_must_not_fail():
    """The ImmediateBackend swallows a job's exception; fail the test with its traceback instead."""
    failures = []

    def on_finished(sender, task_result, **kwargs):
        if task_result.status == TaskResultStatus.FAILED:
            failures.extend(error.traceback for error in task_result.errors)

    task_finished.connect(on_finished, dispatch_uid="webhooks-test-failures")
    yield failures
    task_finished.disconnect(dispatch_uid="webhooks-test-failures")
    assert not failures, "\n".join(failures)


# The webhook tests name the company admins after their companies (tests/conftest.py makes them).
@pytest.fixture
def aster_admin(company_admin):
    return company_admin


@pytest.fixture
def helix_admin(other_company_admin):
    return other_company_admin


@pytest.fixture
def obsidian_admin(inactive_company_admin):
    return inactive_company_admin


aster_admin_api = client_fixture("aster_admin")
helix_admin_api = client_fixture("helix_admin")
obsidian_admin_api = client_fixture("obsidian_admin")
