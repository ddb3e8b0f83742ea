# Two commands: `make run` serves the directory; `make test` checks everything.
# Production is `make serve` (debug off; see "Running in production" in the README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Installs come from the hashed lock files in requirements/ (base: what production runs;
# dev: base plus the test and lint tools), never from pyproject.toml's ranges directly.
# pyproject.toml stays the source of the ranges; `make lock` turns them into the lock files.
BASE_STAMP := $(VENV)/.installed-base
STAMP := $(VENV)/.installed-dev
export DJANGO_DEBUG ?= 1

.PHONY: run serve test test-fast setup lint check test-only messages load superuser css clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BASE_STAMP): requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(BASE_STAMP)

$(STAMP): requirements/dev.txt $(BASE_STAMP)
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	touch $(STAMP)

setup: $(STAMP)

# Re-resolve pyproject.toml's ranges into requirements/*.txt with hashes. Versions already
# in the lock are kept unless they no longer fit; `make lock UPGRADE=1` moves everything
# to the newest versions the ranges allow. Commit both files.
LOCK := $(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --universal \
	--python-version 3.11 --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
lock: $(STAMP)
	$(LOCK) -o requirements/base.txt
	$(LOCK) --extra dev -c requirements/base.txt -o requirements/dev.txt

messages: $(BASE_STAMP)
	cd . && $(BIN)/python manage.py compilemessages --ignore=.venv -v0

load: $(BASE_STAMP) messages
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_directory

run: load
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production: never debug, whatever the environment says. scripts/serve.sh runs the
# deployment checks, collectstatic, migrate, load_directory --if-empty, then gunicorn.
serve: export DJANGO_DEBUG := 0
serve: $(BASE_STAMP) messages
	scripts/serve.sh

# lint-imports: the apps' layers (.importlinter states them; the README's layout section explains).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

check: $(STAMP) messages
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run -v0

# Two pytest processes side by side, one per core, each running every other selected test (--shard,
# in tests/conftest.py; on PostgreSQL each takes its own test database); the first one's report is
# printed after the second's, and either failing fails the target. PYTEST_ADDOPTS reaches both.
define pytest_in_two
	@log=$$(mktemp); \
	$(BIN)/pytest $(1) --shard=1/2 >$$log 2>&1 & first=$$!; \
	$(BIN)/pytest $(1) --shard=2/2; second=$$?; \
	wait $$first; status=$$?; echo "--- the other half (--shard=1/2) ---"; cat $$log; rm -f $$log; \
	test $$status -eq 0 -a $$second -eq 0
endef

test-only: $(STAMP) messages
	$(call pytest_in_two,)

test: lint check test-only

# While working: the rules, models and pages without the browser, the gunicorn processes,
# subprocesses or the Hypothesis properties (markers in pyproject.toml). make test runs all.
FAST := -q -m "not browser and not processes and not slow"
test-fast: $(STAMP) messages
	$(call pytest_in_two,$(FAST))

superuser: $(STAMP)
	$(BIN)/python manage.py createsuperuser

css:
	npm install --no-audit --no-fund && npm run css

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
