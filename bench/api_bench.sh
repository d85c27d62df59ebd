#!/usr/bin/env bash
# The API benchmark (issue #5, TARGETS.md): `stocktracker api` against its
# baselines in one run, on the same PostgreSQL, Kafka and data.
#
#   REST: `api` and Express 5 + pg (bench/baselines/express) serve the same
#   endpoints; wrk (Debian) drives both with the same threads, connections
#   and duration: latest quotes (memory), ticks and 5-minute candles
#   (PostgreSQL). Requests/s and p50/p99 from `wrk --latency`.
#   WebSocket: ws_load against `api`'s /ws, then the Socket.io baseline
#   (bench/baselines/socketio) with its load client, the same connections,
#   symbols, tick rates and duration: a rate both can carry (latency) and
#   one past what either can on 2 cores (throughput); delivered messages/s,
#   p50/p99 tick -> client, messages per server CPU-second, server memory
#   per idle connection.
#
#   bench/api_bench.sh BUILD_DIR     (the servers up and migrated, scripts/env.sh sourced)
#
# Prints a markdown section on stdout, progress on stderr. Every process it
# starts is stopped by its PID on exit. Settings (environment):
#   API_BENCH_WRK="-t2 -c64 -d8s"   wrk threads, connections, duration
#   API_BENCH_WS_CONNECTIONS=10000 API_BENCH_WS_SYMBOLS=20 API_BENCH_WS_UNIVERSE=200
#   API_BENCH_WS_RATES="10 100" API_BENCH_WS_SECONDS=10  ticks/s produced (one run per rate), for how long
#   API_BENCH_PORT=18180   api; Express and Socket.io on the next two ports
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD="$(cd "${1:?usage: bench/api_bench.sh BUILD_DIR}" && pwd -P)"
cd "$ROOT"

WRK_ARGS="${API_BENCH_WRK:--t2 -c64 -d8s}"
WS_CONNECTIONS="${API_BENCH_WS_CONNECTIONS:-10000}"
WS_SYMBOLS="${API_BENCH_WS_SYMBOLS:-20}"
WS_UNIVERSE="${API_BENCH_WS_UNIVERSE:-200}"
WS_RATES="${API_BENCH_WS_RATES:-10 100}"
WS_SECONDS="${API_BENCH_WS_SECONDS:-10}"
API_PORT_BENCH="${API_BENCH_PORT:-18180}"
EXPRESS_PORT=$((API_PORT_BENCH + 1))
SOCKETIO_PORT=$((API_PORT_BENCH + 2))

say() { printf 'api_bench: %s\n' "$*" >&2; }
for tool in wrk node npm curl; do
  command -v "$tool" > /dev/null || { say "$tool is missing (scripts/install-deps.sh)"; exit 1; }
done
for port in "$API_PORT_BENCH" "$EXPRESS_PORT" "$SOCKETIO_PORT"; do
  if (: < "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then
    say "port $port is taken; set API_BENCH_PORT"
    exit 1
  fi
done

WORK="$(mktemp -d)"
PIDS=()
declare -A STOPPED  # so a PID is never signalled again once stopped (it may be reused)
stop_pid() {  # stop_pid PID: SIGTERM, then SIGKILL after 5 s, then reap it
  local pid="$1"
  [ -n "${STOPPED[$pid]:-}" ] && return 0
  STOPPED[$pid]=1
  if kill -TERM "$pid" 2> /dev/null; then
    for _ in $(seq 50); do  # until it exits (a child that exited is a zombie until `wait`)
      [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2> /dev/null || echo Z)" = Z ] && break
      sleep 0.1
    done
    kill -KILL "$pid" 2> /dev/null || true
  fi
  wait "$pid" 2> /dev/null || true
}
cleanup() {
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# The baselines' packages, installed from their lock files when those changed.
for dir in bench/baselines/express bench/baselines/socketio; do
  stamp="$dir/node_modules/.stocktracker-package-lock"
  if ! cmp -s "$dir/package-lock.json" "$stamp"; then
    say "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
    cp "$dir/package-lock.json" "$stamp"
  fi
done

wait_http() {  # wait_http URL PID LOG: until it answers 200, at most 60 s, while PID lives
  for _ in $(seq 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ] && return 0
    kill -0 "$2" 2> /dev/null || break
    sleep 0.1
  done
  say "no answer from $1; the end of its log:"
  tail -5 "$3" >&2
  exit 1
}

# One secret for this run: the api signs the token, Socket.io checks it.
JWT_SECRET_BENCH="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"

start_api() {
  JWT_SECRET="$JWT_SECRET_BENCH" API_HOST=127.0.0.1 API_PORT="$API_PORT_BENCH" LOG_LEVEL=warn \
    "$BUILD/app/stocktracker" api > "$WORK/api.log" 2>&1 &
  API_PID=$!
  PIDS+=("$API_PID")
  wait_http "http://127.0.0.1:$API_PORT_BENCH/readyz" "$API_PID" "$WORK/api.log"
}
start_express() {
  (cd bench/baselines/express && PORT="$EXPRESS_PORT" exec node server.js) > "$WORK/express.log" 2>&1 &
  EXPRESS_PID=$!
  PIDS+=("$EXPRESS_PID")
  wait_http "http://127.0.0.1:$EXPRESS_PORT/api/quotes?symbols=AAPL" "$EXPRESS_PID" "$WORK/express.log"
}

say "starting stocktracker api (:$API_PORT_BENCH) and the Express baseline (:$EXPRESS_PORT)"
start_api
start_express

# The same request on both: ten symbols of the companies table, and the
# first symbol's history up to its newest stored tick when the run starts
# (so ticks other programs store meanwhile do not change the answer).
SYMBOLS="$(psql "$DATABASE_URL" -Atc "SELECT string_agg(symbol, ',' ORDER BY symbol) FROM (SELECT symbol FROM companies ORDER BY symbol LIMIT 10) c")"
HISTORY_SYMBOL="${SYMBOLS%%,*}"
HISTORY_TO="$(psql "$DATABASE_URL" -Atc "SELECT (extract(epoch FROM max(ts)) * 1000)::bigint FROM stock_prices WHERE symbol = '$HISTORY_SYMBOL'")"
STORED_ROWS="$(psql "$DATABASE_URL" -Atc "SELECT sum(n_live_tup)::bigint FROM pg_stat_user_tables WHERE relname LIKE 'stock_prices%'")"
ENDPOINTS=(
  "latest quotes (memory)|/api/quotes?symbols=$SYMBOLS"
  "price history, 100 ticks (PostgreSQL)|/api/companies/$HISTORY_SYMBOL/prices?limit=100&to=$HISTORY_TO"
  "price history, 100 5-minute candles (PostgreSQL)|/api/companies/$HISTORY_SYMBOL/prices?interval=5m&limit=100&to=$HISTORY_TO"
)

# Both must give the same answer before their speed means anything. Quotes
# move while ticks arrive, so for them the symbols found and missing must
# match; a history must match exactly.
canonical() {  # canonical URL: the answer as sorted JSON
  curl -s "$1" | python3 -c '
import json, sys
a = json.load(sys.stdin)
if "quotes" in a:
    a = {"quotes": sorted(q["symbol"] for q in a["quotes"]), "missing": a["missing"]}
print(json.dumps(a, sort_keys=True))'
}
for e in "${ENDPOINTS[@]}"; do
  path="${e#*|}"
  a="$(canonical "http://127.0.0.1:$API_PORT_BENCH$path")"
  b="$(canonical "http://127.0.0.1:$EXPRESS_PORT$path")"
  if [ "$a" != "$b" ]; then
    say "the api and Express answer $path differently:"
    say "api:     ${a:0:300}"
    say "express: ${b:0:300}"
    exit 1
  fi
done

to_ms() {  # wrk's 812.00us / 1.23ms / 1.05s -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
run_wrk() {  # run_wrk URL -> "requests/s p50_ms p99_ms errors"
  local out
  wrk -t2 -c16 -d2s "$1" > /dev/null  # warm-up: pools, caches, JIT
  # shellcheck disable=SC2086
  out="$(wrk $WRK_ARGS --latency "$1")"
  local rps p50 p99 errors
  rps="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<< "$out")"
  p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' <<< "$out")")"
  p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<< "$out")")"
  errors="$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; ++i) n += $i } END { print n + 0 }' <<< "$out")"
  echo "$rps $p50 $p99 $errors"
}

declare -A REST
for e in "${ENDPOINTS[@]}"; do
  name="${e%%|*}"
  path="${e#*|}"
  say "wrk $WRK_ARGS: $name"
  REST["$name|api"]="$(run_wrk "http://127.0.0.1:$API_PORT_BENCH$path")"
  REST["$name|express"]="$(run_wrk "http://127.0.0.1:$EXPRESS_PORT$path")"
done
stop_pid "$EXPRESS_PID"

# WebSocket: one server at a time, so neither reads the other's ticks.
LOAD_LAST="$(uptime | sed 's/.*load average: //')"
# A user of its own for this run; registration is limited to 5 a minute per
# address (shared with the tests on 127.0.0.1), so a refusal waits a minute once.
register() {
  curl -s -X POST "http://127.0.0.1:$API_PORT_BENCH/api/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench-$$-$(date +%s%N)@stocktracker.local\",\"password\":\"bench-password-2026\",\"display_name\":\"bench\"}" |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}
TOKEN="$(register)"
if [ -z "$TOKEN" ]; then
  say "registration refused (rate limit?); retrying in 61 s"
  sleep 61
  TOKEN="$(register)"
fi
[ -n "$TOKEN" ] || { say "could not register the benchmark user"; exit 1; }
WS_ARGS=(--connections "$WS_CONNECTIONS" --symbols "$WS_SYMBOLS" --universe "$WS_UNIVERSE" --seconds "$WS_SECONDS")
for rate in $WS_RATES; do
  say "ws_load against api: ${WS_ARGS[*]} --rate $rate"
  ST_WS_TOKEN="$TOKEN" "$BUILD/bench/ws_load" --port "$API_PORT_BENCH" --server-pid "$API_PID" "${WS_ARGS[@]}" \
    --rate "$rate" --prefix WSB > "$WORK/ws_api_$rate.json"
done
stop_pid "$API_PID"

(cd bench/baselines/socketio && JWT_SECRET="$JWT_SECRET_BENCH" PORT="$SOCKETIO_PORT" exec node server.js) \
  > "$WORK/socketio.log" 2>&1 &
SOCKETIO_PID=$!
PIDS+=("$SOCKETIO_PID")
for _ in $(seq 300); do grep -q listening "$WORK/socketio.log" && break; sleep 0.1; done
grep -q listening "$WORK/socketio.log" || { say "the Socket.io baseline did not start: $(cat "$WORK/socketio.log")"; exit 1; }
for rate in $WS_RATES; do
  say "Socket.io load client: ${WS_ARGS[*]} --rate $rate"
  ST_WS_TOKEN="$TOKEN" node bench/baselines/socketio/load.js --port "$SOCKETIO_PORT" --server-pid "$SOCKETIO_PID" \
    "${WS_ARGS[@]}" --rate "$rate" --prefix SIO > "$WORK/ws_socketio_$rate.json"
done
stop_pid "$SOCKETIO_PID"

# ---- the report ----
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "n/a" }'; }

echo "## api: REST and WebSocket against Express 5 and Socket.io"
echo
echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), load average at the start of the WebSocket part: $LOAD_LAST; PostgreSQL 15 and Kafka 3.9 on loopback; by \`bench/api_bench.sh\` (\`make bench\`)."
echo
echo "**REST.** \`stocktracker api\` ($(basename "$BUILD") build) and the Express 5 + \`pg\` baseline (bench/baselines/express, one Node $(node --version) process, a pool of 8 connections like the api's) on the same database (~$STORED_ROWS rows in \`stock_prices\`), each answer checked equal first. \`wrk $WRK_ARGS --latency\` after a 2 s warm-up, the client on the same 2 cores; errors are non-2xx answers plus wrk's socket errors (a request over its 2 s timeout counts)."
echo
echo "| endpoint | api req/s | Express req/s | api ÷ Express | api p50 / p99 ms | Express p50 / p99 ms | errors (api / Express) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for e in "${ENDPOINTS[@]}"; do
  name="${e%%|*}"
  read -r a_rps a_p50 a_p99 a_err <<< "${REST["$name|api"]}"
  read -r x_rps x_p50 x_p99 x_err <<< "${REST["$name|express"]}"
  echo "| $name: \`${e#*|}\` | $a_rps | $x_rps | **$(ratio "$a_rps" "$x_rps")** | $a_p50 / $a_p99 | $x_p50 / $x_p99 | $a_err / $x_err |"
done
echo
echo "Targets (TARGETS.md): latest quotes ≥ 10× Express; price history ≥ 3× Express at equal or lower p99."
echo
FIRST_RATE="${WS_RATES%% *}"
echo "**WebSocket.** $WS_CONNECTIONS connections × $WS_SYMBOLS symbols (of $WS_UNIVERSE; $((WS_CONNECTIONS * WS_SYMBOLS / WS_UNIVERSE)) followers per symbol), ticks produced to \`stock-prices\` at each rate for $WS_SECONDS s, one server at a time, fresh connections for each run. \`api\`'s /ws with bench/ws_load.cpp (one C++ thread); the Socket.io 4 baseline (bench/baselines/socketio: a room per symbol, the same access token checked, ticks read from the same topic) with its load client (bench/baselines/socketio/load.js, socket.io-client on 2 worker threads, the same figures). Latency: tick event time (its produce time) to arrival at the client, through Kafka. Rates are per second of the run plus its 1 s drain, as ws_load counts them (so 10 ticks/s for 10 s shows as 9). Server CPU: user + system seconds of the server process during the run (/proc), so the last column does not depend on how much of the 2 cores the load clients and Kafka took."
echo
echo "| server | ticks/s | connected | delivered msgs/s | of expected | p50 ms | p99 ms | max ms | server CPU s | msgs per server CPU-s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
per_cpu() { awk -v d="$(field "$1" delivered)" -v c="$(field "$1" server_cpu_s)" 'BEGIN { if (c > 0) printf "%.0f", d / c; else print 0 }'; }
for rate in $WS_RATES; do
  for row in "stocktracker api|$WORK/ws_api_$rate.json" "Socket.io|$WORK/ws_socketio_$rate.json"; do
    f="${row#*|}"
    pct="$(awk -v d="$(field "$f" delivered)" -v e="$(field "$f" expected)" 'BEGIN { if (e > 0) printf "%.0f%%", 100 * d / e; else print "n/a" }')"
    echo "| ${row%%|*} | $(field "$f" ticks_per_s) | $(field "$f" connected) / $(field "$f" connections) | $(field "$f" delivered_per_s) | $pct | $(field "$f" latency_ms_p50) | $(field "$f" latency_ms_p99) | $(field "$f" latency_ms_max) | $(field "$f" server_cpu_s) | $(per_cpu "$f") |"
  done
done
echo
for rate in $WS_RATES; do
  A="$WORK/ws_api_$rate.json"
  S="$WORK/ws_socketio_$rate.json"
  echo "- at $rate ticks/s: api ÷ Socket.io delivered messages/s **$(ratio "$(field "$A" delivered_per_s)" "$(field "$S" delivered_per_s)")**, per server CPU-second **$(ratio "$(per_cpu "$A")" "$(per_cpu "$S")")**"
done
echo
echo "Memory with $WS_CONNECTIONS idle connections (the first run, $FIRST_RATE ticks/s; server RSS before the clients connect and once all are subscribed):"
echo
echo "| server | RSS before | RSS with idle connections | per idle connection |"
echo "|---|---:|---:|---:|"
for row in "stocktracker api|$WORK/ws_api_$FIRST_RATE.json" "Socket.io|$WORK/ws_socketio_$FIRST_RATE.json"; do
  f="${row#*|}"
  echo "| ${row%%|*} | $(awk -v k="$(field "$f" server_rss_kib_before)" 'BEGIN { printf "%.1f MiB", k / 1024 }') | $(awk -v k="$(field "$f" server_rss_kib_idle)" 'BEGIN { printf "%.1f MiB", k / 1024 }') | $(field "$f" idle_kib_per_connection) KiB |"
done
echo
echo "Targets (TARGETS.md): ≥ 10× Socket.io's delivered messages/s, p99 ≤ 50 ms, ≤ 20 KiB per idle client."
echo
echo "Where the baselines differ from the api: Express runs as one Node process (the api has 4 server threads); it caches company look-ups in a Map that is never invalidated (the api's cache rechecks the companies' version once a second) and follows \`stock-prices\` in a fresh kafkajs consumer group started at the end (kafkajs has no group-less assignment), after seeding its quotes with the api's query. Socket.io checks the token's signature, algorithm, issuer, audience and expiry but not the Redis deny-list, has no per-connection conflating queue, message-rate limit or slow-client cut-off (its writes queue without bound), and keeps its own 25 s heartbeat; the api does all of these."
echo
echo "Run this part alone (the servers up: \`scripts/services.sh up\`, then \`. scripts/env.sh\`): \`bench/api_bench.sh build/release\`; it starts and stops its own api (port 18180, \`API_BENCH_PORT\`), Express and Socket.io servers, runs \`npm ci\` in the baselines when their lock files changed, and takes about 4 minutes. \`API_BENCH_WRK\` (wrk's \`-t -c -d\`), \`API_BENCH_WS_CONNECTIONS\`, \`API_BENCH_WS_SYMBOLS\`, \`API_BENCH_WS_UNIVERSE\`, \`API_BENCH_WS_RATES\` and \`API_BENCH_WS_SECONDS\` change the load."
