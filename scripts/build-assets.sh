#!/usr/bin/env bash
# Compiles the Sass and copies the few GOV.UK Frontend files the product serves
# into build/static/, which collectstatic (and the tests) pick up.
set -euo pipefail
cd "$(dirname "$0")/.."

out=build/static
govuk=node_modules/govuk-frontend/dist/govuk
mkdir -p "$out/css" "$out/js" "$out/govuk/images"

node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps \
  --load-path=node_modules assets/scss/stackup.scss "$out/css/stackup.css"
cp "$govuk/govuk-frontend.min.js" "$out/js/govuk-frontend.min.js"
cp "$govuk/assets/images/govuk-crest.svg" "$out/govuk/images/govuk-crest.svg"
