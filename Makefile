# Wafer: `make run` starts it with demo data, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run migrate demo test test-postgres test-mssql lint format schema check-schema clean

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

# Serve Wafer on http://127.0.0.1:$(PORT) with the embedded SQLite database and demo data, and run
# background jobs (resume books) with a db_worker beside it. Both run in the background of one shell
# that waits for runserver: Ctrl-C, a TERM to make, or runserver exiting stops both (the trap), so no
# worker outlives `make run`. (A foreground runserver would keep the shell from running the trap on
# TERM until it exited by itself.)
run: install
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

# Every test, on the database DATABASE_URL names (SQLite when unset).
test: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest $(PYTEST_ARGS)

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

# Regenerate the OpenAPI contract after changing the API.
schema: install
	DEBUG=true $(PY) manage.py spectacular --file docs/openapi.yaml --validate

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
