#!/usr/bin/env bash
# `make messages`: extract every marked string from the Python code and the
# Jinja2 templates into locale/django.pot, then merge it into each language's
# catalogue (creating it the first time). Compile with `stackup compilemessages`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
$bin/pybabel -q extract -F babel.cfg --sort-by-file --no-wrap --project "Stack Up" \
  -k gettext_lazy -k ngettext_lazy:1,2 -k pgettext_lazy:1c,2 -k pgettext:1c,2 \
  -o locale/django.pot . >/dev/null
for lang in cy; do
  po="locale/$lang/LC_MESSAGES/django.po"
  if [ -f "$po" ]; then
    $bin/pybabel -q update --no-wrap -D django -d locale -l "$lang" -i locale/django.pot >/dev/null
  else
    $bin/pybabel -q init -D django -d locale -l "$lang" -i locale/django.pot >/dev/null
  fi
  echo "Updated $po"
done
