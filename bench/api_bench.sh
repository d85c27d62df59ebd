#!/usr/bin/env bash
# The API benchmark (issue #5, TARGETS.md): `stocktracker api` against its
# baselines in one run, on the same PostgreSQL, Kafka and data.
#
#   REST: `api` and Express 5 + pg (bench/baselines/express) serve the same
#   endpoints; wrk (Debian) drives both with the same threads, connections
#   and duration: latest quotes (memory), ticks and 5-minute candles
#   (PostgreSQL). Requests/s and p50/p99 from `wrk --latency`.
#   WebSocket capacity: ws_load against `api`'s /ws, then the Socket.io
#   baseline (bench/baselines/socketio) with its load client, the same
#   connections, symbols and tick-rate steps (the rate grows by a factor per
#   step until a step is not sustained: under 98% of the expected messages
#   delivered or p99 over the bound); the most delivered messages/s each
#   sustains, p50/p99 tick -> client, server CPU, memory per idle connection.
#   Then the bare fan-out ceiling (bench/ws_ceiling.cpp: plain epoll, one
#   thread per core, ticks generated in-process and pre-encoded once per
#   tick, one write per connection per tick) under the same client and
#   steps (ws_load --source server): what this machine allows at all.
#   WebSocket latency: ws_load --mode latency, ticks at 10,000/s to clients
#   of the api and, in the same run, to a bare librdkafka consumer.
#
#   bench/api_bench.sh BUILD_DIR     (the servers up and migrated, scripts/env.sh sourced)
#
# Prints a markdown section on stdout, progress on stderr. Every process it
# starts is stopped by its PID on exit. Settings (environment):
#   API_BENCH_WRK="-t2 -c64 -d8s"   wrk threads, connections, duration
#   API_BENCH_REST_ROUNDS=3   rounds per REST endpoint (the median is reported)
#   API_BENCH_WS_CONNECTIONS=10000 API_BENCH_WS_SYMBOLS=20 API_BENCH_WS_UNIVERSE=200
#   API_BENCH_WS_RATE=10 API_BENCH_WS_STEP_FACTOR=1.5 API_BENCH_WS_MAX_RATE=3000 API_BENCH_WS_SECONDS=5
#     the first step's ticks/s, the factor per step, the last rate tried, seconds per step
#   API_BENCH_WS_P99_MS=50   the p99 bound of a sustained step
#   API_BENCH_LAT_RATE=10000 API_BENCH_LAT_SECONDS=10   the latency run's ticks/s and duration
#   API_BENCH_PORT=18180   api; Express, Socket.io and the fan-out ceiling on the next three ports
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD="$(cd "${1:?usage: bench/api_bench.sh BUILD_DIR}" && pwd -P)"
cd "$ROOT"

WRK_ARGS="${API_BENCH_WRK:--t2 -c64 -d8s}"
REST_ROUNDS="${API_BENCH_REST_ROUNDS:-3}"
WS_CONNECTIONS="${API_BENCH_WS_CONNECTIONS:-10000}"
WS_SYMBOLS="${API_BENCH_WS_SYMBOLS:-20}"
WS_UNIVERSE="${API_BENCH_WS_UNIVERSE:-200}"
WS_RATE="${API_BENCH_WS_RATE:-10}"
WS_STEP_FACTOR="${API_BENCH_WS_STEP_FACTOR:-1.5}"
WS_MAX_RATE="${API_BENCH_WS_MAX_RATE:-3000}"
WS_SECONDS="${API_BENCH_WS_SECONDS:-5}"
WS_P99_MS="${API_BENCH_WS_P99_MS:-50}"
LAT_RATE="${API_BENCH_LAT_RATE:-10000}"
LAT_SECONDS="${API_BENCH_LAT_SECONDS:-10}"
API_PORT_BENCH="${API_BENCH_PORT:-18180}"
EXPRESS_PORT=$((API_PORT_BENCH + 1))
SOCKETIO_PORT=$((API_PORT_BENCH + 2))
CEILING_PORT=$((API_PORT_BENCH + 3))

say() { printf 'api_bench: %s\n' "$*" >&2; }
for tool in wrk node npm curl; do
  command -v "$tool" > /dev/null || { say "$tool is missing (scripts/install-deps.sh)"; exit 1; }
done
for port in "$API_PORT_BENCH" "$EXPRESS_PORT" "$SOCKETIO_PORT" "$CEILING_PORT"; do
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
# The REST rows read data of their own: ten companies BENCH0..BENCH9 (sector
# "Benchmark"), two months of ticks every 10 s and their 5-minute candles for
# BENCH0, and a day of minute ticks for the others (so every quote exists).
# Seeded before the servers start (both seed their quotes from the database)
# and deleted on exit, so a user's own data is never read or changed and a
# fresh machine measures the same rows as a used one.
BENCH_FROM="2026-08-20 00:00:00+00"
BENCH_TO="2026-10-20 00:00:00+00"
unseed() {
  psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 -c "
    DELETE FROM stock_prices WHERE symbol ~ '^BENCH[0-9]\$' AND source = 'bench';
    DELETE FROM price_candles WHERE symbol ~ '^BENCH[0-9]\$';
    DELETE FROM companies WHERE symbol ~ '^BENCH[0-9]\$' AND sector = 'Benchmark';" > /dev/null
}
seed() {
  unseed
  psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 > /dev/null <<SQL
SELECT ensure_stock_price_partitions('$BENCH_FROM', '$BENCH_TO');
INSERT INTO companies (symbol, name, sector)
  SELECT 'BENCH' || i, 'Benchmark company ' || i, 'Benchmark' FROM generate_series(0, 9) i;
INSERT INTO stock_prices (symbol, ts, price, volume, source, src_partition, src_offset)
  SELECT 'BENCH0', t, round((100 + 10 * sin(n / 5000.0))::numeric, 4), 100 + n % 900, 'bench', 0, n
  FROM generate_series(timestamptz '$BENCH_FROM', timestamptz '$BENCH_TO', interval '10 seconds')
       WITH ORDINALITY AS g(t, n);
INSERT INTO stock_prices (symbol, ts, price, volume, source, src_partition, src_offset)
  SELECT 'BENCH' || i, t, 50 + i + (n % 100) / 100.0, 100, 'bench', 0, n
  FROM generate_series(1, 9) i,
       generate_series(timestamptz '$BENCH_TO' - interval '1 day', timestamptz '$BENCH_TO', interval '1 minute')
       WITH ORDINALITY AS g(t, n);
INSERT INTO price_candles (symbol, interval, bucket_start, open, high, low, close, volume, vwap, tick_count, is_final)
  SELECT 'BENCH0', '5m', date_bin('5 minutes', ts, timestamptz '2000-01-01'),
         (array_agg(price ORDER BY ts))[1], max(price), min(price), (array_agg(price ORDER BY ts DESC))[1],
         sum(volume), sum(price * volume) / sum(volume), count(*), true
  FROM stock_prices WHERE symbol = 'BENCH0' AND source = 'bench' GROUP BY 3;
ANALYZE stock_prices;
ANALYZE price_candles;
SQL
}
cleanup() {
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  unseed || true
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

say "seeding the REST rows' data (companies BENCH0..BENCH9)"
seed
say "starting stocktracker api (:$API_PORT_BENCH) and the Express baseline (:$EXPRESS_PORT)"
start_api
start_express

# The same request on both: the ten seeded symbols, and the first one's
# history up to its newest stored tick when the run starts (so ticks other
# programs store meanwhile do not change the answer).
SYMBOLS="BENCH0,BENCH1,BENCH2,BENCH3,BENCH4,BENCH5,BENCH6,BENCH7,BENCH8,BENCH9"
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
cpu_ticks() {  # cpu_ticks PID: user + system clock ticks of the process so far
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}
run_wrk() {  # run_wrk URL PID -> "requests/s p50_ms p99_ms errors requests_per_server_cpu_s"
  local out c0 c1
  wrk -t2 -c16 -d2s "$1" > /dev/null  # warm-up: pools, caches, JIT
  c0="$(cpu_ticks "$2")"
  # shellcheck disable=SC2086
  out="$(wrk $WRK_ARGS --latency "$1")"
  c1="$(cpu_ticks "$2")"
  local rps p50 p99 errors per_cpu
  rps="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<< "$out")"
  p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' <<< "$out")")"
  p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<< "$out")")"
  errors="$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; ++i) n += $i } END { print n + 0 }' <<< "$out")"
  # Requests per CPU-second of the server process alone: what the shared,
  # noisy cores do not change much (the client and other programs are not in it).
  per_cpu="$(awk -v n="$(awk '/requests in/ { print $1 }' <<< "$out")" -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN { if (t > 0) printf "%.0f", n / (t / hz); else print 0 }')"
  echo "$rps $p50 $p99 $errors $per_cpu"
}
median_row() {  # median_row "ROW" "ROW" ...: the median of each figure, errors summed
  printf '%s\n' "$@" | python3 -c '
import statistics, sys
rows = [[float(x) for x in line.split()] for line in sys.stdin if line.strip()]
cols = list(zip(*rows))
out = [statistics.median(c) for c in cols]
out[3] = sum(cols[3])
print(" ".join(f"{v:.0f}" if i in (0, 3, 4) else f"{v:.2f}" for i, v in enumerate(out)))'
}

# Each endpoint in REST_ROUNDS rounds, the two servers alternating which
# goes first, and the median of each figure: one 8 s run on cores shared
# with the client and other programs varies by 2x from run to run.
declare -A REST
for e in "${ENDPOINTS[@]}"; do
  name="${e%%|*}"
  path="${e#*|}"
  say "wrk $WRK_ARGS, $REST_ROUNDS rounds: $name"
  api_rows=()
  express_rows=()
  for round in $(seq "$REST_ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then
      api_rows+=("$(run_wrk "http://127.0.0.1:$API_PORT_BENCH$path" "$API_PID")")
      express_rows+=("$(run_wrk "http://127.0.0.1:$EXPRESS_PORT$path" "$EXPRESS_PID")")
    else
      express_rows+=("$(run_wrk "http://127.0.0.1:$EXPRESS_PORT$path" "$EXPRESS_PID")")
      api_rows+=("$(run_wrk "http://127.0.0.1:$API_PORT_BENCH$path" "$API_PID")")
    fi
  done
  REST["$name|api"]="$(median_row "${api_rows[@]}")"
  REST["$name|express"]="$(median_row "${express_rows[@]}")"
done
LOAD_REST="$(uptime | sed 's/.*load average: //')"
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
# Latency first, on a quiet api: 20 clients x 50 disjoint symbols (each of
# the 1,000 symbols' ticks goes to one client), beside a bare consumer.
say "ws_load --mode latency against api: --rate $LAT_RATE --seconds $LAT_SECONDS"
ST_WS_TOKEN="$TOKEN" "$BUILD/bench/ws_load" --mode latency --port "$API_PORT_BENCH" --server-pid "$API_PID" \
  --connections 20 --symbols 50 --rate "$LAT_RATE" --seconds "$LAT_SECONDS" --prefix WSL > "$WORK/ws_latency.json"
WS_ARGS=(--connections "$WS_CONNECTIONS" --symbols "$WS_SYMBOLS" --universe "$WS_UNIVERSE" --seconds "$WS_SECONDS"
  --rate "$WS_RATE" --step-factor "$WS_STEP_FACTOR" --max-rate "$WS_MAX_RATE" --p99-ms "$WS_P99_MS")
say "ws_load against api: ${WS_ARGS[*]}"
ST_WS_TOKEN="$TOKEN" "$BUILD/bench/ws_load" --port "$API_PORT_BENCH" --server-pid "$API_PID" "${WS_ARGS[@]}" \
  --prefix WSB > "$WORK/ws_api.json"
stop_pid "$API_PID"

(cd bench/baselines/socketio && JWT_SECRET="$JWT_SECRET_BENCH" PORT="$SOCKETIO_PORT" exec node server.js) \
  > "$WORK/socketio.log" 2>&1 &
SOCKETIO_PID=$!
PIDS+=("$SOCKETIO_PID")
for _ in $(seq 300); do grep -q listening "$WORK/socketio.log" && break; sleep 0.1; done
grep -q listening "$WORK/socketio.log" || { say "the Socket.io baseline did not start: $(cat "$WORK/socketio.log")"; exit 1; }
say "Socket.io load client: ${WS_ARGS[*]}"
ST_WS_TOKEN="$TOKEN" node bench/baselines/socketio/load.js --port "$SOCKETIO_PORT" --server-pid "$SOCKETIO_PID" \
  "${WS_ARGS[@]}" --prefix SIO > "$WORK/ws_socketio.json"
stop_pid "$SOCKETIO_PID"

# The bare fan-out ceiling: the same connections, symbols, frames and steps,
# the ticks generated by the server itself (no Kafka), no JSON work, no
# queues; one thread per core.
"$BUILD/bench/ws_ceiling" --port "$CEILING_PORT" --threads "$(nproc)" > "$WORK/ceiling.log" 2>&1 &
CEILING_PID=$!
PIDS+=("$CEILING_PID")
for _ in $(seq 50); do grep -q listening "$WORK/ceiling.log" && break; sleep 0.1; done
grep -q listening "$WORK/ceiling.log" || { say "ws_ceiling did not start: $(cat "$WORK/ceiling.log")"; exit 1; }
say "ws_load --source server against the bare fan-out ceiling: ${WS_ARGS[*]}"
"$BUILD/bench/ws_load" --source server --port "$CEILING_PORT" --server-pid "$CEILING_PID" "${WS_ARGS[@]}" \
  --prefix WSC > "$WORK/ws_ceiling.json"
stop_pid "$CEILING_PID"

# ---- the report ----
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "n/a" }'; }

echo "## api: REST and WebSocket against Express 5 and Socket.io"
echo
echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), load average at the start of the WebSocket part: $LOAD_LAST; PostgreSQL 15 and Kafka 3.9 on loopback; by \`bench/api_bench.sh\` (\`make bench\`)."
echo
echo "**REST.** \`stocktracker api\` ($(basename "$BUILD") build) and the Express 5 + \`pg\` baseline (bench/baselines/express, one Node $(node --version) process, a pool of 8 connections like the api's) on the same database (~$STORED_ROWS rows in \`stock_prices\`), each answer checked equal first. \`wrk $WRK_ARGS --latency\` after a 2 s warm-up, the client on the same 2 cores, $REST_ROUNDS rounds per endpoint with the servers alternating which goes first; each figure is the median of its rounds (errors: the sum), load average at the end of the REST part: $LOAD_REST. Errors are non-2xx answers plus wrk's socket errors (a request over its 2 s timeout counts). Requests per server CPU-second: requests answered over the user + system CPU time of the server process during the run (/proc), which the load of the shared cores changes less than requests/s."
echo
echo "| endpoint | api req/s | Express req/s | api ÷ Express | api p50 / p99 ms | Express p50 / p99 ms | errors (api / Express) | req per server CPU-s (api / Express) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for e in "${ENDPOINTS[@]}"; do
  name="${e%%|*}"
  read -r a_rps a_p50 a_p99 a_err a_cpu <<< "${REST["$name|api"]}"
  read -r x_rps x_p50 x_p99 x_err x_cpu <<< "${REST["$name|express"]}"
  echo "| $name: \`${e#*|}\` | $a_rps | $x_rps | **$(ratio "$a_rps" "$x_rps")** | $a_p50 / $a_p99 | $x_p50 / $x_p99 | $a_err / $x_err | $a_cpu / $x_cpu ($(ratio "$a_cpu" "$x_cpu")) |"
done
echo
echo "Targets (TARGETS.md): latest quotes ≥ 10× Express; price history ≥ 3× Express at equal or lower p99."
echo
echo "**WebSocket capacity.** $WS_CONNECTIONS connections × $WS_SYMBOLS symbols (of $WS_UNIVERSE; $((WS_CONNECTIONS * WS_SYMBOLS / WS_UNIVERSE)) followers per symbol, so each tick is $((WS_CONNECTIONS * WS_SYMBOLS / WS_UNIVERSE)) messages), one server at a time. Ticks are produced to \`stock-prices\` in steps of $WS_SECONDS s, from $WS_RATE ticks/s up by ×$WS_STEP_FACTOR a step, while they are *sustained* (at least 98% of the expected messages delivered, with p99 ≤ $WS_P99_MS ms), stopping at missing messages, at two unsustained steps in a row or past $WS_MAX_RATE ticks/s; a server's capacity is its best sustained step. \`api\`'s /ws with bench/ws_load.cpp (one C++ thread); the Socket.io 4 baseline (bench/baselines/socketio: a room per symbol, the same access token checked, ticks read from the same topic) with its load client (bench/baselines/socketio/load.js, socket.io-client on 2 worker threads, the same steps and figures). Latency: from the produce call to arrival at the client, through Kafka (the send time travels in the tick, µs resolution); a late message counts for the step that sent it. Delivered/s: the step's messages over its $WS_SECONDS s. The api conflates ticks per symbol for a client that falls behind, so its shortfall shows as fewer messages; Socket.io queues them, so its shows as latency. Server CPU: user + system seconds of the server process during the step (/proc)."
echo
json_steps() {  # json_steps FILE SERVER: one table row per step
  python3 - "$1" "$2" << 'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for s in r["steps"]:
    pct = 100 * s["delivered"] / s["expected"] if s["expected"] else 0
    per_cpu = s["delivered"] / s["server_cpu_s"] if s["server_cpu_s"] > 0 else 0
    print(f"| {sys.argv[2]} | {s['ticks_per_s']:.0f} | {s['delivered_per_s']:.0f} | {pct:.0f}% | {s['latency_ms_p50']} | {s['latency_ms_p99']} | {s['latency_ms_max']} | {s['server_cpu_s']} | {per_cpu:.0f} | {'yes' if s['sustained'] else '**no**'} |")
PY
}
echo "| server | ticks/s | delivered msgs/s | of expected | p50 ms | p99 ms | max ms | server CPU s | msgs per server CPU-s | sustained |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
json_steps "$WORK/ws_api.json" "stocktracker api"
json_steps "$WORK/ws_socketio.json" "Socket.io"
CEILING_NAME="bare fan-out ceiling (no Kafka, no JSON, no queues)"
json_steps "$WORK/ws_ceiling.json" "$CEILING_NAME"
echo
A="$WORK/ws_api.json"
S="$WORK/ws_socketio.json"
C="$WORK/ws_ceiling.json"
echo "| server | connected | capacity: delivered msgs/s | at ticks/s | p99 ms there |"
echo "|---|---:|---:|---:|---:|"
for row in "stocktracker api|$A" "Socket.io|$S" "$CEILING_NAME|$C"; do
  f="${row#*|}"
  if [ "$(field "$f" max_sustained_ticks_per_s)" = 0 ]; then
    echo "| ${row%%|*} | $(field "$f" connected) / $(field "$f" connections) | none: no step sustained | | |"
  else
    echo "| ${row%%|*} | $(field "$f" connected) / $(field "$f" connections) | $(field "$f" max_sustained_delivered_per_s) | $(field "$f" max_sustained_ticks_per_s) | $(field "$f" max_sustained_latency_ms_p99) |"
  fi
done
echo
echo "- api ÷ Socket.io, most delivered messages/s sustained at p99 ≤ $WS_P99_MS ms: **$(ratio "$(field "$A" max_sustained_delivered_per_s)" "$(field "$S" max_sustained_delivered_per_s)")**$(awk -v r="$(field "$A" max_sustained_ticks_per_s)" -v m="$WS_MAX_RATE" -v f="$WS_STEP_FACTOR" 'BEGIN { if (r * f > m) print " (the api sustained the last rate tried: its capacity is at least this; raise API_BENCH_WS_MAX_RATE)" }')"
echo "- against what this machine allows at all (the bare fan-out ceiling's capacity): api ÷ ceiling **$(ratio "$(field "$A" max_sustained_delivered_per_s)" "$(field "$C" max_sustained_delivered_per_s)")**, Socket.io ÷ ceiling **$(ratio "$(field "$S" max_sustained_delivered_per_s)" "$(field "$C" max_sustained_delivered_per_s)")**. The ceiling (bench/ws_ceiling.cpp) is the same fan-out written as leanly as we can: plain epoll, one thread per core, the ticks generated in-process at each step's rate (no Kafka), each tick's frame encoded once and written with one send() per connection, no authentication, queue, conflation, rate limit or keep-alive; read by the same client (ws_load \`--source server\`) under the same sustained rule. Its server CPU per message is the loopback TCP cost of one small write, which the other servers pay too: the client and the server share the same $(nproc) cores."
echo
echo "Memory with $WS_CONNECTIONS idle connections (server RSS before the clients connect and once all are subscribed):"
echo
echo "| server | RSS before | RSS with idle connections | per idle connection |"
echo "|---|---:|---:|---:|"
for row in "stocktracker api|$A" "Socket.io|$S"; do
  f="${row#*|}"
  echo "| ${row%%|*} | $(awk -v k="$(field "$f" server_rss_kib_before)" 'BEGIN { printf "%.1f MiB", k / 1024 }') | $(awk -v k="$(field "$f" server_rss_kib_idle)" 'BEGIN { printf "%.1f MiB", k / 1024 }') | $(field "$f" idle_kib_per_connection) KiB |"
done
echo
echo "Targets (TARGETS.md): ≥ 10× Socket.io's delivered messages/s, p99 ≤ 50 ms, ≤ 20 KiB per idle client."
echo
L="$WORK/ws_latency.json"
echo "**WebSocket latency.** $(field "$L" ticks_per_s) ticks/s for $LAT_SECONDS s over 1,000 symbols, produced to \`stock-prices\` (librdkafka, linger.ms=0); 20 clients of the api's /ws follow 50 disjoint symbols each, so every tick goes to one client; in the same run a bare librdkafka consumer (assigned at the topic's end, no group, read_committed and fetch.wait.max.ms=50 like the api's reader) reads the same ticks. Both latencies run from the produce call to arrival, µs resolution (bench/ws_load.cpp \`--mode latency\`)."
echo
echo "| path | received | p50 ms | p99 ms | max ms |"
echo "|---|---:|---:|---:|---:|"
echo "| produce → bare Kafka consumer (baseline) | $(field "$L" kafka_delivered) / $(field "$L" ticks_produced) | $(field "$L" kafka_latency_ms_p50) | $(field "$L" kafka_latency_ms_p99) | $(field "$L" kafka_latency_ms_max) |"
echo "| produce → api → WebSocket client | $(field "$L" ws_delivered) / $(field "$L" ticks_produced) | $(field "$L" ws_latency_ms_p50) | $(field "$L" ws_latency_ms_p99) | $(field "$L" ws_latency_ms_max) |"
echo
echo "- WebSocket p99 − baseline p99: **$(awk -v a="$(field "$L" ws_latency_ms_p99)" -v b="$(field "$L" kafka_latency_ms_p99)" 'BEGIN { printf "%+.2f ms", a - b }')**; WebSocket p50 **$(field "$L" ws_latency_ms_p50) ms**. Target (TARGETS.md): p99 ≤ baseline + 5 ms; p50 ≤ 2 ms. (A client receives fewer ticks than were produced when two ticks of a symbol reach its queue before the first is written: the newer replaces the older, by design.)"
echo
echo "Where the baselines differ from the api: Express runs as one Node process (the api has 4 server threads); it caches company look-ups in a Map that is never invalidated (the api's cache rechecks the companies' version once a second) and follows \`stock-prices\` in a fresh kafkajs consumer group started at the end (kafkajs has no group-less assignment), after seeding its quotes with the api's query. For ticks Express runs the one query over the whole range as \`pg\` sends it (an unnamed statement, so PostgreSQL plans it for this request's values across every monthly partition of \`stock_prices\`, and reads the newest rows of each partition the range covers); the api reads the month before \`to\` (or before the symbol's latest quote) first and the older partitions only when that month holds fewer than \`limit\` rows, each with a generic plan pruned at run time (services/api/ticks_query.hpp): the same rows, so part of its lead there is that query plan, not the server. Socket.io checks the token's signature, algorithm, issuer, audience and expiry but not the Redis deny-list, has no per-connection conflating queue, message-rate limit or slow-client cut-off (its writes queue without bound), and keeps its own 25 s heartbeat; the api does all of these."
echo
echo "Run this part alone (the servers up: \`scripts/services.sh up\`, then \`. scripts/env.sh\`): \`bench/api_bench.sh build/release\`; it starts and stops its own api (port 18180, \`API_BENCH_PORT\`), Express, Socket.io and fan-out ceiling servers, runs \`npm ci\` in the baselines when their lock files changed, and takes about 7 minutes. \`API_BENCH_WRK\` (wrk's \`-t -c -d\`), \`API_BENCH_WS_CONNECTIONS\`, \`API_BENCH_WS_SYMBOLS\`, \`API_BENCH_WS_UNIVERSE\`, \`API_BENCH_WS_RATE\`, \`API_BENCH_WS_STEP_FACTOR\`, \`API_BENCH_WS_MAX_RATE\`, \`API_BENCH_WS_SECONDS\`, \`API_BENCH_WS_P99_MS\`, \`API_BENCH_LAT_RATE\` and \`API_BENCH_LAT_SECONDS\` change the load."
