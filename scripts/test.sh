#!/usr/bin/env bash
# `make test`: unit tests, the sanitizer build of the unit tests, then the
# integration tests against the real PostgreSQL, Redis and Kafka started here.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD="${1:?usage: scripts/test.sh BUILD_DIR ASAN_BUILD_DIR}"
ASAN="${2:?usage: scripts/test.sh BUILD_DIR ASAN_BUILD_DIR}"
cd "$ROOT"

echo "test: unit tests"
ctest --test-dir "$BUILD" -L unit --output-on-failure

echo "test: dashboard unit tests (vitest)"
(cd web && npx vitest run)

echo "test: unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$ASAN" -L unit --output-on-failure

echo "test: integration tests against the real servers"
scripts/services.sh up
trap 'scripts/services.sh down' EXIT
# shellcheck source=scripts/env.sh
. scripts/env.sh
# The venv of the API contract test (schemathesis from PyPI), made once.
scripts/pyenv.sh > /dev/null
ctest --test-dir "$BUILD" -L itest --output-on-failure
