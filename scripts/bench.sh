#!/usr/bin/env bash
# `make bench`: start the servers, run the benchmarks, write docs/benchmarks.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD="${1:?usage: scripts/bench.sh BUILD_DIR}"
cd "$ROOT"
scripts/services.sh up
trap 'scripts/services.sh down' EXIT
# shellcheck source=scripts/env.sh
. scripts/env.sh
"$BUILD/app/stocktracker" migrate
"$BUILD/app/stocktracker" topics

OUT="$(mktemp)"
# The core alone first, while the machine is quiet: after the load tests the
# broker and PostgreSQL (autovacuum of the API rows' data) keep a core busy
# for a while, which cost this one-core figure up to a third.
echo "## process: the core alone (no Kafka)" >> "$OUT"
echo >> "$OUT"
echo '`services/process/processor_bench` (Google Benchmark, one core): decode + windows + rules per tick.' >> "$OUT"
echo >> "$OUT"
echo '```' >> "$OUT"
"$BUILD/services/process/processor_bench" --benchmark_min_time=1 2>/dev/null | grep -E '^(BM_|Benchmark)' > /tmp/processor_bench.txt
cat /tmp/processor_bench.txt >> "$OUT"
echo '```' >> "$OUT"
# process_bench sets the core's rate (50 symbols x 10 users) beside what the
# bare consume loop costs, for the lower bound it reports.
CORE_TICKS_PER_S="$(sed -n 's|^BM_ProcessorTicks/50/10 .*items_per_second=\([0-9.]*\)M/s.*|\1|p' /tmp/processor_bench.txt | awk '{printf "%.0f", $1 * 1e6}')"
export CORE_TICKS_PER_S
KAFKA_PID="$(cat var/kafka/kafka.pid)"
export KAFKA_PID
echo 'Target (TARGETS.md): ≥ 3,000,000 ticks/s on one core.' >> "$OUT"
"$BUILD/bench/store_bench" "$BUILD/app/stocktracker" >> "$OUT"
# The Flink 2.x baseline (bench/baselines/flink), run by process_bench over
# the same records. Skipped, with the reason in the report, when Maven or
# Java is missing or the build fails (e.g. Maven Central unreachable).
FLINK_DIR="$ROOT/bench/baselines/flink"
unset FLINK_BASELINE_CLASSPATH FLINK_BASELINE_SKIPPED
if ! command -v mvn > /dev/null || ! command -v java > /dev/null; then
  export FLINK_BASELINE_SKIPPED="mvn or java is not installed"
elif (cd "$FLINK_DIR" && mvn -q -B package -DskipTests > /tmp/flink_baseline_build.log 2>&1); then
  export FLINK_BASELINE_CLASSPATH="$FLINK_DIR/target/classes:$FLINK_DIR/target/lib/*"
else
  export FLINK_BASELINE_SKIPPED="its Maven build failed: $(grep -m1 -E '\[ERROR\]' /tmp/flink_baseline_build.log | cut -c1-200)"
fi
"$BUILD/bench/process_bench" "$BUILD/app/stocktracker" >> "$OUT"
"$BUILD/bench/ingest_bench" >> "$OUT"
"$BUILD/bench/alert_latency_bench" "$BUILD/app/stocktracker" >> "$OUT"
"$BUILD/bench/state_bench" >> "$OUT"
# The API against Express 5 + pg and Socket.io (bench/baselines/express, socketio).
bench/api_bench.sh "$BUILD" >> "$OUT"
{
  echo "# Benchmarks"
  echo
  echo "Every figure is a ratio against a baseline measured in the same run, on the"
  echo "same machine, with the same data. Regenerate with \`make bench\`."
  echo
  cat "$OUT"
} > docs/benchmarks.md
rm -f "$OUT"
echo "bench: wrote docs/benchmarks.md"
cat docs/benchmarks.md
