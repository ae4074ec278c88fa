# The two commands: `make run` serves the demo office, `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export WUXING_DEMO ?= 1

.PHONY: run test lint test-browser install migrate demo static messages benchmark clean backup restore loadtest audit-deps cluster

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(PY) || $$(scripts/find-python.sh) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --build-constraint constraints.txt -e '.[test]'
	@touch $@

# Front-end files that are not on PyPI come from the npm registry, pinned by package-lock.json; only the files
# the app serves are copied out of node_modules: ECharts, and one SVG sprite of the Bootstrap Icons listed in
# scripts/icons.txt (scripts/build-icons.py).
NODE_MODULES := node_modules/.package-lock.json
ECHARTS := build/vendor/echarts/echarts.min.js
ICONS := build/vendor/icons/sprite.svg
$(NODE_MODULES): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

$(ECHARTS): $(NODE_MODULES)
	mkdir -p $(dir $@)
	cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE $(dir $@)
	@touch $@

$(ICONS): $(NODE_MODULES) scripts/icons.txt scripts/build-icons.py
	$$(scripts/find-python.sh) scripts/build-icons.py node_modules/bootstrap-icons $(dir $@)

install: $(VENV)/.installed $(ECHARTS) $(ICONS)

messages: install
	$(PY) manage.py compilemessages -v 0 --ignore '.venv/*'

migrate: install messages
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py load_demo

static: install
	$(PY) manage.py collectstatic --noinput -v 0

# The task worker (exports) runs beside the web server and stops with it; scripts/run-worker.sh starts it again
# whenever it dies.
run: demo static
	@echo "Serving http://127.0.0.1:$(PORT)/ (demo accounts are listed on the login page)"
	@PY=$(PY) scripts/run-worker.sh -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn wuxing.config.wsgi:application --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --access-logfile -

# Two app servers (ports 8001 and 8002) and a task worker on one PostgreSQL and one Redis, as behind a load balancer
# (scripts/cluster.sh, docs/deploy.md): DATABASE_URL=postgres://… REDIS_URL=redis://… make cluster
cluster: migrate static
	PY=$(PY) CLUSTER_MIGRATE=0 scripts/cluster.sh

# Style and the layer contracts of docs/architecture.md (import-linter, configured in pyproject.toml).
lint: install
	$(VENV)/bin/ruff check wuxing
	$(VENV)/bin/ruff format --check wuxing
	$(VENV)/bin/lint-imports --no-cache

test: messages lint
	$(PY) -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

test-browser: messages
	$(PY) -m pytest -m browser --require-browser $(PYTEST_ARGS)

# One archive under var/backups/: the database (SQLite online backup API, or pg_dump -Fc) and the evidence files,
# with a manifest of row counts and sha256 hashes. `make restore FILE=var/backups/wuxing-backup-….tar.gz` checks every
# hash, replaces the database and the files, then compares the row counts. Stop the site before restoring.
backup: install
	$(PY) manage.py backup

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/wuxing-backup-....tar.gz"; exit 2; }
	$(PY) manage.py restore "$(FILE)"

benchmark: migrate
	$(PY) manage.py benchmark

# Known vulnerabilities in the installed dependencies (pip-audit, scripts/audit-deps.sh). Skipped with a warning when
# the vulnerability service cannot be reached; AUDIT_DEPS_REQUIRED=1 makes that a failure.
audit-deps: install
	PY=$(PY) scripts/audit-deps.sh

# Locust against gunicorn on a scratch PostgreSQL database with the demo (scripts/loadtest.sh; LOADTEST_USERS,
# LOADTEST_DURATION, LOADTEST_PORT, LOADTEST_PG override the defaults). Fails on any error.
loadtest: install messages
	PY=$(PY) scripts/loadtest.sh

clean:
	rm -rf $(VENV) staticfiles build node_modules
