"""docker/nginx/: the configuration passes `nginx -t`, and a real nginx on 127.0.0.1 serves the SPA, the
static files and a gated file through X-Accel-Redirect from a stand-in upstream (HAProxy's place).

The template is rendered as the nginx image's entrypoint would (envsubst of the variables set in its
environment), with temporary directories and a 127.0.0.1 upstream: `nginx -t` resolves upstream names,
and `haproxy` does not resolve here.
"""

import contextlib
import hashlib
import http.client
import os
import re
import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from tests.farm.support import free_ports

ROOT = Path(__file__).resolve().parents[2]
NGINX_DIR = ROOT / "docker" / "nginx"
TEMPLATE = NGINX_DIR / "wafer.conf.template"
PROXY_INC = NGINX_DIR / "wafer-proxy.inc"
VARIABLES = {"NGINX_PORT", "WAFER_UPSTREAM", "WAFER_SHARE", "WAFER_MEDIA_ROOT", "FILE_DELIVERY_PREFIX"}
STORED_NAME = "publications/2026/11/0f3c9a.pdf"
FILE_BYTES = os.urandom(1024 * 1024 + 17)  # bigger than nginx's proxy buffers, an odd length

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed here (apt-get install nginx)")


def template_variables(text: str) -> set[str]:
    code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    return set(re.findall(r"\$\{([A-Z_]+)\}", code))


def render(values: dict[str, str]) -> str:
    """envsubst of the given variables only, as the nginx image's 20-envsubst-on-templates.sh does."""
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    return text


def test_template_uses_exactly_the_variables_the_image_sets():
    assert template_variables(TEMPLATE.read_text()) == VARIABLES
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    nginx_stage = dockerfile.split("AS nginx", 1)[1]
    for name in VARIABLES:
        setting = re.search(rf"(?:^\s+|\bENV\s+){name}=\S+", nginx_stage, re.MULTILINE)
        assert setting, f"the nginx stage does not set {name}"


def test_protected_prefix_is_the_one_django_sends():
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    prefix = re.search(r"FILE_DELIVERY_PREFIX=(\S+)", dockerfile.split("AS nginx", 1)[1])
    assert prefix and prefix[1] == settings.FILE_DELIVERY_PREFIX


class Upstream(BaseHTTPRequestHandler):
    """HAProxy's stand-in: answers like Django's api.core.files.delivery in x-accel-redirect mode."""

    seen: list = []

    def do_GET(self):
        type(self).seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        if self.path == "/api/v1/publications/1/files/1/download":
            self._answer(
                200,
                {
                    "X-Accel-Redirect": settings.FILE_DELIVERY_PREFIX + STORED_NAME,
                    "Content-Type": "application/pdf",
                    "Content-Disposition": "attachment; filename=\"paper.pdf\"; filename*=UTF-8''paper.pdf",
                    "X-Content-Type-Options": "nosniff",
                    "Cache-Control": "private, no-store",
                },
            )
        elif self.path == "/api/v1/publications/1/files/2/download":
            self._answer(200, {"X-Accel-Redirect": settings.FILE_DELIVERY_PREFIX + "publications/gone.pdf"})
        else:
            self._answer(200, {"Content-Type": "application/json"}, b'{"status": "ok"}')

    def _answer(self, status, headers, body=b""):
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def site(tmp: Path) -> dict[str, Path]:
    share, media = tmp / "share", tmp / "media"
    (share / "spa" / "assets").mkdir(parents=True)
    (share / "spa" / "index.html").write_text("<!doctype html><title>Wafer</title><div id=app></div>")
    (share / "spa" / "assets" / "index-B4x9kQ.js").write_text("console.log('wafer');")
    (share / "static" / "admin" / "css").mkdir(parents=True)
    (share / "static" / "admin" / "css" / "base.0123456789ab.css").write_text("body{}")
    (media / STORED_NAME).parent.mkdir(parents=True)
    (media / STORED_NAME).write_bytes(FILE_BYTES)
    return {"share": share, "media": media}


def nginx_conf(tmp: Path, port: int, upstream: str, paths: dict[str, Path]) -> Path:
    (tmp / "conf.d").mkdir()
    shutil.copy(PROXY_INC, tmp / "conf.d" / "wafer-proxy.inc")
    values = {
        "NGINX_PORT": f"127.0.0.1:{port}",
        "WAFER_UPSTREAM": upstream,
        "WAFER_SHARE": str(paths["share"]),
        "WAFER_MEDIA_ROOT": str(paths["media"]),
        "FILE_DELIVERY_PREFIX": settings.FILE_DELIVERY_PREFIX,
    }
    (tmp / "conf.d" / "wafer.conf").write_text(render(values))
    temp = "\n".join(
        f"    {kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx's workers would switch to `nobody`, who may not read pytest's private tmp dirs.
    user = "user root;\n" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
{temp}
    include conf.d/wafer.conf;
}}
"""
    )
    return conf


def nginx_argv(tmp: Path, conf: Path, *extra: str) -> list[str]:
    return [NGINX, "-p", str(tmp), "-c", str(conf), "-g", f"pid {tmp / 'nginx.pid'}; error_log stderr;{''.join(extra)}"]


@needs_nginx
def test_configuration_passes_nginx_t(tmp_path):
    conf = nginx_conf(tmp_path, free_ports(1), "127.0.0.1:9", site(tmp_path))
    result = subprocess.run(
        [*nginx_argv(tmp_path, conf)[:-2], "-t", *nginx_argv(tmp_path, conf)[-2:]],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def fetch(port: int, path: str, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": "wafer.example.org", **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.fixture
def running_nginx(tmp_path):
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    Upstream.seen = []
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = free_ports(1)
    conf = nginx_conf(tmp_path, port, f"127.0.0.1:{upstream.server_address[1]}", site(tmp_path))
    log = tmp_path / "nginx.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(nginx_argv(tmp_path, conf, " daemon off;"), stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            with contextlib.suppress(OSError):
                if fetch(port, "/.nginx-alive")[0] == 200:
                    break
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "nginx did not answer within 15 s"
            time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        upstream.shutdown()
        upstream.server_close()


@needs_nginx
def test_a_gated_file_comes_from_the_internal_location_with_djangos_headers(running_nginx):
    status, headers, body = fetch(running_nginx, "/api/v1/publications/1/files/1/download")
    assert status == 200
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(FILE_BYTES).hexdigest()
    assert headers["content-length"] == str(len(FILE_BYTES))
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"].startswith('attachment; filename="paper.pdf"')
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "private, no-store"
    assert "x-accel-redirect" not in headers  # the stored name never reaches the client


@needs_nginx
def test_the_internal_location_is_not_reachable_directly(running_nginx):
    status, _, body = fetch(running_nginx, settings.FILE_DELIVERY_PREFIX + STORED_NAME)
    assert status == 404
    assert FILE_BYTES[:64] not in body


@needs_nginx
def test_a_redirect_to_a_missing_file_is_a_404(running_nginx):
    assert fetch(running_nginx, "/api/v1/publications/1/files/2/download")[0] == 404


@needs_nginx
@pytest.mark.parametrize(
    "path", ["/healthz", "/readyz", "/api/v1/programs/", "/api/v1/export.csv", "/admin/login/", "/admin/x.js"]
)
def test_application_paths_go_upstream_with_the_clients_address_only(running_nginx, path):
    status, _, body = fetch(running_nginx, path, {"X-Forwarded-For": "203.0.113.66", "X-Forwarded-Host": "evil"})
    assert (status, body) == (200, b'{"status": "ok"}')
    seen = Upstream.seen[-1]
    assert seen["path"] == path
    assert seen["x-forwarded-for"] == "127.0.0.1"  # the client's own header is replaced, not appended to
    assert seen["host"] == "wafer.example.org"
    assert "x-forwarded-host" not in seen


@needs_nginx
def test_spa_routes_answer_index_html_revalidated(running_nginx):
    for path in ("/", "/publications/42"):
        status, headers, body = fetch(running_nginx, path)
        assert status == 200, path
        assert b"<title>Wafer</title>" in body
        assert headers["cache-control"] == "no-cache"
    assert not Upstream.seen  # nginx served them itself


@needs_nginx
def test_hashed_assets_are_cached_for_good_and_missing_ones_are_404(running_nginx):
    status, headers, body = fetch(running_nginx, "/assets/index-B4x9kQ.js")
    assert (status, body) == (200, b"console.log('wafer');")
    assert headers["cache-control"] == "max-age=31536000, public, immutable"
    assert fetch(running_nginx, "/assets/index-OLDHASH.js")[0] == 404
    assert fetch(running_nginx, "/favicon.ico")[0] == 404


@needs_nginx
def test_collected_static_files_are_served_by_nginx(running_nginx):
    status, headers, body = fetch(running_nginx, "/static/admin/css/base.0123456789ab.css")
    assert (status, body) == (200, b"body{}")
    assert headers["content-type"].startswith("text/css")
    assert headers["cache-control"] == "max-age=31536000, public, immutable"
    assert fetch(running_nginx, "/static/admin/css/missing.css")[0] == 404
    assert not Upstream.seen


def test_uploads_up_to_djangos_limit_pass_nginx():
    limit = re.search(r"client_max_body_size (\d+)m;", TEMPLATE.read_text())
    assert limit and int(limit[1]) * 1024 * 1024 > settings.UPLOAD_MAX_BYTES
