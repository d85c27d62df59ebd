#!/usr/bin/env bash
# `make run`: start the local servers, then the whole pipeline in one
# process with the built-in market simulator. Ctrl-C stops the pipeline and
# the servers; the data stays under var/ for the next run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BIN="${1:?usage: scripts/run.sh path/to/stocktracker}"
cd "$ROOT"

scripts/services.sh up
trap 'trap "" INT; scripts/services.sh down' EXIT
# shellcheck source=scripts/env.sh
. scripts/env.sh

# A development JWT secret, made once and kept under var/ (never printed).
if [[ -z "${JWT_SECRET:-}" ]]; then
  if [[ ! -s var/jwt_secret ]]; then
    umask 077
    head -c 48 /dev/urandom | base64 | tr -d '\n' > var/jwt_secret
  fi
  JWT_SECRET="$(cat var/jwt_secret)"
  export JWT_SECRET
fi

# The dashboard is served by the API itself, so its page's Origin is the
# API's address: allow it to open /ws (besides the Vite dev server's).
web_port="${API_PORT:-8080}"
export WS_ALLOWED_ORIGINS="${WS_ALLOWED_ORIGINS:-http://${API_HOST:-127.0.0.1}:$web_port,http://localhost:$web_port,http://localhost:5173,http://127.0.0.1:5173}"

echo "run: starting stocktracker up (logs are JSON lines on stderr; Ctrl-C stops everything)"
# Its own session: Ctrl-C reaches only this script, which forwards one
# SIGTERM (a second signal would make the pipeline exit without cleaning up).
setsid "$BIN" up &
PID=$!
# Forward Ctrl-C / TERM to the pipeline and wait for its clean shutdown.
trap 'kill -TERM $PID 2>/dev/null || true' INT TERM

# A demo login, registered once the API answers (kept across runs in the
# database; a second registration answers 409, which is fine).
API="http://${API_HOST:-127.0.0.1}:${API_PORT:-8080}"
DEMO_EMAIL="demo@stocktracker.local"
DEMO_PASSWORD="demo-password-2026"
for _ in $(seq 1 100); do
  curl -fs "$API/healthz" >/dev/null 2>&1 && break
  kill -0 $PID 2>/dev/null || break
  sleep 0.3
done
if curl -fs "$API/healthz" >/dev/null 2>&1; then
  curl -s -o /dev/null -X POST "$API/api/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$DEMO_EMAIL\",\"password\":\"$DEMO_PASSWORD\",\"display_name\":\"Demo\"}" || true
  echo "run: dashboard: $API/  (open it in a browser)"
  echo "run: demo login: $DEMO_EMAIL / $DEMO_PASSWORD  (POST $API/api/auth/login)"
fi
set +e
wait $PID
# A trapped signal interrupts `wait`; wait until the pipeline has really
# finished its clean shutdown, then collect its own exit status.
while kill -0 $PID 2>/dev/null; do sleep 0.2; done
wait $PID
RC=$?
set -e
exit $RC
