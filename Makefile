# Two commands: `make run` serves the directory; `make test` checks everything.
# Production is `make serve` (debug off; see "Running in production" in the README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_DEBUG ?= 1

.PHONY: run serve test setup lint check test-only messages load superuser css clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

messages: $(STAMP)
	cd . && $(BIN)/python manage.py compilemessages --ignore=.venv -v0

load: $(STAMP) messages
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_directory

run: load
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production: never debug, whatever the environment says. scripts/serve.sh runs the
# deployment checks, collectstatic, migrate, load_directory --if-empty, then gunicorn.
serve: export DJANGO_DEBUG := 0
serve: $(STAMP) messages
	scripts/serve.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(STAMP) messages
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run -v0

test-only: $(STAMP) messages
	$(BIN)/pytest

test: lint check test-only

superuser: $(STAMP)
	$(BIN)/python manage.py createsuperuser

css:
	npm install --no-audit --no-fund && npm run css

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
