# PeerPath: `make run` serves the demo school, `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The first interpreter >= 3.12 that actually runs (pyenv shims exist but may fail).
PYTHON := $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3; do \
	if $$p -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2
DEMO_ENV := DEBUG=1 REQUIRE_STAFF_MFA=0 ACCOUNT_EMAIL_VERIFICATION=optional

.PHONY: help install run demo test lint typecheck pytest smoke messages clean bench bench-pages mutate

help:
	@echo "make run    set up and serve the demo school at http://127.0.0.1:8000"
	@echo "make test   set up and run lint, type checks and every test"

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found (tried python3.13, python3.12, ~/.pyenv/versions/3.1[23]*)."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(BIN)/.installed

demo: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py load_demo

# A background worker runs beside the server (large match rounds, e-mail); it stops with the server.
run: demo
	@echo "Serving the demo at http://127.0.0.1:8000 (staff MFA is off in the demo; it is on by default)."
	$(DEMO_ENV) $(BIN)/python manage.py db_worker --no-reload -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# ruff, then import-linter: the layers of docs/architecture.md and the engine's purity (pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

pytest: install
	bash scripts/ensure-services.sh
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -n $(PYTEST_WORKERS)

# The same code on the embedded database: a smoke subset on SQLite.
smoke: install
	DATABASE_URL= $(BIN)/pytest -m smoke -p no:xdist

test: lint typecheck pytest smoke

# Large-instance solver benchmark (timing, memory, certificate, ratio to an exact optimum and to greedy).
# Both layouts: a district (~1,000 mentees per school) and 2-3 very large schools (the dense worst case),
# each for the "best total" and the "fairest" goal; the reference checks run in a process of their own.
bench: install
	$(BIN)/python -m peerpath.engine.bench --sizes 1000,10000,50000 --capacity 1,2 --modes max_total,max_min
	$(BIN)/python -m peerpath.engine.bench --sizes 10000,50000 --capacity 1,2 --modes max_total,max_min --school-size 0
	$(MAKE) bench-pages

# The web part: every page of the demo as its usual persona, on PostgreSQL (a fresh `bench` database).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench
bench-pages: install
	bash scripts/ensure-services.sh
	psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(DEMO_ENV) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(DEMO_ENV) $(BIN)/python manage.py load_demo > /dev/null
	DEBUG=0 SECRET_KEY=bench-only $(BIN)/python manage.py collectstatic --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(DEMO_ENV) DEBUG=0 SECRET_KEY=bench-only SECURE_SSL_REDIRECT=0 \
		$(BIN)/python manage.py bench_pages

# Mutation testing (mutmut) over the rule-holding modules listed in scripts/mutate.py: a kill rate per
# module, target 90%. Not part of `make test` (it takes a while, see docs/architecture.md). Arguments
# through MUTATE_ARGS, e.g. MUTATE_ARGS="--only peerpath/core/policy.py --survivors".
mutate: install
	bash scripts/ensure-services.sh
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python scripts/mutate.py --jobs $(PYTEST_WORKERS) $(MUTATE_ARGS)

messages: install
	$(BIN)/python manage.py makemessages -l es --no-obsolete --ignore ".venv/*" --ignore "staticfiles/*" --ignore "tests/*"
	$(BIN)/python manage.py compilemessages --ignore ".venv/*"

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache mutants
