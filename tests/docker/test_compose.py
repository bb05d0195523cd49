"""docker/compose.yaml and docker/Dockerfile: every service the deployment needs, in the right order,
with health checks, scalable where it should be, and consistent with the settings and the images.

No Docker engine runs here: the files are parsed (PyYAML) and checked against the repository.
`docker compose config` runs only where the docker CLI and its compose plugin exist.
"""

import fnmatch
import ipaddress
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

from api.config.env import database_from_url

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"
COMPOSE = DOCKER / "compose.yaml"
DOCKERFILE = DOCKER / "Dockerfile"
DOCKERIGNORE = DOCKER / "Dockerfile.dockerignore"
ENV_EXAMPLE = DOCKER / ".env.example"

REQUIRED = {"mssql", "mssql-init", "migrate", "web", "worker", "periodic", "memcached", "haproxy", "nginx"}
ONE_SHOT = {"mssql-init", "migrate"}
APP = {"migrate", "web", "worker", "periodic"}  # the Django image
# Variables the web image's gunicorn command line reads, not Django's settings.
GUNICORN_VARS = {"WEB_CONCURRENCY", "GUNICORN_THREADS"}

INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)|(?P<plain>[A-Za-z_]\w*)|\{(?P<name>[A-Za-z_]\w*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\})"
)


def interpolate(value, env: dict[str, str]):
    """Resolve compose variables in every string of value, as `docker compose config` would."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        name, op, arg = match["plain"] or match["name"], match["op"], match["arg"]
        current = env.get(name)
        missing = current is None or (current == "" and op is not None and op.startswith(":"))
        if op and op.endswith("?") and missing:
            raise LookupError(f"{name} is required: {arg}")
        if op and op.endswith("-") and missing:
            return arg
        return current or ""

    return INTERPOLATION.sub(replace, value)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def depends_on(service: dict) -> dict:
    deps = service.get("depends_on", {})
    return {name: {"condition": "service_started"} for name in deps} if isinstance(deps, list) else deps


def stages() -> dict[str, str]:
    """Stage name -> its base image, from the Dockerfile's FROM lines."""
    found = re.findall(r"^FROM\s+(\S+)\s+AS\s+(\S+)\s*$", DOCKERFILE.read_text(), re.MULTILINE | re.IGNORECASE)
    return {name: image for image, name in found}


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    logical, current = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1] if " " in text else "") for text in logical]


def stage_text(name: str) -> str:
    return re.split(r"^FROM\s", DOCKERFILE.read_text().split(f" AS {name}\n", 1)[1], flags=re.MULTILINE)[0]


# --- services and their order ---------------------------------------------------------------


def test_every_required_service_is_there(services):
    assert set(services) >= REQUIRED


def test_long_running_services_have_health_checks_and_restart(services):
    for name in REQUIRED - ONE_SHOT:
        check = services[name].get("healthcheck")
        assert check and not check.get("disable") and check.get("test"), f"{name} has no health check"
        assert services[name].get("restart") == "unless-stopped", name
    for name in ONE_SHOT:
        assert services[name].get("restart") == "no", name


def test_startup_order(services):
    expected = {
        ("mssql-init", "mssql"): "service_healthy",
        ("migrate", "mssql-init"): "service_completed_successfully",
        ("web", "migrate"): "service_completed_successfully",
        ("worker", "migrate"): "service_completed_successfully",
        ("periodic", "migrate"): "service_completed_successfully",
        ("web", "memcached"): "service_healthy",
        ("haproxy", "web"): "service_healthy",
        ("nginx", "haproxy"): "service_healthy",
    }
    for (service, dependency), condition in expected.items():
        assert depends_on(services[service]).get(dependency, {}).get("condition") == condition, (service, dependency)


def test_dependencies_exist_and_have_no_cycle(services):
    order, pending = [], dict(services)
    while pending:
        ready = [name for name, service in pending.items() if set(depends_on(service)) <= set(order)]
        assert ready, f"a cycle (or an unknown service) among {sorted(pending)}"
        order += sorted(ready)
        for name in ready:
            del pending[name]
    assert order.index("mssql") < order.index("migrate") < order.index("web") < order.index("nginx")


def test_health_conditions_name_services_that_have_health_checks(services):
    for name, service in services.items():
        for dependency, spec in depends_on(service).items():
            if spec["condition"] == "service_healthy":
                assert "test" in services[dependency].get("healthcheck", {}), f"{name} waits on {dependency}"


def test_web_scales_and_the_singletons_do_not(services):
    web = services["web"]
    assert "ports" not in web and "container_name" not in web  # both would break --scale web=N
    assert int(interpolate(web["deploy"]["replicas"], {})) >= 2
    for name in ("periodic", "haproxy", "nginx", "migrate"):
        assert int(interpolate(services[name].get("deploy", {}).get("replicas", 1), {})) == 1, name


def test_only_nginx_and_sql_server_are_published_on_loopback(services):
    published = {name: service["ports"] for name, service in services.items() if service.get("ports")}
    assert set(published) == {"nginx", "mssql"}
    for name, ports in published.items():
        for port in ports:
            assert interpolate(port, {}).startswith("127.0.0.1:"), f"{name} publishes {port} beyond loopback"
    assert interpolate(services["nginx"]["ports"], {}) == ["127.0.0.1:8000:8080"]


# --- the application services ----------------------------------------------------------------


def test_app_services_share_the_web_image_and_settings(services):
    for name in APP:
        assert services[name]["build"] == services["web"]["build"], name
        assert services[name]["environment"] == services["web"]["environment"], name
    assert services["web"]["build"]["target"] == "web"
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["worker"]["command"][:3] == ["python", "manage.py", "db_worker"]
    assert services["periodic"]["command"][:3] == ["python", "manage.py", "run_periodic"]
    assert {"db_worker", "run_periodic"} <= set(get_commands())


def test_app_environment_is_read_by_settings(services):
    source = (ROOT / "api" / "config" / "settings.py").read_text()
    for key in services["web"]["environment"]:
        assert key in GUNICORN_VARS or f'"{key}"' in source, f"settings.py never reads {key}"


def test_database_is_sql_server_through_mssql_python(services):
    environment = interpolate(services["web"]["environment"], {"SECRET_KEY": "x"})
    database = database_from_url(environment["DATABASE_URL"], ROOT)
    assert database["ENGINE"] == "mssql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("mssql", "1433", "wafer")
    assert database["OPTIONS"]["python_driver"] == "mssql_python"
    server = interpolate(services["mssql"]["environment"], {})["MSSQL_SA_PASSWORD"]
    assert database["PASSWORD"] == server == interpolate(services["mssql-init"]["environment"], {})["SQLCMDPASSWORD"]


def test_secret_key_is_required(services):
    with pytest.raises(LookupError, match="SECRET_KEY"):
        interpolate(services["web"]["environment"], {})


def test_client_ips_survive_nginx_and_haproxy(compose, services):
    environment = interpolate(services["web"]["environment"], {"SECRET_KEY": "x"})
    subnet = ipaddress.ip_network(interpolate(compose["networks"]["wafer"]["ipam"]["config"][0]["subnet"], {}))
    trusted = [ipaddress.ip_network(entry.strip()) for entry in environment["TRUSTED_PROXIES"].split(",")]
    assert any(subnet.subnet_of(network) for network in trusted)
    for name in REQUIRED - {"mssql-init"}:
        assert "wafer" in services[name]["networks"], name


def test_gated_files_go_out_through_nginx_from_the_shared_media_volume(services):
    environment = interpolate(services["web"]["environment"], {"SECRET_KEY": "x"})
    assert environment["FILE_DELIVERY"] == "x-accel-redirect"
    nginx_stage = stage_text("nginx")
    assert f"FILE_DELIVERY_PREFIX={environment['FILE_DELIVERY_PREFIX']} " in nginx_stage.replace("\n", " \n")
    media_root = re.search(r"MEDIA_ROOT=(\S+)", stage_text("web"))[1]
    nginx_media = re.search(r"WAFER_MEDIA_ROOT=(\S+)", nginx_stage)[1]
    assert f"media:{media_root}" in services["web"]["volumes"]
    assert f"media:{nginx_media}:ro" in services["nginx"]["volumes"]


def test_builds_name_existing_stages(services):
    for name, service in services.items():
        if "build" in service:
            assert (DOCKER / service["build"]["context"]).resolve() == ROOT, name
            assert (ROOT / service["build"]["dockerfile"]).resolve() == DOCKERFILE, name
            assert service["build"]["target"] in stages(), name
    assert services["haproxy"]["build"]["target"] == "haproxy"
    assert services["nginx"]["build"]["target"] == "nginx"


def test_bind_mounts_exist_and_volumes_are_declared(compose, services):
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith((".", "/")):
                assert (DOCKER / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in compose["volumes"], f"{name} uses undeclared volume {source}"


def test_env_example_lists_every_compose_variable():
    listed = {line.split("=", 1)[0] for line in ENV_EXAMPLE.read_text().splitlines() if re.match(r"^[A-Z_]+=", line)}
    used = {m["plain"] or m["name"] for m in INTERPOLATION.finditer(COMPOSE.read_text()) if not m["escaped"]}
    assert not used - listed, f"docker/.env.example does not list {sorted(used - listed)}"


def test_health_check_scripts_are_in_the_image(services):
    web_stage = stage_text("web")
    for name in APP - {"migrate"}:
        test = services[name]["healthcheck"]["test"]
        script = next(word for word in test if word.endswith(".py"))
        assert script.startswith("/app/docker/")
        assert (DOCKER / Path(script).name).exists()
        assert f"docker/{Path(script).name}" in web_stage, f"{script} is not copied into the web image"


def test_periodic_heartbeat_is_the_file_its_health_check_reads(services):
    command = services["periodic"]["command"]
    beat = command[command.index("--heartbeat") + 1]
    assert beat in services["periodic"]["healthcheck"]["test"]


# --- Dockerfile -------------------------------------------------------------------------------


def test_dockerfile_stages():
    assert stages() == {
        "spa": "node:20-bookworm-slim",
        "web": "python:3.11-slim-bookworm",
        "haproxy-config": "python:3.11-slim-bookworm",
        "haproxy": "haproxy:2.6",
        "nginx": "nginx:1.26-bookworm",
    }
    spa = stage_text("spa")
    assert spa.index("COPY frontend/package.json frontend/package-lock.json") < spa.index("RUN npm ci")
    assert spa.index("RUN npm ci") < spa.index("COPY frontend ./") < spa.index("RUN npm run build")


def test_web_stage_has_the_odbc_libraries_and_runs_unprivileged():
    web = stage_text("web")
    for package in ("libodbc2", "unixodbc", "libltdl7", "libkrb5-3", "libgssapi-krb5-2"):
        assert f" {package} " in f" {web} "
    assert "rm -rf /var/lib/apt/lists/*" in web
    assert web.index("pip install -c constraints.txt .") < web.index("COPY api ./api") < web.index("collectstatic")
    assert "COPY --from=spa /src/frontend/dist ./frontend/dist" in web
    assert "SPA_ROOT=/app/frontend/dist" in web
    assert re.search(r"^USER wafer$", web, re.MULTILINE)
    assert "--worker-class gthread" in web  # FileResponse goes out through wsgi.file_wrapper


def test_copy_sources_exist_and_are_not_dockerignored():
    patterns = [line.strip() for line in DOCKERIGNORE.read_text().splitlines() if line.strip()[:1] not in {"", "#"}]
    copies = [args for instruction, args in instructions() if instruction == "COPY"]
    assert len(copies) > 10
    for args in copies:
        if "--from=" in args:
            assert args.split("--from=", 1)[1].split()[0] in stages()
            continue
        words = [word for word in shlex.split(args) if not word.startswith("--")]
        for source in words[:-1]:
            assert (ROOT / source).exists(), f"COPY source {source} is not in the repository"
            parts = Path(source).parts
            for pattern in patterns:
                bare = pattern.removeprefix("**/")
                hit = (
                    any(fnmatch.fnmatch(part, bare) for part in parts)
                    if pattern.startswith("**/")
                    else fnmatch.fnmatch(source, pattern) or fnmatch.fnmatch(parts[0], pattern)
                )
                assert not hit, f"COPY source {source} is excluded by {pattern!r}"


def test_build_context_leaves_out_local_builds_and_dependencies():
    patterns = DOCKERIGNORE.read_text().splitlines()
    assert {"frontend/node_modules", "frontend/dist", ".venv", "**/.env"} <= set(patterns)


def test_haproxy_slots_fit_the_web_replicas(services):
    config = stage_text("haproxy-config")
    slots = int(re.search(r"ARG WEB_SLOTS=(\d+)", config)[1])
    maxconn = int(re.search(r"ARG WEB_MAXCONN=(\d+)", config)[1])
    environment = interpolate(services["web"]["environment"], {"SECRET_KEY": "x"})
    assert maxconn == int(environment["WEB_CONCURRENCY"]) * int(environment["GUNICORN_THREADS"])
    assert slots >= int(interpolate(services["web"]["deploy"]["replicas"], {}))


# --- docker compose config (only where the CLI and its compose plugin exist) ------------------


def _compose_cli_missing() -> str:
    if shutil.which("docker") is None:
        return "the docker CLI is not installed here"
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, check=False)
    return "" if probe.returncode == 0 else "the docker compose plugin is not installed"


def test_docker_compose_config_accepts_the_file():
    reason = _compose_cli_missing()
    if reason:
        pytest.skip(reason)
    env = {**os.environ, "SECRET_KEY": "compose-config-check"}
    result = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_settings_default_prefix_matches():
    assert settings.FILE_DELIVERY_PREFIX == "/protected-files/"
