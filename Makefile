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
HOST ?= 127.0.0.1
PORT ?= 8000

# Debian packages the tests need (installed only when run as root and missing).
APT_TEST_PACKAGES := postgresql postgresql-client

.PHONY: help install system-deps demo test test-fast bench clean

help:
	@echo "make demo   - install, build var/parknet.db, load the synthetic demo data, show the summary"
	@echo "make test   - install (apt packages too when root), start PostgreSQL if needed, run all tests"
	@echo "make bench  - run the benchmarks in benchmarks/"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v psql >/dev/null 2>&1 || missing="$$missing postgresql-client"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_TEST_PACKAGES) >/dev/null; \
	  else \
	    echo "missing Debian packages:$$missing — install them (sudo apt-get install$$missing) or set PARKNET_TEST_POSTGRES_URL"; exit 1; \
	  fi; \
	fi

demo: install
	$(PARKNET) load-demo
	$(PARKNET) summary

test: install system-deps
	@url=$$(scripts/pg-test-server.sh) && \
	PARKNET_TEST_POSTGRES_URL=$$url PARKNET_REQUIRE_POSTGRES=1 $(PY) -m pytest -q $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -q -m "not slow and not postgres" $(PYTEST_ARGS)

bench: install
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache
