# Homeroom. `make run` sets up and serves the portal with demo data on SQLite;
# `make test` runs every test (on $DATABASE_URL, SQLite by default).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: install assets run serve test bench lint lock lock-check browser-deps clean

# Python packages come from requirements.lock only: exact versions, each file checked against
# its hash (pip's hash-checking mode), then the project itself without dependencies.
$(VENV)/.installed: requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $@

# `make lock` refreshes requirements.lock from pyproject.toml (runtime and test extras) with uv:
# versions already in the lock are kept, so only what pyproject.toml changed moves (add
# --upgrade to LOCK_ARGS to take the newest of everything). Universal: one file for any
# platform with Python 3.11. `make lock-check` fails when the two disagree (CI runs it).
LOCK_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --extra test --generate-hashes \
  --universal --python-version 3.11 --custom-compile-command "make lock" --quiet $(LOCK_ARGS)

$(VENV)/bin/uv:
	$(MAKE) $(VENV)/.installed

lock: $(VENV)/bin/uv
	$(LOCK_COMPILE) -o requirements.lock

lock-check: $(VENV)/bin/uv
	@tmp=$$(mktemp -d) && cp requirements.lock $$tmp/requirements.lock && \
	  $(LOCK_COMPILE) -o $$tmp/requirements.lock && \
	  if diff -u requirements.lock $$tmp/requirements.lock; then \
	    echo "requirements.lock matches pyproject.toml"; rm -rf $$tmp; \
	  else echo "requirements.lock is out of date with pyproject.toml: run make lock"; \
	    rm -rf $$tmp; exit 1; fi

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(VENV)/.installed assets

assets: node_modules/.installed

# Development: DEBUG on for every command, so the development keys are allowed (with DEBUG off
# a missing SECRET_KEY or STUDENT_PASSWORD_KEY stops start-up).
run: export DEBUG ?= 1
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo "Homeroom: http://$(HOST)/  (the background worker for imports and syncs runs beside it)"
	@# supervisord starts the web server and the worker, restarts either if it exits, and stops
	@# both when it is stopped (Ctrl-C). See supervisord.conf.
	DEBUG=$${DEBUG:-1} HOST=$(HOST) HOMEROOM_PYTHON=$(abspath $(PY)) HOMEROOM_RUN_DIR=$(abspath var) \
	  exec $(VENV)/bin/supervisord -c supervisord.conf

# Production: gunicorn and the background workers under supervisord (supervisord-serve.conf),
# DEBUG off. Needs SECRET_KEY and STUDENT_PASSWORD_KEY (and DATABASE_URL: PostgreSQL); stops
# before serving if `check --deploy` finds anything. WEB_WORKERS web processes (gunicorn),
# BACKGROUND_WORKERS background workers; SERVE_MIGRATE=0 on machines that should not migrate.
BACKGROUND_WORKERS ?= 2
SERVE_MIGRATE ?= 1
SERVE_RUN_DIR ?= $(abspath var/serve)
serve: export DEBUG = 0
serve: install
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py check --deploy --fail-level WARNING
	if [ "$(SERVE_MIGRATE)" = 1 ]; then $(PY) manage.py migrate --noinput; fi
	mkdir -p $(SERVE_RUN_DIR)
	HOMEROOM_PYTHON=$(abspath $(PY)) HOMEROOM_RUN_DIR=$(SERVE_RUN_DIR) \
	  BACKGROUND_WORKERS=$(BACKGROUND_WORKERS) exec $(VENV)/bin/supervisord -c supervisord-serve.conf

# Chromium for the browser tests comes from Debian (Playwright cannot download browsers here).
browser-deps:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "Install Debian's chromium: sudo apt-get install -y chromium"; exit 1; fi; }

test: install browser-deps
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules staticfiles var test-artifacts
