#!/usr/bin/env bash
# `make run`: set up, prepare the SQLite database with the demo, and serve.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-stackup.settings.dev}"
stackup=.venv/bin/stackup

echo "==> Collecting static files"
$stackup collectstatic --noinput -v 0
echo "==> Updating the database"
$stackup migrate --noinput -v 0
echo "==> Loading the demo partnership"
$stackup load_demo

host="${STACKUP_HOST:-127.0.0.1}"
port="${STACKUP_PORT:-8000}"
cat <<TEXT

  Stack Up is starting at http://$host:$port/
  Demo sign-in: coordinator@demo.example / stack-up-demo
  Stop it with Ctrl+C.

TEXT
exec .venv/bin/gunicorn stackup.wsgi --bind "$host:$port" --workers "${WEB_CONCURRENCY:-2}" \
  --access-logfile - --forwarded-allow-ips=""
