#!/usr/bin/env bash
# schemathesis against the Open Referral API's own OpenAPI document, on a live
# development server over a throwaway SQLite copy of the directory. Bounded:
# a few examples per operation. Fails on any 5xx, any response not matching the
# document, and any valid request refused. Not checked: that every invalid
# request is refused, because an empty parameter means "any", as on the search page.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${OPENAPI_CHECK_PORT:-8180}"
WORK="$(mktemp -d)"
export DJANGO_DEBUG=1 DATABASE_URL="sqlite:///$WORK/db.sqlite3" DJANGO_OPEN_DATA_RATE="100000/minute"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_directory -v0
.venv/bin/python manage.py runserver "127.0.0.1:$PORT" --noreload >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
VENV="$PWD/.venv"
# From the scratch directory, so schemathesis's own state stays out of the repository.
cd "$WORK"
"$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/oruk/openapi.json" \
  --wait-for-schema 30 \
  --checks all \
  --exclude-checks negative_data_rejection \
  --max-examples "${OPENAPI_CHECK_EXAMPLES:-10}" \
  --workers 1 \
  --seed 1
