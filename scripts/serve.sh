#!/usr/bin/env bash
# Production start: `make serve` runs this (after installing and compiling the
# Welsh catalogue). Debug is always off here. It reads from the environment:
#   DATABASE_URL, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS (required),
#   REDIS_URL (the shared cache), DJANGO_CSRF_TRUSTED_ORIGINS, DJANGO_TRUSTED_PROXY_COUNT,
#   and gunicorn's WEB_CONCURRENCY, GUNICORN_BIND (see gunicorn.conf.py).
# Steps: deployment checks, collectstatic, migrate, load the directory only into
# an empty database, then gunicorn in the foreground (it replaces this shell, so
# the process manager's signals reach it: SIGTERM finishes requests in flight).
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG=0
PYTHON="${PYTHON:-.venv/bin/python}"
GUNICORN="${GUNICORN:-.venv/bin/gunicorn}"

"$PYTHON" manage.py check --deploy
"$PYTHON" manage.py collectstatic --noinput -v0
"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py load_directory --if-empty
exec "$GUNICORN" --config gunicorn.conf.py
