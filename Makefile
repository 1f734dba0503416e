# ParkNet — the two commands a new user needs:
#   make demo   set up everything, build the database, load the synthetic demo data, show it
#   make test   set up everything the tests need (incl. PostgreSQL) and run the whole suite
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PARKNET := $(VENV)/bin/parknet
STAMP  := $(VENV)/.installed-stamp
PARKNET_HOST ?= 127.0.0.1
PARKNET_PORT ?= 8000
export PARKNET_HOST PARKNET_PORT
VENDOR := src/parknet/web/static/vendor
ASSETS := $(VENDOR)/echarts.min.js $(VENDOR)/htmx.min.js

# Debian packages (installed by system-deps only when run as root and missing): PostgreSQL for the store tests,
# chromium for the browser tests, a CJK font so Chinese renders in screenshots and charts.

.PHONY: help install assets system-deps demo test test-fast bench clean

help:
	@echo "make demo   - install, build var/parknet.db, load the synthetic demo data, start the dashboard"
	@echo "make test   - install (apt packages too when root), start PostgreSQL if needed, run all tests"
	@echo "make bench  - run the benchmarks in benchmarks/"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP) assets

# Front-end assets come from the npm registry (package.json / package-lock.json) and are served locally.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; } || { echo "npm is missing: install Node.js and npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS): node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/echarts/dist/echarts.min.js node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/

assets: $(ASSETS)

system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v psql >/dev/null 2>&1 || missing="$$missing postgresql-client"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing Debian packages:$$missing — install them (sudo apt-get install$$missing) or set PARKNET_TEST_POSTGRES_URL"; exit 1; \
	  fi; \
	fi

demo: install
	$(PARKNET) load-demo
	$(PARKNET) summary
	@echo
	@echo "ParkNet: http://$(PARKNET_HOST):$(PARKNET_PORT)/   (Ctrl-C stops it)"
	@$(PARKNET) users ensure-admin
	$(PARKNET) serve

test: install system-deps
	@url=$$(scripts/pg-test-server.sh) && \
	PARKNET_TEST_POSTGRES_URL=$$url PARKNET_REQUIRE_POSTGRES=1 $(PY) -m pytest -q $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -q -m "not slow and not postgres" $(PYTEST_ARGS)

bench: install
	$(PY) -m pip install --quiet -e ".[test,bench,rerank]"
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || echo "wrk missing: web_load.py will fail"
	@for b in benchmarks/[!_]*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache
