"""Render api/farm/haproxy.cfg.template for docker/compose.yaml: the farm's one template, with the
`web` replicas found through Docker's DNS instead of a list of 127.0.0.1 ports.

`docker compose up --scale web=4` needs no new configuration: HAProxy's `server-template` keeps
--slots servers, fills them with the addresses the name `web` resolves to, and re-resolves it, so
replicas that come or go are picked up within seconds. Run at image build time (the haproxy-config
stage of docker/Dockerfile) and by tests/docker. Standard library only: Django is not installed there.
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from api.farm.config import HAProxySettings, render  # noqa: E402 (after the path is set)

# HAProxy expands "${VAR}" when it reads its configuration: the health-check Host comes from the
# container's environment (the image sets HAPROXY_HEALTH_HOST=localhost; compose may override it).
HEALTH_HOST = '"${HAPROXY_HEALTH_HOST}"'

# Docker's embedded DNS (127.0.0.11, as the container's resolv.conf names it). `hold` times bound how
# long a replica that went away stays in rotation; the payload size lets one answer carry many replicas.
RESOLVERS = """
resolvers docker
    parse-resolv-conf
    resolve_retries 3
    timeout resolve 1s
    timeout retry 1s
    hold valid 5s
    hold other 5s
    hold refused 5s
    hold nx 5s
    hold timeout 5s
    hold obsolete 5s
    accepted_payload_size 8192"""


def server_template(service: str, slots: int, port: int) -> str:
    # init-addr none: HAProxy starts (and `haproxy -c` passes) before any replica resolves.
    return (
        f"    server-template {service} 1-{slots} {service}:{port} resolvers docker resolve-prefer ipv4 init-addr none"
    )


def settings(
    *,
    slots: int = 10,
    maxconn: int = 8,
    port: int = 8080,
    service: str = "web",
    service_port: int = 8000,
    errorfile: Path | None = None,
) -> HAProxySettings:
    if slots < 1:
        raise ValueError("slots must be at least 1")
    extra = {"errorfile_503": errorfile} if errorfile else {}
    return HAProxySettings(
        backends=[],
        concurrency=maxconn,
        bind="0.0.0.0",  # noqa: S104 (inside the compose network; only nginx is published)
        port=port,
        health_host=HEALTH_HOST,
        forwarded_for="append",  # nginx in front has replaced the client's X-Forwarded-For
        servers=server_template(service, slots, service_port),
        sections=RESOLVERS,
        extra={"global_maxconn": max(2000, 4 * maxconn * slots), **extra},
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slots", type=int, default=10, help="most web replicas in rotation (default 10)")
    parser.add_argument("--maxconn", type=int, default=8, help="requests one replica runs at once (default 8)")
    parser.add_argument("--port", type=int, default=8080, help="HAProxy's port in the network (default 8080)")
    parser.add_argument("--errorfile", type=Path, help="where the image puts 503.json.http")
    parser.add_argument("--output", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)
    text = render(settings(slots=args.slots, maxconn=args.maxconn, port=args.port, errorfile=args.errorfile))
    if args.output:
        args.output.write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
