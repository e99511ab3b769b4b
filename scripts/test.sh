#!/usr/bin/env bash
# `make test`: set up, run the checks, then the whole suite on SQLite and on a
# throwaway PostgreSQL cluster. Prints one summary line per database and exits
# non-zero on any failure, a missing tool, or a run that collects no tests.
# Extra arguments are passed to pytest (e.g. `make test ARGS="-k healthz"`).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test
export DJANGO_SETTINGS_MODULE=stackup.settings.test
unset DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE
bin=.venv/bin

echo "==> Checks"
$bin/stackup compilemessages --ignore=.venv --ignore=node_modules --ignore=build -v 0
$bin/stackup check --fail-level WARNING
$bin/stackup makemigrations --check --dry-run
DJANGO_SETTINGS_MODULE=stackup.settings.production SECRET_KEY="check-deploy-$(head -c 32 /dev/urandom | base64)" \
  ALLOWED_HOSTS=stackup.example STACKUP_BASE_URL=https://stackup.example \
  $bin/stackup check --deploy --fail-level WARNING
$bin/ruff format --check .
$bin/ruff check .

# --- A throwaway PostgreSQL cluster ------------------------------------------
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "PostgreSQL's server programs were not found under /usr/lib/postgresql." >&2
  exit 1
fi
pgdir=$(mktemp -d /tmp/stackup-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$pgdir"
  as_pg=(runuser -u postgres --)
fi
stop_pg() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$pgdir"
}
trap stop_pg EXIT
pgport=$($bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "==> Starting PostgreSQL on 127.0.0.1:$pgport"
"${as_pg[@]}" "$pgbin/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pgport -k $pgdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
pg_url="postgres://postgres@127.0.0.1:$pgport/stackup"

# --- The suite, once per database ---------------------------------------------
# The browser tests drive synchronous Playwright in the test thread.
export DJANGO_ALLOW_ASYNC_UNSAFE=true
# Both runs go side by side (most of a browser test is waiting); each writes
# its own log, printed whole when it ends, then one summary line per database.
logs=$(mktemp -d)
run_suite() {
  local name=$1 url=$2
  shift 2
  set +e
  DATABASE_URL="$url" $bin/pytest -p no:cacheprovider --durations=10 "$@" \
    > "$logs/$name.log" 2>&1
  echo $? > "$logs/$name.rc"
  set -e
}
echo "==> Tests on SQLite and on PostgreSQL (logs follow when both have finished)"
run_suite SQLite "" "$@" &
sqlite_pid=$!
run_suite PostgreSQL "$pg_url" "$@" &
pg_pid=$!
wait "$sqlite_pid" "$pg_pid" || true

summaries=()
failed=0
total_passed=0
total_failed=0
count_of() { grep -oE "[0-9]+ $1" <<<"$2" | grep -oE '^[0-9]+' || echo 0; }
for name in SQLite PostgreSQL; do
  echo
  echo "==> Tests on $name"
  cat "$logs/$name.log"
  rc=$(cat "$logs/$name.rc" 2>/dev/null || echo 1)
  line=$(grep -E '^=+ .*(passed|failed|error|no tests ran).* =+$' "$logs/$name.log" | tail -n 1 \
    | sed -E 's/^=+ //; s/ =+$//')
  if [ "$rc" = 5 ]; then
    line="no tests were collected"
    failed=1
  elif [ "$rc" != 0 ]; then
    failed=1
  fi
  summaries+=("$name: ${line:-pytest exited with status $rc} (exit $rc)")
  total_passed=$((total_passed + $(count_of passed "$line")))
  total_failed=$((total_failed + $(count_of failed "$line") + $(count_of error "$line")))
  [ "$rc" != 0 ] && [ "$(count_of failed "$line")" = 0 ] && [ "$(count_of error "$line")" = 0 ] \
    && total_failed=$((total_failed + 1))
done
rm -rf "$logs"

echo
echo "==> Summary"
for s in "${summaries[@]}"; do echo "$s"; done
echo "Total: $total_passed passed, $total_failed failed"
exit "$failed"
