#!/usr/bin/env bash
# The OpenAPI contract test: a live `stocktracker api` on the real servers,
# checked by schemathesis (pinned in scripts/pyenv.sh) against the document
# the server itself serves at /api/openapi.json (docs/openapi.json).
#
# Checks: no 5xx, every status and Content-Type documented, bodies and
# headers matching their schemas, and data that breaks the schema refused
# with a 4xx. positive_data_acceptance is left out: a valid body can still
# name a company that does not exist (a documented 400/404).
#
# usage: tests/api_contract.sh <stocktracker binary>   (ctest: api_contract_itest)
# ST_CONTRACT_EXAMPLES (default 100; about a minute) bounds the cases per operation and so the time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BIN="${1:?usage: tests/api_contract.sh <stocktracker binary>}"
EXAMPLES="${ST_CONTRACT_EXAMPLES:-100}"
cd "$ROOT"
# shellcheck source=scripts/env.sh
. scripts/env.sh
# shellcheck source=tests/lib/test_users.sh
. tests/lib/test_users.sh
VENV_BIN="$(scripts/pyenv.sh)"

TAG="contract-$(date +%s)-$$"
EMAIL="itest-$TAG-owner@example.com"
PASSWORD="correct horse battery"
LOG="/tmp/st-api-contract-$TAG.log"
REPORT="/tmp/st-api-contract-$TAG"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"

"$BIN" migrate > /dev/null 2>&1 || { echo "contract: migrate failed" >&2; exit 1; }
"$BIN" topics > /dev/null 2>&1 || { echo "contract: topics failed" >&2; exit 1; }

JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" "$BIN" api --api-port "$PORT" > "$LOG" 2>&1 &
API_PID=$!
cleanup() {
  local rc=$?
  # Users this run made: the owner, and those schemathesis registered (the
  # ids of the 201 answers to register in its HAR reports). A tombstone
  # for each on the compacted user-preferences topic, as the integration
  # fixture does, then the rows (rules and watchlist cascade).
  local ids
  ids="$(python3 - "$REPORT" <<'PY' 2> /dev/null || true
import glob, json, sys
ids = set()
for path in glob.glob(sys.argv[1] + "/har-*.json"):
    for e in json.load(open(path))["log"]["entries"]:
        if e["request"]["url"].endswith("/api/auth/register") and e["response"]["status"] == 201:
            try:
                ids.add(int(json.loads(e["response"]["content"]["text"])["user"]["id"]))
            except (KeyError, ValueError, TypeError):
                pass
print(",".join(str(i) for i in sorted(ids)))
PY
)"
  local users="email = '$EMAIL'"
  [[ -n "$ids" ]] && users+=" OR id IN ($ids)"
  # The api relays the tombstones before it stops.
  delete_test_users "$users"
  kill -TERM "$API_PID" 2> /dev/null || true
  wait "$API_PID" 2> /dev/null || true
  if ((rc != 0)); then
    echo "contract: api log tail ($LOG):" >&2
    tail -n 20 "$LOG" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fsS "$BASE/healthz" > /dev/null 2>&1 && break
  sleep 0.2
done
# From a loopback address of its own: the per-IP register limit of
# 127.0.0.1 is spent by schemathesis' own register calls of a recent run.
SOURCE_IP="127.$((RANDOM % 250 + 2)).$((RANDOM % 250 + 2)).$((RANDOM % 250 + 2))"
SESSION="$(curl -fsS --interface "$SOURCE_IP" -X POST "$BASE/api/auth/register" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}")"
TOKEN="$(printf '%s' "$SESSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"

run_schemathesis() {
  "$VENV_BIN/schemathesis" run "$BASE/api/openapi.json" \
    --header "Authorization: Bearer $TOKEN" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection \
    --max-examples "$EXAMPLES" --seed 20261127 --workers 2 --request-timeout 10 \
    --suppress-health-check all \
    --report junit,har --report-dir "$REPORT" --output-truncate false "$@"
}
# Logout revokes the token every other call uses, so it runs last, alone.
echo "contract: schemathesis against $BASE (report $REPORT)"
status=0
# The stateful phase follows the links of docs/openapi.json (a created rule
# into get, update, pause, backtest and delete).
run_schemathesis --phases examples,coverage,fuzzing,stateful --exclude-operation-id logout || status=$?
run_schemathesis --phases examples,coverage,fuzzing --include-operation-id logout || status=$?
exit "$status"
