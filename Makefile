# Two commands do all set-up from a fresh clone:
#   make run    create .venv, install, migrate, load the directory once, serve on PORT (default 8000)
#   make test   create .venv, install test requirements, run every test
PORT ?= 8000
HOST ?= 127.0.0.1
VENV := .venv
PY := $(VENV)/bin/python

# The first Python >= 3.12 found: python3 if new enough, then python3.13/3.12 on PATH,
# then any pyenv-installed 3.12+ (newest first). Django 6 needs 3.12.
PYTHON ?= $(shell for candidate in python3 python3.14 python3.13 python3.12 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    command -v "$$candidate"; break; fi; done)

.PHONY: run test install install-dev migrate seed check lint pre-commit format collectstatic bench clean help

help:
	@echo "make run     set up and serve the site on http://$(HOST):$(PORT)/ (debug mode)"
	@echo "make test    set up and run every test (DATABASE_URL picks the database; SQLite by default)"
	@echo "make lint    ruff;  make check    Django system checks and missing migrations"
	@echo "make pre-commit   every pre-commit hook on every file (ruff, django-upgrade, djade...), as CI does"
	@echo "make bench   build 20,000 practices in a scratch database, serve them with gunicorn, load each page"
	@echo "             (BENCH_ARGS=\"--database sqlite --practices 5000 ...\"; see bench/run.py --help)"

$(PY):
	@test -n "$(PYTHON)" || { echo "No Python 3.12 or newer found. Install one (e.g. pyenv install 3.13) or set PYTHON=/path/to/python3.13." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py migrate --noinput

seed: migrate
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py seed

run: seed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

# PYTEST_ARGS narrows a run, e.g. PYTEST_ARGS='-m "not browser"'.
PYTEST_ARGS ?=
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

check: install-dev
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run

collectstatic: install
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py collectstatic --noinput --verbosity 0

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# The hooks install their pinned packages from PyPI on first use (cached in ~/.cache/pre-commit).
pre-commit: install-dev
	$(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

format: install-dev
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Not part of CI: minutes of load on a scratch database (PostgreSQL production_bench by default).
BENCH_ARGS ?=
bench: install
	@command -v wrk >/dev/null 2>&1 || { echo "Installing wrk (Debian package) for the load"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
