#!/usr/bin/env bash
# Everything Stack Up needs on a fresh Debian machine, done once and reused.
#   scripts/setup.sh          what `make run` needs
#   scripts/setup.sh --test   that, plus what the test suite needs
# As root it installs missing Debian packages with apt-get; as anyone else it
# says which are missing and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '==> %s\n' "$*"; }

# --- Debian packages --------------------------------------------------------
# The Pango, HarfBuzz and font packages are what the PDF report needs.
packages=(python3-venv gettext nodejs npm fonts-liberation
          libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
if [ "$want_test" = 1 ]; then
  packages+=(chromium postgresql default-jre-headless poppler-utils)
fi
missing=()
for p in "${packages[@]}"; do
  case "$p" in
    # Node.js, npm and Java may come from outside Debian's packages: the command is what matters.
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
    default-jre-headless) command -v java >/dev/null 2>&1 && continue ;;
    python3-venv) python3 -c 'import venv, ensurepip' >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "These Debian packages are missing: ${missing[*]}" >&2
    echo "Install them (sudo apt-get install ${missing[*]}) or run this as root." >&2
    exit 1
  fi
fi

# --- Python -----------------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "Creating the virtual environment in .venv"
  python3 -m venv .venv
fi
py_stamp=.venv/.stackup-installed
py_hash=$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
if [ ! -f "$py_stamp" ] || [ "$(cat "$py_stamp")" != "$py_hash" ]; then
  say "Installing Python packages"
  # This machine's pip configuration names extra local package folders; pip warns
  # about each one it cannot use. Keep the output to what matters.
  .venv/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]" 2>&1 \
    | { grep -v "^WARNING: Location '.*' is ignored" || true; }
  echo "$py_hash" > "$py_stamp"
fi

# --- Front end --------------------------------------------------------------
npm_stamp=node_modules/.stackup-installed
npm_hash=$(cat package.json package-lock.json | sha256sum | cut -c1-16)
if [ ! -f "$npm_stamp" ] || [ "$(cat "$npm_stamp")" != "$npm_hash" ]; then
  say "Installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$npm_hash" > "$npm_stamp"
fi

css=build/static/css/stackup.css
if [ ! -f "$css" ] || [ -n "$(find assets package-lock.json -newer "$css" -print -quit)" ]; then
  say "Compiling the stylesheet"
  scripts/build-assets.sh
fi

# --- Translations -----------------------------------------------------------
for po in locale/*/LC_MESSAGES/django.po; do
  if [ ! -f "${po%.po}.mo" ] || [ "$po" -nt "${po%.po}.mo" ]; then
    say "Compiling translations"
    .venv/bin/stackup compilemessages --ignore=.venv --ignore=node_modules --ignore=build -v 0
    break
  fi
done
