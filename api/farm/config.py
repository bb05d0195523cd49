"""The HAProxy configuration, rendered from the one template (api/farm/haproxy.cfg.template)."""

from dataclasses import dataclass, field
from pathlib import Path
from string import Template

FARM_DIR = Path(__file__).resolve().parent
TEMPLATE = FARM_DIR / "haproxy.cfg.template"
ERRORFILE_503 = FARM_DIR / "503.json.http"


@dataclass(frozen=True)
class Backend:
    """One WSGI worker as HAProxy sees it."""

    name: str
    host: str
    port: int


@dataclass(frozen=True)
class HAProxySettings:
    backends: list[Backend]
    concurrency: int  # requests one worker runs at once: each server's maxconn
    bind: str = "127.0.0.1"
    port: int = 8080
    health_host: str = "localhost"  # must be in the workers' ALLOWED_HOSTS
    errorfile_503: Path = ERRORFILE_503
    timeout_connect: str = "500ms"
    timeout_server: str = "60s"
    timeout_queue: str = "10s"
    check_inter: str = "1s"
    forwarded_for: str = "replace"  # a key of FORWARDED_FOR
    # docker/ names its workers by DNS (a server-template line) instead of listing backends, and adds
    # the `resolvers` section that line needs.
    servers: str = ""
    sections: str = ""
    extra: dict = field(default_factory=dict)


# "replace": HAProxy is the edge, a client-sent header is a lie. "append": a trusted proxy in front
# (nginx in docker/) has already replaced it; HAProxy adds that proxy's address as the last hop.
FORWARDED_FOR = {
    "replace": "    http-request set-header X-Forwarded-For %[src]",
    "append": "    option forwardfor",
}


def server_lines(backends: list[Backend]) -> str:
    return "\n".join(f"    server {b.name} {b.host}:{b.port}" for b in backends)


def render(settings: HAProxySettings, template: Path = TEMPLATE) -> str:
    if settings.concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    if not settings.backends and not settings.servers:
        raise ValueError("at least one backend is needed")
    if settings.forwarded_for not in FORWARDED_FOR:
        raise ValueError(f"forwarded_for must be one of {sorted(FORWARDED_FOR)}")
    values = {
        "global_maxconn": max(2000, 4 * settings.concurrency * max(1, len(settings.backends))),
        "bind": settings.bind,
        "port": settings.port,
        "health_host": settings.health_host,
        "errorfile_503": settings.errorfile_503,
        "timeout_connect": settings.timeout_connect,
        "timeout_server": settings.timeout_server,
        "timeout_queue": settings.timeout_queue,
        "check_inter": settings.check_inter,
        "server_maxconn": settings.concurrency,
        "forwarded_for": FORWARDED_FOR[settings.forwarded_for],
        "servers": settings.servers or server_lines(settings.backends),
        "sections": settings.sections,
        **settings.extra,
    }
    return Template(template.read_text()).substitute(values)
