"""docker/: the compose file, the Dockerfile and the SQL Server init script agree with the project.

No Docker engine is needed: the files are parsed and checked against the repository and settings.
`docker compose config` runs only where the docker CLI and its compose plugin exist.
"""

import fnmatch
import http.server
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
import yaml
from django.urls import resolve

from api.config.env import database_from_url

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"
COMPOSE = DOCKER / "compose.yaml"
DOCKERFILE = DOCKER / "Dockerfile"
DOCKERIGNORE = DOCKER / "Dockerfile.dockerignore"
INIT_SQL = DOCKER / "mssql" / "init.sql"
ENV_EXAMPLE = DOCKER / ".env.example"
README = DOCKER / "README.md"

# Variables gunicorn's command line reads in the image, not Django's settings.
GUNICORN_VARS = {"WEB_CONCURRENCY", "GUNICORN_THREADS"}

# Compose interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}.
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
        name = match["plain"] or match["name"]
        op, arg = match["op"], match["arg"]
        current = env.get(name)
        missing = current is None or (current == "" and op is not None and op.startswith(":"))
        if op and op.endswith("?") and missing:
            raise LookupError(f"{name} is required: {arg}")
        if op and op.endswith("-") and missing:
            return arg
        return current or ""

    return INTERPOLATION.sub(replace, value)


def compose_variables(text: str) -> set[str]:
    return {m["plain"] or m["name"] for m in INTERPOLATION.finditer(text) if not m["escaped"]}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def depends_on(service: dict) -> dict:
    deps = service.get("depends_on", {})
    return {name: {"condition": "service_started"} for name in deps} if isinstance(deps, list) else deps


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
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


def load_healthcheck():
    spec = importlib.util.spec_from_file_location("wafer_docker_healthcheck", DOCKER / "healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- compose.yaml ---------------------------------------------------------------------------


def test_compose_has_the_expected_services(services):
    assert {"mssql", "mssql-init", "memcached", "migrate", "web"} <= set(services)


def test_every_depends_on_names_an_existing_service(services):
    for name, service in services.items():
        for dependency in depends_on(service):
            assert dependency in services, f"{name} depends on unknown service {dependency!r}"


def test_startup_order_waits_for_health_and_one_shot_jobs(services):
    assert depends_on(services["mssql-init"])["mssql"]["condition"] == "service_healthy"
    assert depends_on(services["migrate"])["mssql-init"]["condition"] == "service_completed_successfully"
    assert depends_on(services["web"])["migrate"]["condition"] == "service_completed_successfully"
    assert "healthcheck" in services["mssql"]
    assert "/opt/mssql-tools18/bin/sqlcmd" in " ".join(services["mssql"]["healthcheck"]["test"])
    assert " -C " in " ".join(services["mssql"]["healthcheck"]["test"])


def test_web_database_url_is_sql_server_through_mssql_python_failing_fast(services):
    environment = interpolate(services["web"]["environment"], {"SECRET_KEY": "x"})
    database = database_from_url(environment["DATABASE_URL"], ROOT)
    assert database["ENGINE"] == "mssql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("mssql", "1433", "wafer")
    options = database["OPTIONS"]
    assert options["python_driver"] == "mssql_python"
    assert options["connection_timeout"] <= 5
    assert options["connection_retries"] <= 1
    assert "Encrypt=yes" in options["extra_params"]
    assert "TrustServerCertificate=yes" in options["extra_params"]


@pytest.mark.parametrize("env", [{}, {"MSSQL_SA_PASSWORD": "Another_Passw0rd"}], ids=["default", "from-env"])
def test_one_sa_password_for_server_init_and_web(services, env):
    env = {"SECRET_KEY": "x", **env}
    server = interpolate(services["mssql"]["environment"], env)["MSSQL_SA_PASSWORD"]
    init = interpolate(services["mssql-init"]["environment"], env)["SQLCMDPASSWORD"]
    web = database_from_url(interpolate(services["web"]["environment"], env)["DATABASE_URL"], ROOT)
    assert server == init == web["PASSWORD"]
    assert web["USER"] == "sa"
    if env.get("MSSQL_SA_PASSWORD"):
        assert server == env["MSSQL_SA_PASSWORD"]


def test_secret_key_is_required_not_defaulted(services):
    for name in ("web", "migrate"):
        assert re.fullmatch(r"\$\{SECRET_KEY:\?.+\}", services[name]["environment"]["SECRET_KEY"])
        with pytest.raises(LookupError, match="SECRET_KEY"):
            interpolate(services[name]["environment"], {})


def test_migrate_and_web_share_image_build_and_settings(services):
    assert services["migrate"]["build"] == services["web"]["build"]
    assert services["migrate"]["environment"] == services["web"]["environment"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_web_settings_are_ones_settings_py_reads(services):
    settings_source = (ROOT / "api" / "config" / "settings.py").read_text()
    for key in services["web"]["environment"]:
        assert key in GUNICORN_VARS or f'"{key}"' in settings_source, f"settings.py never reads {key}"


def test_web_environment_matches_the_request(services):
    environment = interpolate(services["web"]["environment"], {"SECRET_KEY": "x"})
    assert environment["MEMCACHED_SERVERS"] == "memcached:11211"
    assert {"ALLOWED_HOSTS", "TRUSTED_PROXIES"} <= set(environment)


def test_build_context_and_dockerfile_exist(services):
    build = services["web"]["build"]
    context = (DOCKER / build["context"]).resolve()
    assert context == ROOT
    assert (context / build["dockerfile"]).resolve() == DOCKERFILE


def test_bind_mount_sources_exist(services):
    named = set(yaml.safe_load(COMPOSE.read_text()).get("volumes") or {})
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0] if isinstance(volume, str) else volume["source"]
            if source.startswith((".", "/")):
                assert (DOCKER / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in named, f"{name} uses undeclared volume {source}"


def test_mssql_init_runs_init_sql(services):
    init = services["mssql-init"]
    assert init["image"] == services["mssql"]["image"]
    assert any(volume.startswith("./mssql/init.sql:") for volume in init["volumes"])
    mounted = next(volume.split(":")[1] for volume in init["volumes"] if volume.startswith("./mssql/init.sql:"))
    command = [*init["entrypoint"], *init["command"]]
    assert command[0] == "/opt/mssql-tools18/bin/sqlcmd"
    assert {"-C", "-b"} <= set(command)
    assert command[command.index("-i") + 1] == mounted


def test_published_ports_bind_loopback_only(services):
    published = 0
    for name, service in services.items():
        for port in service.get("ports", []):
            published += 1
            host_ip = port.get("host_ip") if isinstance(port, dict) else str(port).rsplit(":", 2)[0]
            assert host_ip == "127.0.0.1", f"{name} publishes {port} beyond loopback"
    assert published >= 2  # web on 8000, mssql on 1433 for `make test-mssql`
    assert "127.0.0.1:8000:8000" in services["web"]["ports"]
    assert "127.0.0.1:1433:1433" in services["mssql"]["ports"]


def test_env_example_lists_every_compose_variable():
    listed = {line.split("=", 1)[0] for line in ENV_EXAMPLE.read_text().splitlines() if re.match(r"^[A-Z_]+=", line)}
    missing = compose_variables(COMPOSE.read_text()) - listed
    assert not missing, f"docker/.env.example does not list {sorted(missing)}"


# --- Dockerfile -----------------------------------------------------------------------------


def test_dockerfile_copy_sources_exist_and_are_not_dockerignored():
    patterns = [
        line.strip() for line in DOCKERIGNORE.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]
    copies = [args for instruction, args in dockerfile_instructions() if instruction == "COPY"]
    assert copies
    for args in copies:
        words = [word for word in shlex.split(args) if not word.startswith("--")]
        for source in words[:-1]:
            assert (ROOT / source).exists(), f"COPY source {source} is not in the repository"
            for pattern in patterns:
                bare = pattern.removeprefix("**/")
                parts = Path(source).parts
                hit = (
                    any(fnmatch.fnmatch(part, bare) for part in parts)
                    if pattern.startswith("**/")
                    else (fnmatch.fnmatch(source, pattern) or fnmatch.fnmatch(parts[0], pattern))
                )
                assert not hit, f"COPY source {source} is excluded by {pattern!r} in {DOCKERIGNORE.name}"


def test_dependencies_are_installed_before_the_code_is_copied():
    steps = [(instruction, args) for instruction, args in dockerfile_instructions() if instruction in {"COPY", "RUN"}]
    texts = [f"{instruction} {args}" for instruction, args in steps]
    deps = texts.index("COPY pyproject.toml constraints.txt ./")
    install = next(i for i, text in enumerate(texts) if "pip install -c constraints.txt ." in text)
    code = next(i for i, text in enumerate(texts) if text.startswith("COPY api "))
    collect = next(i for i, text in enumerate(texts) if "collectstatic" in text)
    assert deps < install < code < collect


def test_dockerfile_runtime_contract():
    instructions = dockerfile_instructions()
    by_name: dict[str, list[str]] = {}
    for instruction, args in instructions:
        by_name.setdefault(instruction, []).append(args)
    assert by_name["FROM"] == ["python:3.11-slim-bookworm"]
    apt = next(args for args in by_name["RUN"] if "apt-get install" in args)
    for package in ("libodbc2", "unixodbc", "libltdl7", "libkrb5-3", "libgssapi-krb5-2"):
        assert f" {package} " in f" {apt} "
    assert "--no-install-recommends" in apt
    assert "rm -rf /var/lib/apt/lists/*" in apt
    assert any("collectstatic --noinput" in args and "SECRET_KEY=" in args for args in by_name["RUN"])
    assert by_name["EXPOSE"] == ["8000"]
    names = [instruction for instruction, _ in instructions]
    assert names.index("USER") < names.index("CMD")
    assert by_name["USER"][-1] not in {"root", "0"}
    cmd = by_name["CMD"][-1]
    for fragment in ("gunicorn api.config.wsgi:application", "--bind 0.0.0.0:8000", "WEB_CONCURRENCY:-2"):
        assert fragment in cmd
    assert "GUNICORN_THREADS:-4" in cmd
    assert "--access-logfile -" in cmd
    assert "healthcheck.py" in by_name["HEALTHCHECK"][-1]
    assert (ROOT / "api" / "config" / "wsgi.py").exists()


def test_healthcheck_targets_a_routed_healthz():
    assert load_healthcheck().HEALTHZ_URL.endswith(":8000/healthz")
    assert resolve("/healthz").url_name == "healthz"


@pytest.mark.parametrize(
    ("allowed_hosts", "expected"),
    [
        ("", "localhost"),
        ("*", "localhost"),
        ("wafer.example.org,localhost", "wafer.example.org"),
        (" , .example.org", "example.org"),
        ("*.example.org,127.0.0.1", "127.0.0.1"),
    ],
)
def test_healthcheck_sends_an_allowed_host(allowed_hosts, expected):
    assert load_healthcheck().probe_host(allowed_hosts) == expected


@pytest.mark.parametrize(("status", "exit_code"), [(200, 0), (400, 1), (503, 1)])
def test_healthcheck_exit_code_follows_the_answer(monkeypatch, status, exit_code):
    seen = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen["host"], seen["path"] = self.headers["Host"], self.path
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    monkeypatch.setenv("ALLOWED_HOSTS", "wafer.example.org")
    with http.server.HTTPServer(("127.0.0.1", 0), Handler) as server:
        thread = threading.Thread(target=server.handle_request)
        thread.start()
        url = f"http://127.0.0.1:{server.server_address[1]}/healthz"
        assert load_healthcheck().main(url) == exit_code
        thread.join(timeout=5)
    assert seen == {"host": "wafer.example.org", "path": "/healthz"}


def test_healthcheck_fails_when_nothing_listens():
    with http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler) as server:
        port = server.server_address[1]
    assert load_healthcheck().main(f"http://127.0.0.1:{port}/healthz") == 1


# --- init.sql and README --------------------------------------------------------------------


def test_init_sql_creates_wafer_idempotently_with_read_committed_snapshot():
    sql = INIT_SQL.read_text()
    assert "READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE" in sql
    assert "IF DB_ID(N'wafer') IS NULL" in sql
    assert "is_read_committed_snapshot_on = 0" in sql  # no ROLLBACK IMMEDIATE once it is on


def test_readme_commands_exist():
    readme = README.read_text()
    assert "docker compose -f docker/compose.yaml up --build" in readme
    assert "make test-mssql" in readme
    assert re.search(r"^test-mssql:", (ROOT / "Makefile").read_text(), re.MULTILINE)


# --- docker compose config (only where the CLI and its compose plugin exist) ----------------


def _compose_cli_missing() -> str:
    if shutil.which("docker") is None:
        return "the docker CLI is not installed"
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        return "the docker compose plugin is not installed (`docker compose version` failed)"
    return ""


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
