"""The HAProxy configuration rendered from api/farm/haproxy.cfg.template."""

import re
import subprocess

import pytest

from api.farm.config import ERRORFILE_503, Backend, HAProxySettings, render
from api.farm.run import haproxy_binary

BACKENDS = [Backend("web1", "127.0.0.1", 8100), Backend("web2", "127.0.0.1", 8101), Backend("web3", "127.0.0.1", 8102)]


def rendered(**overrides) -> str:
    return render(HAProxySettings(backends=BACKENDS, concurrency=4, **overrides))


def directives(text: str) -> list[str]:
    lines = (line.strip() for line in text.splitlines())
    return [re.sub(r"\s+", " ", line) for line in lines if line and not line.startswith("#")]


def test_frontend_listens_on_loopback_and_servers_are_the_workers():
    lines = directives(rendered(port=8090))
    assert "bind 127.0.0.1:8090" in lines
    assert [line for line in lines if line.startswith("server ")] == [
        "server web1 127.0.0.1:8100",
        "server web2 127.0.0.1:8101",
        "server web3 127.0.0.1:8102",
    ]


def test_each_server_takes_as_many_requests_as_its_worker_runs_at_once():
    lines = directives(render(HAProxySettings(backends=BACKENDS, concurrency=6)))
    assert "default-server check inter 1s fall 2 rise 2 maxconn 6" in lines
    assert "balance leastconn" in lines
    assert "timeout queue 10s" in lines


def test_health_check_sends_a_host_header_django_accepts():
    lines = directives(rendered(health_host="localhost"))
    assert "option httpchk" in lines
    assert "http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host localhost" in lines
    assert "http-check expect status 200" in lines


def test_retries_go_to_another_worker_and_never_replay_writes():
    lines = directives(rendered())
    assert "retries 3" in lines
    assert "option redispatch 1" in lines
    assert "retry-on conn-failure empty-response" in lines
    assert "http-request disable-l7-retry if !METH_GET !METH_HEAD !METH_OPTIONS" in lines


def test_client_sent_forwarding_headers_are_replaced_not_appended():
    lines = directives(rendered())
    assert "http-request set-header X-Forwarded-For %[src]" in lines  # set-header removes what was there
    assert not any(line.startswith("option forwardfor") for line in lines)  # forwardfor appends
    assert "http-request set-header X-Forwarded-Proto http if !{ ssl_fc }" in lines
    assert "timeout http-request 10s" in lines  # slowloris: the request head must arrive in time


def test_no_worker_up_answers_json():
    assert f"errorfile 503 {ERRORFILE_503}" in directives(rendered())
    raw = ERRORFILE_503.read_bytes()
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 503 ")
    assert b"\r\nContent-Type: application/json" in head
    assert b'"code": "service_unavailable"' in body


def test_rendering_refuses_nonsense():
    with pytest.raises(ValueError, match="concurrency"):
        render(HAProxySettings(backends=BACKENDS, concurrency=0))
    with pytest.raises(ValueError, match="backend"):
        render(HAProxySettings(backends=[], concurrency=1))


@pytest.mark.skipif(
    haproxy_binary() is None, reason="haproxy is not installed here (apt-get install haproxy; CI has it)"
)
def test_generated_configuration_passes_haproxy_check(tmp_path):
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(rendered())
    result = subprocess.run([haproxy_binary(), "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Configuration file is valid" in result.stdout + result.stderr
