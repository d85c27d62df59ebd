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
"$BUILD/bench/store_bench" "$BUILD/app/stocktracker" > "$OUT"
"$BUILD/bench/process_bench" "$BUILD/app/stocktracker" >> "$OUT"
echo "## process: the core alone (no Kafka)" >> "$OUT"
echo >> "$OUT"
echo '`services/process/processor_bench` (Google Benchmark, one core): decode + windows + rules per tick.' >> "$OUT"
echo >> "$OUT"
echo '```' >> "$OUT"
"$BUILD/services/process/processor_bench" --benchmark_min_time=1 2>/dev/null | grep -E '^(BM_|Benchmark)' >> "$OUT"
echo '```' >> "$OUT"
echo 'Target (TARGETS.md): ≥ 3,000,000 ticks/s on one core.' >> "$OUT"
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
