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
$bin/stackup check --fail-level WARNING
$bin/stackup makemigrations --check --dry-run
DJANGO_SETTINGS_MODULE=stackup.settings.production SECRET_KEY="check-deploy-$(head -c 32 /dev/urandom | base64)" \
  ALLOWED_HOSTS=stackup.example $bin/stackup check --deploy --fail-level WARNING
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
summaries=()
failed=0
run_suite() {
  local name=$1 url=$2 log rc
  shift 2
  log=$(mktemp)
  echo "==> Tests on $name"
  set +e
  DATABASE_URL="$url" $bin/pytest -p no:cacheprovider "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  local line
  line=$(grep -E '^=+ .*(passed|failed|error|no tests ran).* =+$' "$log" | tail -n 1 | sed -E 's/^=+ //; s/ =+$//')
  rm -f "$log"
  if [ "$rc" = 5 ]; then
    line="no tests were collected"
    failed=1
  elif [ "$rc" != 0 ]; then
    failed=1
  fi
  summaries+=("$name: ${line:-pytest exited with status $rc} (exit $rc)")
}
run_suite SQLite "" "$@"
run_suite PostgreSQL "$pg_url" "$@"

echo
echo "==> Summary"
for s in "${summaries[@]}"; do echo "$s"; done
exit "$failed"
