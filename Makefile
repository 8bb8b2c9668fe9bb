# Homeroom. `make run` sets up and serves the portal with demo data on SQLite;
# `make test` runs every test (on $DATABASE_URL, SQLite by default).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: install assets run test bench lint browser-deps clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

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
