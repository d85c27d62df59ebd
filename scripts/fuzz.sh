#!/usr/bin/env bash
# `make fuzz`: every libFuzzer target of tests/fuzz (built in BUILD_DIR by the
# `fuzz` preset, ASan+UBSan) for FUZZ_SECONDS each, one process per target,
# FUZZ_JOBS at a time. Each run starts from a fresh copy of the committed
# seeds (tests/fuzz/corpus/<target>, plus the project's own test data where
# it fits) in var/fuzz/<target>/corpus; crash inputs land in
# var/fuzz/<target>/. Writes docs/fuzzing.md (executions, exec/s, coverage,
# corpus, crashes per target) and exits non-zero if any target crashed.
#
# Environment: FUZZ_SECONDS (default 600: 10 CPU-minutes per target, one
# core each), FUZZ_JOBS (2), FUZZ_RSS_MB (1024, libFuzzer's -rss_limit_mb),
# FUZZ_TARGETS (default all, e.g. FUZZ_TARGETS="jwt tick").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD="${1:?usage: scripts/fuzz.sh BUILD_DIR}"
cd "$ROOT"
BIN="$(cd "$BUILD" && pwd -P)/tests/fuzz"

SECONDS_EACH="${FUZZ_SECONDS:-600}"
JOBS="${FUZZ_JOBS:-2}"
RSS_MB="${FUZZ_RSS_MB:-1024}"
[[ "$SECONDS_EACH" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: FUZZ_SECONDS must be a positive integer" >&2; exit 2; }
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: FUZZ_JOBS must be a positive integer" >&2; exit 2; }

# target|what it reads|its dictionary (tests/fuzz/)
TARGETS=(
  "tick|stock-prices messages: the exact-layout scanner, the SAX reader and the full reader agree; encode round trip|json.dict"
  "market_messages|news-articles, news-scored, economic-indicators, price-candles-5m/-1h/-1d; encode round trip|json.dict"
  "alert_messages|stock-alerts, notifications, user-preferences (encode round trip), alert-rule params of every kind|json.dict"
  "api_bodies|REST bodies: register, login, refresh, logout, preferences PUT (round trip), alert rule create/update, notifications read, push subscription|json.dict"
  "ws_client_message|/ws client messages (subscribe, unsubscribe, ping) and the frames answered|json.dict"
  "http_target|request target: url_decode of path and query (round trip), router matching, 404/405 bodies|http.dict"
  "jwt|access tokens: TokenService::verify on raw tokens and on headers and claims signed with the key (fixed secret and clock)|jwt.dict"
  "replay_csv|price CSV files: RFC 4180 reader, layout detection, times and numbers, rows as ticks|csv.dict"
  "provider_responses|answers of Alpha Vantage, Yahoo Finance, News API, FRED: what ingest publishes is valid for its topic|json.dict"
  "scraper|robots.txt files and patterns, news pages (gumbo, then title, time and paragraphs by default or by a site rule)|html.dict"
  "push_subscription|a browser's push subscription as notify uses it: p256dh and auth keys (RFC 8291 encryption), endpoint (VAPID audience)|push.dict"
)
if [[ -n "${FUZZ_TARGETS:-}" ]]; then
  selected=()
  for entry in "${TARGETS[@]}"; do
    [[ " $FUZZ_TARGETS " == *" ${entry%%|*} "* ]] && selected+=("$entry")
  done
  ((${#selected[@]})) || { echo "fuzz: FUZZ_TARGETS names no target ($FUZZ_TARGETS)" >&2; exit 2; }
  TARGETS=("${selected[@]}")
fi
for entry in "${TARGETS[@]}"; do
  [[ -x "$BIN/fuzz_${entry%%|*}" ]] || { echo "fuzz: $BIN/fuzz_${entry%%|*} is not built" >&2; exit 2; }
done

# Stacks with function names and lines: the sanitizers find no symbolizer
# through Debian's llvm-symbolizer symlink, so they are given its target.
if sym="$(command -v llvm-symbolizer-19 || command -v llvm-symbolizer)"; then
  export ASAN_SYMBOLIZER_PATH="$(readlink -f "$sym")"
fi

WORK="$ROOT/var/fuzz"
STARTED="$(date -u '+%Y-%m-%d %H:%M UTC')"
LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"

# The recorded provider answers of tests/data/providers, each behind the
# selector byte of provider_responses_fuzz.cpp that reads it as ingest does
# (reader in the low four bits, symbol in bits 4-5, series in the high four).
provider_seeds() {
  local out="$1" f byte
  for f in tests/data/providers/*/*; do
    case "${f#tests/data/providers/}" in
      alphavantage/GLOBAL_QUOTE_AAPL.json) byte=10 ;;
      alphavantage/GLOBAL_QUOTE_MSFT.json) byte=20 ;;
      alphavantage/TIME_SERIES_INTRADAY_*) byte=01 ;;
      alphavantage/TIME_SERIES_DAILY_*) byte=02 ;;
      alphavantage/NEWS_SENTIMENT.json) byte=03 ;;
      alphavantage/CPI.json) byte=14 ;;
      alphavantage/TREASURY_YIELD.json) byte=a4 ;;
      alphavantage/OVERVIEW_*|alphavantage/overview_*) byte=05 ;;
      alphavantage/*) byte=00 ;;
      yahoo/chart_AAPL_*) byte=16 ;;
      yahoo/chart_MSFT_*) byte=26 ;;
      yahoo/*) byte=06 ;;
      newsapi/*) byte=07 ;;
      fred/observations_DGS10.json) byte=a8 ;;
      fred/*) byte=18 ;;
    esac
    { printf "\\x$byte"; cat "$f"; } >"$out/$(basename "$(dirname "$f")")_$(basename "$f")"
  done
}

# The pages of tests/data/html for scraper_fuzz.cpp: robots.txt behind 0,
# pages behind 2 (the defaults) and the site rule page behind 3 and its rule.
scraper_seeds() {
  local out="$1" f
  { printf '\x00'; cat tests/data/html/robots_example.txt; } >"$out/robots_example.txt"
  printf '\x01/news/*.html$\n/news/2024/a.html' >"$out/pattern"
  for f in tests/data/html/*.html; do
    { printf '\x02'; cat "$f"; } >"$out/$(basename "$f")"
  done
  { printf '\x03finance.example.com title=h2.story-headline text=div.story-body div.para time=span.story-date\n'
    cat tests/data/html/site_rule.html; } >"$out/site_rule_with_rule.html"
}

# One target: fresh corpus, run, then one result line:
# executions|exec/s|cov|ft|corpus files|corpus bytes|crash file or -|reason
run_target() {
  local name="$1" dict="$2"
  local dir="$WORK/$name"
  rm -rf "$dir"
  mkdir -p "$dir/corpus"
  if [[ -d "tests/fuzz/corpus/$name" ]]; then cp "tests/fuzz/corpus/$name/"* "$dir/corpus/"; fi
  # The project's own data as extra seeds.
  case "$name" in
    # Its first lines only: the largest seed sets how long libFuzzer's inputs
    # may grow, and 22 KB inputs would run ten times fewer executions.
    replay_csv) head -n 40 tests/data/sentiment_headlines.csv >"$dir/corpus/sentiment_headlines.csv" ;;
    provider_responses) provider_seeds "$dir/corpus" ;;
    scraper) scraper_seeds "$dir/corpus" ;;
  esac
  local status=0
  UBSAN_OPTIONS=print_stacktrace=1 "$BIN/fuzz_$name" "$dir/corpus" -dict="tests/fuzz/$dict" \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb="$RSS_MB" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$dir/" >"$dir/log" 2>&1 || status=$?
  local execs rate cov ft files bytes crash="-" reason="-"
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -1)"
  cov="$(grep -o 'cov: [0-9]*' "$dir/log" | tail -1 | cut -d' ' -f2)"
  ft="$(grep -o 'ft: [0-9]*' "$dir/log" | tail -1 | cut -d' ' -f2)"
  files="$(find "$dir/corpus" -type f | wc -l)"
  bytes="$(du -sb "$dir/corpus" | cut -f1)"
  if ((status != 0)); then
    crash="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$dir/log" | head -1)"
    crash="${crash#"$ROOT/"}"
    [[ -n "$crash" ]] || crash="(exit $status, no input saved: see ${dir#"$ROOT/"}/log)"
    reason="$(grep -m1 -E 'invariant broken:|^SUMMARY: |ERROR: libFuzzer: ' "$dir/log" | sed 's/^SUMMARY: //; s/|/\//g' | cut -c1-200)"
  fi
  echo "${execs:-0}|${rate:-0}|${cov:-0}|${ft:-0}|$files|$bytes|$crash|${reason:--}" >"$dir/result"
  echo "fuzz: $name: ${execs:-0} runs, ${rate:-0} exec/s, cov ${cov:-0}, ft ${ft:-0}, corpus $files files$([[ "$crash" == - ]] || echo ", CRASH $crash")"
}

mkdir -p "$WORK"
echo "fuzz: ${#TARGETS[@]} targets, ${SECONDS_EACH}s each, $JOBS at a time"
running=0
for entry in "${TARGETS[@]}"; do
  IFS='|' read -r name _ dict <<<"$entry"
  if ((running >= JOBS)); then
    wait -n || true
    running=$((running - 1))
  fi
  run_target "$name" "$dict" &
  running=$((running + 1))
done
wait

crashed=0
{
  cat <<EOF
# Fuzzing

Every parser of outside input under libFuzzer with AddressSanitizer and
UndefinedBehaviorSanitizer (TARGETS.md, Safety: "0 crashes in 10 CPU-minutes
each"). Written by \`make fuzz\` (\`scripts/fuzz.sh\`); the targets are in
\`tests/fuzz/\`, one file each, built by the \`fuzz\` CMake preset (clang 19)
in \`build/fuzz\`.

Last run: $STARTED, $(nproc) cores, load $LOAD at the start, ${SECONDS_EACH} s per
target (one process, one core each), $JOBS targets at a time, each from the
committed seeds (\`tests/fuzz/corpus/<target>\`).

| target | what it reads and checks | executions | exec/s | cov | ft | corpus (files / bytes) | crashes |
| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |
EOF
  for entry in "${TARGETS[@]}"; do
    IFS='|' read -r name what _ <<<"$entry"
    if [[ -f "$WORK/$name/result" ]]; then
      IFS='|' read -r execs rate cov ft files bytes crash reason <"$WORK/$name/result"
    else  # the run itself failed before libFuzzer started
      execs=0 rate=0 cov=0 ft=0 files=0 bytes=0 crash="(did not run)" reason="see var/fuzz/$name"
    fi
    if [[ "$crash" == - ]]; then
      result=0
    else
      result="1: \`$crash\` ($reason)"
      crashed=$((crashed + 1))
    fi
    echo "| \`$name\` | $what | $execs | $rate | $cov | $ft | $files / $bytes | $result |"
  done
  cat <<'EOF'

cov and ft are libFuzzer's final counts of covered code edges and features;
the corpus is what the run kept (var/fuzz/<target>/corpus). Besides crashes
and sanitizer reports, each target checks invariants of its parser (the
fast tick readers agree with the full one bit for bit, an accepted message
encodes to one that decodes to the same value, every error frame and
problem body is JSON, ...: the comment at the top of each target); a broken
invariant aborts and counts as a crash.

## Running and reproducing

```sh
make fuzz                                             # all targets, 600 s each, two at a time
make fuzz FUZZ_SECONDS=60 FUZZ_TARGETS="jwt tick"     # a short run of some targets
```

A crash leaves its input in `var/fuzz/<target>/crash-<sha1>` (or `timeout-`,
`oom-`, `leak-`) and the full report in `var/fuzz/<target>/log`. To
reproduce it, run the target on that one file, which prints the sanitizer
report or the broken invariant with its stack:

```sh
export ASAN_SYMBOLIZER_PATH=$(readlink -f "$(command -v llvm-symbolizer)")    # names and lines in the stacks
build/fuzz/tests/fuzz/fuzz_<target> var/fuzz/<target>/crash-<sha1>
build/fuzz/tests/fuzz/fuzz_<target> -minimize_crash=1 -runs=100000 var/fuzz/<target>/crash-<sha1>   # a smaller input
```

The inputs of targets whose first byte picks the reader or endpoint
(market_messages, alert_messages, api_bodies, http_target, replay_csv:
see each target's switch) carry that byte in front. Fix the product code,
then add the input to the module's unit test (the failure it caused, as a
regression test) and, if it is a useful shape, to `tests/fuzz/corpus/`
(`tests/fuzz/make_seeds.py` writes the committed seeds).
EOF
} >docs/fuzzing.md.tmp
mv docs/fuzzing.md.tmp docs/fuzzing.md
echo "fuzz: wrote docs/fuzzing.md ($crashed of ${#TARGETS[@]} targets crashed)"
((crashed == 0))
