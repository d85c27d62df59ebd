#!/usr/bin/env bash
# `make chaos`: the fault tests of TARGETS.md's Safety table at their full
# sizes. They are make test's integration tests, run with larger sizes
# (tests/integration/chaos_report.hpp), plus the broker restart, which only
# runs here because it restarts the broker. Each row prints one line (what
# was done, lost, duplicated, PASS/FAIL); the lines go to docs/chaos.md. Exits
# non-zero if any row fails. Every row has a time limit, so chaos stops by
# itself.
#
# Sizes (environment): CHAOS_TICKS (default 1000000), CHAOS_KILLS (20),
# CHAOS_ALERTS (500, notify), CHAOS_RESTARTS (1, broker); ingest rates in
# ticks/s CHAOS_PROCESS_RATE (5000), CHAOS_STORE_RATE (3000: 20 store kills
# with their group rejoins need ~5 minutes), CHAOS_BROKER_RATE (10000);
# CHAOS_BROKER_TICKS (CHAOS_TICKS). CHAOS_ROWS picks rows by id, e.g.
# CHAOS_ROWS="process-kill store-kill".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD="${1:?usage: scripts/chaos.sh BUILD_DIR}"
cd "$ROOT"
BUILD="$(cd "$BUILD" && pwd -P)"

TICKS="${CHAOS_TICKS:-1000000}"
KILLS="${CHAOS_KILLS:-20}"
ALERTS="${CHAOS_ALERTS:-500}"
RESTARTS="${CHAOS_RESTARTS:-1}"
ROWS="${CHAOS_ROWS:-store-kill process-kill process-scale notify-kill broker-restart}"

scripts/services.sh up
trap 'scripts/services.sh down' EXIT
# shellcheck source=scripts/env.sh
. scripts/env.sh
# What ctest would set for these binaries (cmake/stocktracker.cmake st_test).
export ST_SOURCE_DIR="$ROOT" ST_BINARY_DIR="$BUILD"

LOGS="$(mktemp -d "${TMPDIR:-/tmp}/stocktracker-chaos.XXXXXX")"
STARTED="$(date -u '+%Y-%m-%d %H:%M UTC')"
LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
RESULTS=()
FAILED=0

# row ID LIMIT_SECONDS BINARY GTEST_FILTER [VAR=VALUE...]: runs one fault
# test under `timeout` and keeps its result line.
row() {
  local id="$1" limit="$2" bin="$3" filter="$4" rc=0 line
  shift 4
  [[ " $ROWS " == *" $id "* ]] || return 0
  echo "chaos: running $id ($*; at most $((limit / 60)) min; log $LOGS/$id.log)"
  env "$@" timeout -k 30 "$limit" "$BUILD/tests/$bin" --gtest_filter="$filter" >"$LOGS/$id.log" 2>&1 || rc=$?
  line="$(grep -m1 '^chaos: ' "$LOGS/$id.log" || true)"
  if [[ -z "$line" ]]; then
    local why="exit $rc"
    ((rc == 124 || rc == 137)) && why="timed out after $limit s"
    line="chaos: $id | no result line ($why; see the log) | lost ? | duplicated ? | FAIL"
  elif ((rc != 0)) && [[ "$line" == *"| PASS"* ]]; then
    line="${line/| PASS/| FAIL} (exit $rc)"
  fi
  if ((rc != 0)) || [[ "$line" != *"| PASS"* ]]; then
    FAILED=1
    grep -E 'Failure|error:|Expected|Which is|actual' "$LOGS/$id.log" | head -n 20 || true
  fi
  echo "$line"
  RESULTS+=("$line")
}

# Rates: each run lasts long enough for its kills and the rejoins after them.
# The store first: it would otherwise have to drain the process rows' two
# million ticks from stock-prices before it reaches its own.
row store-kill 1800 store_crash_itest 'StoreCrash.*' \
  CHAOS_TICKS="$TICKS" CHAOS_KILLS="$KILLS" CHAOS_RATE="${CHAOS_STORE_RATE:-3000}"
row process-kill 1800 process_itest 'Process.RepeatedSigkills*' \
  CHAOS_TICKS="$TICKS" CHAOS_KILLS="$KILLS" CHAOS_RATE="${CHAOS_PROCESS_RATE:-5000}"
row process-scale 1800 process_itest 'Process.ScalingOneToThreeToOne*' \
  CHAOS_TICKS="$TICKS" CHAOS_RATE="${CHAOS_PROCESS_RATE:-5000}"
row notify-kill 1200 notify_channels_itest 'NotifyChannels.Sigkills*' \
  CHAOS_ALERTS="$ALERTS" CHAOS_KILLS="$KILLS"
# Last: it restarts the broker (scripts/services.sh restart-kafka) that this
# script started, so no other row runs meanwhile.
row broker-restart 1200 broker_restart_chaos 'BrokerRestart.*' \
  CHAOS_TICKS="${CHAOS_BROKER_TICKS:-$TICKS}" CHAOS_RATE="${CHAOS_BROKER_RATE:-10000}" \
  CHAOS_RESTARTS="$RESTARTS" CHAOS_BROKER_RESTART="$ROOT/scripts/services.sh restart-kafka"

((${#RESULTS[@]} > 0)) || { echo "chaos: no row matched CHAOS_ROWS=\"$ROWS\"" >&2; exit 1; }
{
  echo "# Chaos: the fault tests of the Safety table"
  echo
  echo "The rows of TARGETS.md's Safety table that \`make chaos\` runs (scripts/chaos.sh):"
  echo "make test's fault tests at full size, and the broker restart. Regenerate with \`make chaos\`."
  echo
  echo "Measured $STARTED on $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -n 1)," \
    "$(free -g | awk '/^Mem:/ {print $2}') GiB), load average $LOAD at the start, with ${BUILD#"$ROOT"/}" \
    "(CHAOS_TICKS=$TICKS CHAOS_KILLS=$KILLS CHAOS_ALERTS=$ALERTS CHAOS_RESTARTS=$RESTARTS)."
  echo
  echo "| fault | what was done | lost | duplicated | result | notes |"
  echo "|---|---|---:|---:|---|---|"
  for line in "${RESULTS[@]}"; do
    awk -F ' [|] ' '{ sub(/^chaos: /, "", $1); sub(/^lost /, "", $3); sub(/^duplicated /, "", $4);
                      printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' <<<"$line"
  done
  echo
  echo "What must hold (TARGETS.md): process and store 0 lost, 0 duplicated and equal to the oracle"
  echo "(\"wrong\" counts final candles or alerts that differ from it); notify 0 lost, duplicates at most"
  echo "the number of kills; the broker restart 0 acknowledged ticks lost. Each process row runs its"
  echo "processors in a consumer group of its own, and test runs with a processor take turns (a file lock,"
  echo "tests/integration/harness.hpp ProcessorLock); a processor outside the tests (\`make run\`, a"
  echo "benchmark's) on the same \`stock-prices\` still writes candles and alerts for the replay's symbols,"
  echo "which count as duplicated."
} >docs/chaos.md
echo "chaos: wrote docs/chaos.md (logs in $LOGS)"
printf '%s\n' "${RESULTS[@]}"
if ((FAILED)); then
  echo "chaos: FAILED"
  exit 1
fi
echo "chaos: all rows passed"
