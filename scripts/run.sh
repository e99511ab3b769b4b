#!/usr/bin/env bash
# `make run`: set up, prepare the SQLite database with the demo, and serve.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-stackup.settings.dev}"
stackup=.venv/bin/stackup

data_dir="${STACKUP_DATA_DIR:-var}"
mkdir -p "$data_dir"

# Collect static files only when something they come from has changed.
static_stamp="$data_dir/static/.stackup-collected"
static_hash=$( (find build/static stackup/static -type f -printf '%P %s %T@\n' | sort; cat constraints.txt) \
  | sha256sum | cut -c1-16)
if [ ! -f "$static_stamp" ] || [ "$(cat "$static_stamp")" != "$static_hash" ]; then
  echo "==> Collecting static files"
  $stackup collectstatic --noinput -v 0
  echo "$static_hash" > "$static_stamp"
fi
echo "==> Updating the database and loading the demo partnership"
$stackup prepare_database --demo

host="${STACKUP_HOST:-127.0.0.1}"
port="${STACKUP_PORT:-8000}"
# Links in emails and on printed slips point to where this serves, unless set.
export STACKUP_HOST="$host" STACKUP_PORT="$port"
# A one-time link to make the first site administrator, until there is one.
$stackup setup_link --if-needed

cat <<TEXT

  Stack Up is starting at http://$host:$port/
  Demo sign-in: coordinator@demo.example / stack-up-demo
  (the viewer, helper and partner lead sign-ins are listed above)
  Stop it with Ctrl+C.

TEXT

# The background worker sends invitation and reminder emails. It starts beside
# the web server and stops when the web server stops (Ctrl+C, or a signal to
# this script). A worker stopped part way through a batch leaves it to be
# carried on from the batch's page.
pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # The worker finishes the email it is on; give it a few seconds, no more.
  for _ in $(seq 50); do
    kill -0 "${pids[0]}" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL "${pids[0]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

$stackup db_worker --no-reload --no-startup-delay -v 1 &
pids+=("$!")
.venv/bin/gunicorn stackup.wsgi --bind "$host:$port" --workers "${WEB_CONCURRENCY:-2}" \
  --access-logfile - --forwarded-allow-ips="" &
pids+=("$!")
wait "${pids[1]}"
