"""Contract fuzzing (issue 11): schemathesis sends generated requests, valid and invalid, to a live
Wafer on 127.0.0.1 and checks every answer against docs/openapi.yaml, as three callers: anonymous,
a member company's liaison (token) and staff (token).

Bounded and repeatable: a fixed seed, derandomized Hypothesis, MAX_EXAMPLES per operation and mode,
no shrinking. A failure names the operation and the caller; its message holds the request to replay.
CONTRACT_COVERAGE=1 adds schemathesis's coverage phase (boundaries and wrong types of every parameter
and field, systematically): about five times as long, so not in every `make test`.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import load_all_checks, not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi import checks

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "docs" / "openapi.yaml"
MAX_EXAMPLES = int(os.environ.get("CONTRACT_MAX_EXAMPLES", "10"))
SEED = int(os.environ.get("CONTRACT_SEED", "11"))  # another seed, other requests: worth a run now and then
COVERAGE = os.environ.get("CONTRACT_COVERAGE") == "1"
START_TIMEOUT = 60.0
SCOPES = ("--scope", "read", "--scope", "write")
CHECKS = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    checks.ignored_auth,
    checks.use_after_free,
]
CALLERS = {
    "anonymous": None,
    "member": "liaison@aster.example.com",
    "staff": "staff@wafer.example",
}

load_all_checks()
schema = schemathesis.openapi.from_path(
    CONTRACT,
    config=SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True, "no-shrink": True},
            "phases": {"examples": {"enabled": False}, "coverage": {"enabled": COVERAGE}},
        }
    ),
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env, *args) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited while starting"
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server did not answer /healthz within {START_TIMEOUT}s")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A Wafer on a free 127.0.0.1 port, on a fresh SQLite database with the demo data, and a token
    (read and write) for each signed-in caller: {"url": ..., "tokens": {caller: raw}, "token_ids": {caller: id}}."""
    root = tmp_path_factory.mktemp("contract")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.contract.server_settings",
        "DATABASE_URL": f"sqlite:///{root / 'wafer.sqlite3'}",
        "CONTRACT_MEDIA_ROOT": str(root / "media"),
        "PYTHONPATH": str(ROOT),
    }
    _manage(env, "migrate", "--noinput")
    _manage(env, "seed_demo", "--force")  # DEBUG is off, as in production
    tokens = {}
    for caller, email in CALLERS.items():
        if email:
            raw = _manage(env, "create_token", "--user", email, "--name", "contract", *SCOPES)
            tokens[caller] = raw.strip().splitlines()[-1]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (root / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(url, server)
        token_ids = {caller: _own_token_id(url, raw) for caller, raw in tokens.items()}
        yield {"url": url, "tokens": tokens, "token_ids": token_ids}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def _own_token_id(url: str, raw: str) -> int:
    response = requests.get(f"{url}/api/v1/auth/tokens/", headers=_bearer(raw), timeout=10)
    assert response.status_code == 200, response.text
    rows = response.json()["results"]
    return next(row["id"] for row in rows if row["name"] == "contract")


@pytest.mark.parametrize("caller", list(CALLERS))
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_contract(case, caller, live):
    headers = {}
    raw = live["tokens"].get(caller)
    if raw:
        headers = _bearer(raw)
    # The fuzzer must not revoke the callers' own tokens (staff may revoke anyone's): every later case
    # would be a mere 401. An id that names no token stands in for theirs.
    if case.path.startswith("/api/v1/auth/tokens/{id}") and str((case.path_parameters or {}).get("id")) in {
        str(token_id) for token_id in live["token_ids"].values()
    }:
        case.path_parameters["id"] = 10**9
    case.call_and_validate(base_url=live["url"], headers=headers, checks=CHECKS, timeout=30)


def test_the_callers_stayed_signed_in(live):
    # Runs after the fuzzing (pytest keeps the file's order): had a fuzzed request revoked a caller's
    # token, every case after it would have passed as a mere 401, checking nothing.
    for caller, raw in live["tokens"].items():
        response = requests.get(f"{live['url']}/api/v1/auth/me/", headers=_bearer(raw), timeout=10)
        assert response.status_code == 200, (caller, response.status_code)
