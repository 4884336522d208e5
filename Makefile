# Innovation Accelerator proposal tracker — developer and CI entry points.
#
#   make          list the targets below
#   make run      set everything up and serve the app on http://127.0.0.1:$(PORT)
#   make test     the full suite, once on SQLite and once on PostgreSQL
#
# Extra pytest arguments: make test PYTEST_ARGS="-x -k proposals"

SHELL := /bin/bash
.DEFAULT_GOAL := help
# A recipe that fails part-way must not leave a fresh-looking target behind.
.DELETE_ON_ERROR:

PYTHON      ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
FLASK       := $(VENV)/bin/flask
HOST        ?= 127.0.0.1
PORT        ?= 5000
PYTEST_ARGS ?=
# scripts/test-postgres.sh reads PYTEST_ARGS from the environment.
export PYTEST_ARGS

DEV_ENV     := TRACKER_ENV=development
NPM_FLAGS   := --no-audit --no-fund

VENV_STAMP  := $(VENV)/.installed
NODE_STAMP  := node_modules/.installed
CSS         := static/dist/main.css
ASSET_SRCS  := $(shell find static/src -type f 2>/dev/null)

.PHONY: help install assets db run system-deps test test-sqlite test-postgres clean distclean

help: ## List the targets
	@echo "Targets:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Variables: PORT=$(PORT) (make run), PYTEST_ARGS=\"...\" (test targets)"

install: $(VENV_STAMP) $(NODE_STAMP) $(CSS) ## Python venv, npm packages and front-end assets

assets: $(CSS) ## Build front-end assets into static/dist/

db: $(VENV_STAMP) ## Apply database migrations (development database)
	$(DEV_ENV) $(FLASK) --app wsgi db upgrade

run: install db ## Install, migrate, load demo data if empty, serve on 127.0.0.1:PORT
	$(DEV_ENV) $(FLASK) --app wsgi seed-demo --if-empty
	$(DEV_ENV) $(FLASK) --app wsgi run --host $(HOST) --port $(PORT)

# Debian packages the tests need: Chromium for the browser tests, Pango (with its FreeType
# backend and HarfBuzz's subsetter) for WeasyPrint's PDFs.
SYSTEM_PACKAGES := chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

system-deps: ## Make sure Chromium and WeasyPrint's libraries are installed
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0; do \
		/sbin/ldconfig -p | grep -q "$$lib" || missing="$$missing $$lib"; \
	done; \
	if [ -z "$$missing" ]; then \
		echo "system packages: present (chromium: $$(/usr/bin/chromium --version 2>/dev/null))"; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "missing:$$missing; installing Debian packages: $(SYSTEM_PACKAGES)"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(SYSTEM_PACKAGES); \
	else \
		echo "#####################################################################" >&2; \
		echo "## ERROR: missing:$$missing" >&2; \
		echo "## Install as root: apt-get update && apt-get install -y $(SYSTEM_PACKAGES)" >&2; \
		echo "#####################################################################" >&2; \
		exit 1; \
	fi

# Both passes always run, side by side (each pass keeps one core busy), every line of
# output prefixed with its pass. A SQLite failure does not hide the PostgreSQL result;
# the target fails if either failed.
test: install system-deps ## Full test suite on SQLite and on PostgreSQL, in parallel
	@set -o pipefail; \
	( $(MAKE) --no-print-directory test-sqlite 2>&1 | sed -u 's/^/[sqlite]   /' ) & sqlite_pid=$$!; \
	( $(MAKE) --no-print-directory test-postgres 2>&1 | sed -u 's/^/[postgres] /' ) & postgres_pid=$$!; \
	sqlite=0; postgres=0; \
	wait $$sqlite_pid || sqlite=$$?; \
	wait $$postgres_pid || postgres=$$?; \
	echo; \
	echo "=== Summary ==="; \
	if [ $$sqlite = 0 ]; then echo "SQLite pass:     OK"; else echo "SQLite pass:     FAILED"; fi; \
	if [ $$postgres = 0 ]; then echo "PostgreSQL pass: OK (unless marked SKIPPED above)"; else echo "PostgreSQL pass: FAILED"; fi; \
	[ $$sqlite = 0 ] && [ $$postgres = 0 ]

test-sqlite: install system-deps ## Test suite on a throwaway SQLite database
	@echo; echo "=== Test suite on SQLite ==="; echo
	env -u TEST_DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install system-deps ## Test suite on a throwaway PostgreSQL server
	@echo; echo "=== Test suite on PostgreSQL ==="; echo
	bash scripts/test-postgres.sh

clean: ## Remove built assets and caches (keeps .venv, node_modules, instance/)
	rm -rf static/dist .pytest_cache
	find . -path ./.venv -prune -o -path ./node_modules -prune -o \
		\( -name __pycache__ -type d -prune -exec rm -rf {} + \) -o \( -name '*.pyc' -delete \)

distclean: clean ## Also remove .venv and node_modules
	rm -rf $(VENV) node_modules

# --- file targets -----------------------------------------------------------

# Python virtualenv; re-installs whenever a requirements file changes.
$(VENV_STAMP): requirements.txt requirements-test.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -r requirements.txt -r requirements-test.txt
	touch $@

# npm packages; re-installs whenever package.json or the lockfile changes.
$(NODE_STAMP): package.json $(wildcard package-lock.json)
	if [ -f package-lock.json ]; then npm ci $(NPM_FLAGS); else npm install $(NPM_FLAGS); fi
	touch $@

# Front-end build (CSS, JS, copied assets); main.css stands for the whole build.
$(CSS): $(ASSET_SRCS) package.json $(NODE_STAMP)
	npm run build
	touch $@
