# attune — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
# Test processes (pytest-xdist), each with its own test database and broker keys
# (tests/workers.py): two fit CI's two cores. `make test TEST_PROCESSES=0` runs one.
TEST_PROCESSES ?= 2

.PHONY: run test install migrate lint format typecheck pytest e2e fuzz lock clean

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "attune needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

## Web on http://127.0.0.1:8000, a Celery worker and beat, on SQLite and the filesystem broker.
run: migrate
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

## Lint, type-check, then every test but the real-browser ones.
test: install lint typecheck pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install
	$(BIN)/mypy .

pytest: install
	$(BIN)/pytest -n $(TEST_PROCESSES) -m "not e2e and not processes"
	$(BIN)/pytest -m processes

## Real-browser tests: Debian's chromium (/usr/bin/chromium) and axe-core from npm.
e2e: install
	test -d node_modules || npm ci --no-audit --no-fund
	$(BIN)/pytest -m e2e -n $(TEST_PROCESSES) --durations=15 tests/e2e

## Schemathesis against our own schema, as two people from two couples.
fuzz: install
	$(BIN)/python scripts/fuzz.py

## Re-pin requirements.lock after editing pyproject.toml.
lock: install
	$(BIN)/pip-compile --quiet --extra dev --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links \
		--output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var staticfiles .mypy_cache .pytest_cache .ruff_cache
