#!/usr/bin/env bash
# Install the Debian 12 packages Stock Tracker needs to build, test and run its
# local servers. Idempotent: a machine that already has everything does nothing
# and prints one line. Runs apt-get update at most once, and only when
# something is missing. Uses sudo only when not root.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git curl ca-certificates
  iproute2 # ss(8), used by scripts/services.sh to find who holds a port
  openjdk-17-jre-headless maven
  openjdk-17-jdk-headless # javac: bench/baselines/flink (make bench's Flink baseline)
  postgresql-15 postgresql-client-15 redis-server
  librdkafka-dev libpq-dev libhiredis-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsimdjson-dev libspdlog-dev libcli11-dev libcurl4-openssl-dev libjwt-dev libcrypt-dev
  libsodium-dev libgumbo-dev libssl-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-aiosmtpd python3-cryptography wrk # python3: tests/fakes/ (aiosmtpd, cryptography: smtp and push fakes)
  python3-venv # scripts/pyenv.sh: the venv of the API contract test (schemathesis)
  chromium # tests/e2e/dashboard.sh: the dashboard's browser test (driven by playwright-core)
)
# `install-deps.sh fuzz` (make fuzz) adds the fuzzing tool chain: GCC 12 has
# no libFuzzer, and clang 14 cannot compile libstdc++ 12's <expected>, so
# clang 19 from bookworm. Only make fuzz asks for it; make run/test do not.
if [[ "${1:-}" == fuzz ]]; then
  PACKAGES+=(clang-19 libfuzzer-19-dev libclang-rt-19-dev)
fi
# Node.js and npm build the dashboard (web/). A machine that has its own
# (NodeSource, nvm) keeps it; otherwise Debian's Node.js 18, which Vite 6 supports.
if ! command -v npm > /dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

say() { printf 'install-deps: %s\n' "$*"; }
die() { printf 'install-deps: %s\n' "$*" >&2; exit 1; }

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

missing_packages() {
  local p
  for p in "$@"; do
    is_installed "$p" || printf '%s\n' "$p"
  done
}

mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
if ((${#missing[@]} == 0)); then
  say "all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=()
if ((EUID != 0)); then
  command -v sudo >/dev/null 2>&1 || die "not root and sudo is missing; cannot install: ${missing[*]}"
  SUDO=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
log="$(mktemp -t install-deps.XXXXXX.log)"

# Keep the packages' maintainer scripts from starting system-wide services
# (postgresql's main cluster, redis-server) that would sit on 5432/6379:
# a policy-rc.d that denies every start, only for the length of this install,
# and only if the machine has none of its own.
POLICY=/usr/sbin/policy-rc.d
policy_added=0
cleanup() {
  if ((policy_added)); then "${SUDO[@]}" rm -f "$POLICY" || true; fi
  rm -f "$log"
}
trap cleanup EXIT
if [[ ! -e "$POLICY" ]]; then
  printf '#!/bin/sh\n# temporary, written by stock-tracker scripts/install-deps.sh\nexit 101\n' \
    | "${SUDO[@]}" tee "$POLICY" >/dev/null
  "${SUDO[@]}" chmod 0755 "$POLICY"
  policy_added=1
fi

say "installing ${#missing[@]} missing package(s): ${missing[*]}"
if ! "${SUDO[@]}" apt-get update -q >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  die "apt-get update failed; could not install: ${missing[*]}"
fi

# Name packages the archive does not offer at all before trying to install.
unavailable=()
for p in "${missing[@]}"; do
  cand="$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2; exit}')"
  [[ -n "$cand" && "$cand" != "(none)" ]] || unavailable+=("$p")
done
if ((${#unavailable[@]})); then
  die "no installable candidate in the apt sources for: ${unavailable[*]}"
fi

if ! "${SUDO[@]}" apt-get install "${APT_OPTS[@]}" --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
  tail -n 30 "$log" >&2
  mapfile -t still < <(missing_packages "${missing[@]}")
  ((${#still[@]})) || still=("${missing[@]}")
  die "apt-get install failed; could not install: ${still[*]}"
fi

mapfile -t still < <(missing_packages "${missing[@]}")
if ((${#still[@]})); then
  die "still not installed after apt-get install: ${still[*]}"
fi

# If the package's postinst started the system PostgreSQL 15 'main' cluster
# or the system redis-server anyway, stop them (never delete them): the
# project runs its own servers from var/ via scripts/services.sh.
if command -v pg_lsclusters >/dev/null 2>&1; then
  if pg_lsclusters -h 2>/dev/null | awk '$1 == "15" && $2 == "main" && $4 ~ /^online/ {f = 1} END {exit !f}'; then
    say "stopping the system PostgreSQL 15 'main' cluster started by the package"
    "${SUDO[@]}" pg_ctlcluster 15 main stop >/dev/null 2>&1 || say "warning: could not stop the system cluster 15/main"
  fi
fi
sys_redis_pidfile=/run/redis/redis-server.pid
if [[ -r "$sys_redis_pidfile" ]]; then
  pid="$(tr -dc '0-9' <"$sys_redis_pidfile")"
  if [[ -n "$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == redis-server* ]]; then
    say "stopping the system redis-server started by the package (pid $pid)"
    "${SUDO[@]}" kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
fi

say "installed: ${missing[*]}"
