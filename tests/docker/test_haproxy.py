"""docker/haproxy/render.py: compose's HAProxy comes from the farm's template, finds the `web` replicas
through Docker's DNS, and its configuration passes `haproxy -c`."""

import importlib.util
import os
import re
import subprocess
from pathlib import Path

import pytest

from api.farm.config import Backend, HAProxySettings, render
from api.farm.run import haproxy_binary

ROOT = Path(__file__).resolve().parents[2]
RENDER = ROOT / "docker" / "haproxy" / "render.py"


def load_render():
    spec = importlib.util.spec_from_file_location("wafer_docker_haproxy_render", RENDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def directives(text: str) -> list[str]:
    lines = (line.strip() for line in text.splitlines())
    return [re.sub(r"\s+", " ", line) for line in lines if line and not line.startswith("#")]


def docker_config(**kwargs) -> str:
    module = load_render()
    return render(module.settings(**kwargs))


def test_servers_are_a_dns_template_over_the_web_service():
    lines = directives(docker_config(slots=6, maxconn=8))
    servers = [line for line in lines if line.startswith("server")]
    assert servers == ["server-template web 1-6 web:8000 resolvers docker resolve-prefer ipv4 init-addr none"]
    assert "resolvers docker" in lines
    assert "parse-resolv-conf" in lines
    assert "default-server check inter 1s fall 2 rise 2 maxconn 8" in lines
    assert "bind 0.0.0.0:8080" in lines


def test_everything_but_the_servers_and_forwarding_is_the_farms_template():
    farm = directives(render(HAProxySettings(backends=[Backend("web1", "127.0.0.1", 8100)], concurrency=8)))
    docker = directives(docker_config(slots=1, maxconn=8))
    differs = {"bind", "server", "option forwardfor", "http-request set-header X-Forwarded-For", "http-check send"}
    differs |= {"maxconn", "errorfile"}

    def common(lines):
        kept = []
        for line in lines:
            if line.startswith("resolvers"):
                break
            if not any(line.startswith(prefix) for prefix in differs):
                kept.append(line)
        return kept

    assert common(farm) == common(docker)
    assert len(common(docker)) > 25


def test_behind_nginx_haproxy_appends_to_x_forwarded_for_instead_of_replacing_it():
    lines = directives(docker_config())
    assert "option forwardfor" in lines
    assert "http-request set-header X-Forwarded-For %[src]" not in lines
    # The farm, where HAProxy is the edge, still replaces it.
    farm = directives(render(HAProxySettings(backends=[Backend("web1", "127.0.0.1", 8100)], concurrency=4)))
    assert "http-request set-header X-Forwarded-For %[src]" in farm


def test_health_check_host_comes_from_the_environment():
    assert 'http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host "${HAPROXY_HEALTH_HOST}"' in directives(
        docker_config()
    )


def test_errorfile_is_where_the_image_copies_it():
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    errorfile = re.search(r"--errorfile (\S+)", dockerfile)[1]
    assert errorfile == "/usr/local/etc/haproxy/503.json.http"
    assert "COPY --from=haproxy-config /out/ /usr/local/etc/haproxy/" in dockerfile
    assert f"errorfile 503 {errorfile}" in directives(docker_config(errorfile=Path(errorfile)))


def test_nonsense_is_refused():
    with pytest.raises(ValueError, match="slots"):
        docker_config(slots=0)
    with pytest.raises(ValueError, match="concurrency"):
        docker_config(maxconn=0)


def test_command_line_writes_the_file(tmp_path):
    out = tmp_path / "haproxy.cfg"
    assert load_render().main(["--slots", "3", "--maxconn", "5", "--output", str(out)]) == 0
    assert "server-template web 1-3 web:8000" in out.read_text()


@pytest.mark.skipif(haproxy_binary() is None, reason="haproxy is not installed here (apt-get install haproxy)")
def test_generated_configuration_passes_haproxy_check(tmp_path):
    errorfile = ROOT / "api" / "farm" / "503.json.http"  # the image's copy of it sits elsewhere
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(docker_config(slots=10, maxconn=8, errorfile=errorfile))
    env = {**os.environ, "HAPROXY_HEALTH_HOST": "localhost"}  # the haproxy image's ENV
    result = subprocess.run(
        [haproxy_binary(), "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30, env=env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Configuration file is valid" in result.stdout + result.stderr
