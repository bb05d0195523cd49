# Wafer: `make run` starts it with demo data, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install spa test-frontend run farm migrate demo test test-contract test-postgres test-mssql lint format schema check-schema clean bench

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

# The single-page frontend (frontend/): `npm ci` only when package-lock.json changed (or no
# node_modules), `npm run build` only when a source changed. Without npm, `make run` still serves
# the API and / says how to build the SPA (api.core.spa); `make test` needs Node (README).
SPA_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig.json \
	frontend/env.d.ts frontend/package-lock.json -type f 2>/dev/null)

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(SPA_SOURCES)
	cd frontend && npm run build
	@touch $@

spa:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory frontend/dist/index.html; \
	else echo "NOTE: npm not found: serving the API without the web frontend (install Node.js 20.19+ to build it)."; fi

# The frontend's checks: types generated from docs/openapi.yaml are current, Vitest, the build, and
# the end-to-end journeys in Debian's chromium against a real server with demo data (frontend/e2e).
test-frontend: install
	@command -v npm >/dev/null || { echo "make test needs Node.js 20.19+ and npm (and chromium for e2e)"; exit 2; }
	@$(MAKE) --no-print-directory frontend/node_modules/.installed
	cd frontend && npm run check:api
	cd frontend && npm test
	@$(MAKE) --no-print-directory frontend/dist/index.html
	cd frontend && npm run e2e

# Serve Wafer on http://127.0.0.1:$(PORT) with the embedded SQLite database and demo data, and run
# background jobs (resume books) with a db_worker beside it. Both run in the background of one shell
# that waits for runserver: Ctrl-C, a TERM to make, or runserver exiting stops both (the trap), so no
# worker outlives `make run`. (A foreground runserver would keep the shell from running the trap on
# TERM until it exited by itself.)
run: install spa
	@mkdir -p var/static
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(PY) manage.py seed_demo
	@export DEBUG=$${DEBUG:-true}; \
	$(PY) manage.py db_worker & worker=$$!; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT) & server=$$!; \
	stop() { trap - EXIT INT TERM; kill $$server $$worker 2>/dev/null; wait $$server $$worker 2>/dev/null; }; \
	trap 'stop; exit 0' INT TERM; trap stop EXIT; \
	wait $$server

migrate: install
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput

demo: install
	DEBUG=$${DEBUG:-true} $(PY) manage.py seed_demo

# The web farm on this box (README "The farm"): HAProxy on 127.0.0.1:8080 over WORKERS (2) gunicorn
# workers on 127.0.0.1:8100.., the task worker, the periodic jobs (run_periodic), and memcached when MEMCACHED_SERVERS names this
# machine, all supervised by `python -m api.farm`. Ctrl-C (or a TERM to its pid) stops every process.
farm: install
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(PY) manage.py seed_demo
	DEBUG=$${DEBUG:-true} $(PY) manage.py collectstatic --noinput --verbosity 0
	exec $(PY) -m api.farm --workers $${WORKERS:-2} --port $${FARM_PORT:-8080}

# Every test, on the database DATABASE_URL names (SQLite when unset).
test: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory test-frontend

# Only the contract fuzzing (tests/contract/, README "Tests and databases"), e.g. CONTRACT_MAX_EXAMPLES=25.
test-contract: install
	$(PY) -m pytest tests/contract $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=$${POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/wafer} $(PY) -m pytest $(PYTEST_ARGS)

# The whole suite against a real SQL Server, e.g. the one docker/compose.yaml starts:
#   DATABASE_URL='mssql://sa:Your_password1@127.0.0.1:1433/wafer?TrustServerCertificate=yes' make test-mssql
test-mssql: install
	@case "$$DATABASE_URL" in mssql://*) ;; *) echo "Set DATABASE_URL=mssql://... (see README)"; exit 2;; esac
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# The benchmark of issue 10 (README "Benchmarks", bench/run.py): builds or reuses a large dataset in
# PostgreSQL (wafer_bench on 127.0.0.1:5432; BENCH_DATABASE_URL), runs the farm with 2 workers and wrk
# against it on 127.0.0.1, writes bench/results/. About 3 minutes; BENCH_ARGS="--duration 5" etc.
bench: install
	$(PY) -m bench.run $(BENCH_ARGS)

# Regenerate the OpenAPI contract after changing the API.
schema: install
	DEBUG=true $(PY) manage.py spectacular --file docs/openapi.yaml --validate

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
