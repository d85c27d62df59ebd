#!/usr/bin/env bash
# Build the dashboard (web/) into web/dist, which `stocktracker api` serves
# (WEB_ROOT). `npm ci` runs only when package-lock.json changed since the
# last install (a stamp in node_modules); the Vite build always runs (a few
# seconds), so web/dist always matches the sources.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT/web"

say() { printf 'build-web: %s\n' "$*"; }
command -v npm > /dev/null 2>&1 || { say "npm is missing: run scripts/install-deps.sh" >&2; exit 1; }

STAMP=node_modules/.stocktracker-package-lock
if ! cmp -s package-lock.json "$STAMP"; then
  say "npm ci (package-lock.json changed or first install)"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$STAMP"
fi
npm run --silent build -- --logLevel warn
say "dashboard built into web/dist"
