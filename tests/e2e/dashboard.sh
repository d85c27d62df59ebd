#!/usr/bin/env bash
# The dashboard's browser test: a whole `stocktracker up` (simulator, process,
# store, notify, api serving web/dist) on the real servers, driven in Debian's
# headless Chromium by playwright-core (web/e2e/dashboard.e2e.mjs): register,
# sign in, search and track, a live price tile, a chart, an alert rule whose
# notification reaches the notifications centre, preferences.
#
# usage: tests/e2e/dashboard.sh <stocktracker binary>   (ctest: dashboard_e2e_itest)
# Screenshots: $ST_E2E_SCREENSHOTS (default /tmp/stocktracker-e2e-<tag>).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
BIN="${1:?usage: tests/e2e/dashboard.sh <stocktracker binary>}"
cd "$ROOT"
# shellcheck source=scripts/env.sh
. scripts/env.sh
# shellcheck source=tests/lib/test_users.sh
. tests/lib/test_users.sh

[[ -x /usr/bin/chromium ]] || { echo "e2e: /usr/bin/chromium is missing: run scripts/install-deps.sh" >&2; exit 1; }
scripts/build-web.sh

TAG="e2e-$(date +%s)-$$"
LOG="/tmp/st-$TAG.log"
SHOTS="${ST_E2E_SCREENSHOTS:-/tmp/stocktracker-$TAG}"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
EMAIL_PREFIX="e2e-$TAG"

# Its own session, so that the whole pipeline gets the TERM below.
# The page's Origin is the API's own address: it may open /ws.
JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" WEB_ROOT="$ROOT/web/dist" WS_ALLOWED_ORIGINS="$BASE" \
  setsid "$BIN" up --api-port "$PORT" > "$LOG" 2>&1 &
UP_PID=$!
cleanup() {
  local rc=$?
  # The users this run registered, with a tombstone on the compacted
  # user-preferences topic for each (as the integration fixture does).
  delete_test_users "email LIKE '$EMAIL_PREFIX-%'"
  kill -TERM "$UP_PID" 2> /dev/null || true
  for _ in $(seq 1 150); do
    kill -0 "$UP_PID" 2> /dev/null || break
    sleep 0.2
  done
  kill -KILL "$UP_PID" 2> /dev/null || true
  wait "$UP_PID" 2> /dev/null || true
  if ((rc != 0)); then
    echo "e2e: stocktracker up log tail ($LOG):" >&2
    tail -n 30 "$LOG" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT

for _ in $(seq 1 300); do
  curl -fsS "$BASE/healthz" > /dev/null 2>&1 && break
  kill -0 "$UP_PID" 2> /dev/null || { echo "e2e: stocktracker up exited" >&2; exit 1; }
  sleep 0.2
done
echo "e2e: dashboard at $BASE, screenshots in $SHOTS"
BASE_URL="$BASE" SCREENSHOT_DIR="$SHOTS" E2E_EMAIL_PREFIX="$EMAIL_PREFIX" node web/e2e/dashboard.e2e.mjs
