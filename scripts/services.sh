#!/usr/bin/env bash
# Start, stop and report the project's local servers, with all their data
# under var/ of this repository:
#   PostgreSQL 15  127.0.0.1:${PGPORT:-5432}        var/pg
#   Redis          127.0.0.1:${REDIS_PORT:-6379}    var/redis
#   Kafka 3.9.1    127.0.0.1:${KAFKA_PORT:-9092}    var/kafka  (KRaft, controller on
#                  127.0.0.1:${KAFKA_CONTROLLER_PORT:-9093})
#
# Usage: scripts/services.sh up|down|status|restart-kafka
# (restart-kafka stops and starts the broker only: `make chaos`'s broker
# restart row.)
#
# Idempotent: `up` reuses servers it started before (found through their pid
# files) and only starts the missing ones; `down` only ever stops processes
# whose pid file is ours and whose working directory is ours.
# Quiet on success except for short lines prefixed "services:".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
VAR="$ROOT/var"

PGPORT="${PGPORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"

PG_BIN=/usr/lib/postgresql/15/bin
PG_DIR="$VAR/pg"
PG_DATA="$PG_DIR/data"
PG_SOCK="$PG_DIR/run"
PG_LOG="$PG_DIR/log/postgresql.log"

REDIS_DIR="$VAR/redis"
REDIS_PID="$REDIS_DIR/redis.pid"

KAFKA_DIR="$VAR/kafka"
KAFKA_PID="$KAFKA_DIR/kafka.pid"
KAFKA_PROPS="$KAFKA_DIR/server.properties"
KAFKA_LOG="$KAFKA_DIR/logs/server.log"
KAFKA_OUT="$KAFKA_DIR/logs/kafka.out"

say() { printf 'services: %s\n' "$*" 2>/dev/null || true; }
die() { printf 'services: %s\n' "$*" >&2; exit 1; }

# Print the last lines of a log file to stderr (used before die).
show_log() {
  if [[ -r "$1" ]]; then
    printf -- '--- last lines of %s ---\n' "$1" >&2
    tail -n "${2:-20}" "$1" >&2 || true
  fi
}

# ---------------------------------------------------------------- processes

# True when pid $1 is alive and its working directory is $2 (each of our
# servers runs with its own var/ subdirectory as working directory), so a
# recycled pid never makes us reuse or signal someone else's process.
pid_is_ours() {
  local pid="$1" dir="$2" cwd
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || [[ -d "/proc/$pid" ]] || return 1
  cwd="$(readlink "/proc/$pid/cwd" 2>/dev/null)" || return 1
  [[ "$cwd" == "$dir" ]]
}

# First line of a pid file, digits only ("" when missing).
read_pid() {
  [[ -r "$1" ]] || return 0
  head -n 1 "$1" 2>/dev/null | tr -dc '0-9'
}

# True while pid $1 exists and is not a zombie (an exited server whose
# parent has not reaped it yet counts as gone).
proc_running() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z ]]
}

wait_gone() { # pid seconds
  local pid="$1" i
  for ((i = 0; i < $2 * 10; i++)); do
    proc_running "$pid" || return 0
    sleep 0.1
  done
  return 1
}

# --------------------------------------------------------------------- ports

# Describe who listens on TCP port $1 ("" when nobody does).
port_holder() {
  local port="$1" line pid name
  if command -v ss >/dev/null 2>&1; then
    line="$(ss -Hltnp "sport = :$port" 2>/dev/null | head -n 1)"
    [[ -n "$line" ]] || return 0
    pid="$(sed -n 's/.*users:(("[^"]*",pid=\([0-9]*\).*/\1/p' <<<"$line")"
    name="$(sed -n 's/.*users:(("\([^"]*\)",pid=.*/\1/p' <<<"$line")"
    if [[ -n "$pid" ]]; then
      printf 'pid %s, %s' "$pid" "$name"
    else
      printf 'pid unknown'
    fi
  elif (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    printf 'pid unknown'
  fi
}

require_free_port() { # port env-var-name
  local holder
  holder="$(port_holder "$1")"
  [[ -z "$holder" ]] || die "port $1 is taken by another process ($holder) — stop it or set $2"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A server we reuse must listen where this run expects it.
require_same_port() { # name running-port wanted-port env-var-name
  [[ -z "$2" || "$2" == "$3" ]] \
    || die "$1 is already running on port $2, not $4=$3 — run '$0 down' first"
}

pg_running_port() { sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null || true; }
redis_running_port() { sed -n 's/^port //p' "$REDIS_DIR/redis.conf" 2>/dev/null || true; }
kafka_running_port() {
  sed -n 's|^advertised.listeners=PLAINTEXT://127.0.0.1:||p' "$KAFKA_PROPS" 2>/dev/null || true
}

# ---------------------------------------------------------------- PostgreSQL

# When root, the server runs as the `postgres` OS user (initdb and postgres
# refuse to run as root); otherwise as the calling user.
if ((EUID == 0)); then
  PG_OS_USER=postgres
else
  PG_OS_USER="$(id -un)"
fi

as_pg() {
  if ((EUID == 0)); then
    (cd "$PG_DIR" && runuser -u postgres -- "$@")
  else
    (cd "$PG_DIR" && "$@")
  fi
}

pg_pid() {
  local pid
  pid="$(read_pid "$PG_DATA/postmaster.pid")"
  if [[ -n "$pid" ]] && pid_is_ours "$pid" "$PG_DATA"; then
    printf '%s' "$pid"
  fi
}

pg_prepare_dirs() {
  [[ -x "$PG_BIN/postgres" ]] || die "PostgreSQL 15 is not installed ($PG_BIN/postgres missing) — run scripts/install-deps.sh"
  mkdir -p "$PG_DIR/log" "$PG_SOCK"
  local sock="$PG_SOCK/.s.PGSQL.$PGPORT"
  ((${#sock} < 100)) || die "unix socket path too long for PostgreSQL: $sock (clone the repo to a shorter path)"
  if ((EUID == 0)); then
    getent passwd postgres >/dev/null || die "OS user 'postgres' missing — run scripts/install-deps.sh"
    # postgres must be able to reach var/pg: add (only) the x bit for
    # others on every parent directory it cannot traverse, top down.
    local d="$PG_DIR" parents=()
    while [[ "$d" != / ]]; do
      d="$(dirname "$d")"
      parents=("$d" "${parents[@]}")
    done
    for d in "${parents[@]}"; do
      runuser -u postgres -- test -x "$d" || chmod o+x "$d"
    done
    if [[ "$(stat -c %U "$PG_DIR")" != postgres ]] || [[ -n "$(find "$PG_DIR" ! -user postgres -print -quit)" ]]; then
      chown -R postgres: "$PG_DIR"
    fi
  fi
  chmod 0700 "$PG_SOCK"
}

pg_write_config() {
  # Settings live in their own file, included from postgresql.conf, and are
  # rewritten on each start (so a changed PGPORT takes effect).
  cat >"$PG_DATA/stocktracker.conf" <<EOF
# Written by scripts/services.sh on each start; do not edit.
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PG_SOCK'
max_connections = 200
shared_buffers = 256MB
fsync = on
synchronous_commit = on
full_page_writes = on
password_encryption = scram-sha-256
dynamic_shared_memory_type = posix
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  cat >"$PG_DATA/pg_hba.conf" <<'EOF'
# Written by scripts/services.sh on each start; do not edit.
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 peer
host    all       all   127.0.0.1/32  scram-sha-256
EOF
  grep -qx "include 'stocktracker.conf'" "$PG_DATA/postgresql.conf" \
    || printf "\ninclude 'stocktracker.conf'\n" >>"$PG_DATA/postgresql.conf"
  if ((EUID == 0)); then
    chown postgres: "$PG_DATA/stocktracker.conf" "$PG_DATA/pg_hba.conf"
  fi
}

pg_psql() { # sql on stdin, as the cluster superuser through the unix socket
  as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PGPORT" \
    -U "$PG_OS_USER" -d postgres
}

pg_up() {
  local pid
  pid="$(pg_pid)"
  if [[ -n "$pid" ]]; then
    require_same_port postgres "$(pg_running_port)" "$PGPORT" PGPORT
    say "postgres already running (pid $pid) on 127.0.0.1:$PGPORT"
    return 0
  fi
  require_free_port "$PGPORT" PGPORT
  pg_prepare_dirs
  if [[ ! -s "$PG_DATA/PG_VERSION" ]]; then
    rm -rf "$PG_DATA"
    if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_OS_USER" -E UTF8 --locale=C.UTF-8 \
        --auth-local=peer --auth-host=scram-sha-256 >"$VAR/pg-initdb.log" 2>&1; then
      show_log "$VAR/pg-initdb.log"
      die "initdb failed (see $VAR/pg-initdb.log)"
    fi
    rm -f "$VAR/pg-initdb.log"
  fi
  pg_write_config
  # A postmaster.pid or socket lock file left by a crash is handled by
  # postgres itself (including its check for orphaned backends still using
  # the old shared memory), unless the pid in it has since been reused by a
  # live process that is not our server: only then remove it here.
  # A server killed just now may linger as a zombie until its parent (init)
  # reaps it, and postgres takes a zombie's pid for a live postmaster: give
  # the reaper a few seconds first.
  local lock lpid i
  for lock in "$PG_DATA/postmaster.pid" "$PG_SOCK/.s.PGSQL.$PGPORT.lock"; do
    lpid="$(read_pid "$lock")"
    for ((i = 0; i < 100; i++)); do
      if [[ -z "$lpid" || ! -e "/proc/$lpid" ]] || proc_running "$lpid"; then
        break
      fi
      sleep 0.1
    done
    if [[ -n "$lpid" ]] && proc_running "$lpid" && ! pid_is_ours "$lpid" "$PG_DATA"; then
      rm -f "$lock"
    fi
  done
  # 9>&-: the server must not inherit the lock on var/.services.lock.
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -s start >/dev/null 2>&1 9>&-; then
    show_log "$PG_LOG"
    die "postgres failed to start (see $PG_LOG)"
  fi
  pid="$(pg_pid)"
  say "postgres started (pid ${pid:-?}) on 127.0.0.1:$PGPORT, data in $PG_DATA"
}

pg_ready() {
  local i
  for ((i = 0; i < 300; i++)); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" -t 1 && return 0
    sleep 0.2
  done
  show_log "$PG_LOG"
  die "postgres did not become ready on 127.0.0.1:$PGPORT within 60s"
}

pg_bootstrap() {
  # Role and database, idempotently; the password is (re)set every time.
  local err
  if ! err="$(pg_psql 2>&1 >/dev/null <<'SQL'

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'stocktracker') THEN
    CREATE ROLE stocktracker LOGIN CREATEDB PASSWORD 'stocktracker';
  ELSE
    ALTER ROLE stocktracker LOGIN CREATEDB PASSWORD 'stocktracker';
  END IF;
END
$$;
SELECT 'CREATE DATABASE stocktracker OWNER stocktracker'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'stocktracker')
\gexec
SQL
  )"; then
    printf '%s\n' "$err" >&2
    die "could not create role/database stocktracker"
  fi
}

pg_down() {
  local pid
  pid="$(pg_pid)"
  if [[ -z "$pid" ]]; then
    [[ -e "$PG_DATA/postmaster.pid" ]] && rm -f "$PG_DATA/postmaster.pid"
    say "postgres not running"
    return 0
  fi
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 -s stop >/dev/null 2>&1; then
    show_log "$PG_LOG"
    die "postgres (pid $pid) did not stop within 60s"
  fi
  say "postgres stopped"
}

pg_status() {
  local pid
  pid="$(pg_pid)"
  if [[ -n "$pid" ]]; then
    local port
    port="$(pg_running_port)"
    say "postgres running (pid $pid) on 127.0.0.1:${port:-$PGPORT}"
  else
    say "postgres stopped"
  fi
}

# --------------------------------------------------------------------- Redis

redis_pid() {
  local pid
  pid="$(read_pid "$REDIS_PID")"
  if [[ -n "$pid" ]] && pid_is_ours "$pid" "$REDIS_DIR"; then
    printf '%s' "$pid"
  fi
}

redis_up() {
  local pid i
  pid="$(redis_pid)"
  if [[ -n "$pid" ]]; then
    require_same_port redis "$(redis_running_port)" "$REDIS_PORT" REDIS_PORT
    say "redis already running (pid $pid) on 127.0.0.1:$REDIS_PORT"
    return 0
  fi
  command -v redis-server >/dev/null 2>&1 || die "redis-server is not installed — run scripts/install-deps.sh"
  require_free_port "$REDIS_PORT" REDIS_PORT
  mkdir -p "$REDIS_DIR"
  rm -f "$REDIS_PID"
  cat >"$REDIS_DIR/redis.conf" <<EOF
# Written by scripts/services.sh on each start; do not edit.
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize yes
supervised no
pidfile $REDIS_PID
logfile $REDIS_DIR/redis.log
loglevel warning
dir $REDIS_DIR
# A cache for tests and benchmarks: no AOF, no RDB snapshots.
appendonly no
save ""
stop-writes-on-bgsave-error no
EOF
  if ! (cd "$REDIS_DIR" && redis-server "$REDIS_DIR/redis.conf" >/dev/null 2>&1 9>&-); then
    show_log "$REDIS_DIR/redis.log"
    die "redis-server failed to start (see $REDIS_DIR/redis.log)"
  fi
  for ((i = 0; i < 100; i++)); do
    pid="$(redis_pid)"
    [[ -n "$pid" ]] && break
    sleep 0.1
  done
  [[ -n "$pid" ]] || { show_log "$REDIS_DIR/redis.log"; die "redis-server did not write $REDIS_PID"; }
  say "redis started (pid $pid) on 127.0.0.1:$REDIS_PORT"
}

redis_ready() {
  local i
  for ((i = 0; i < 150; i++)); do
    [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null || true)" == PONG ]] && return 0
    sleep 0.2
  done
  show_log "$REDIS_DIR/redis.log"
  die "redis did not answer PING on 127.0.0.1:$REDIS_PORT within 30s"
}

redis_down() {
  local pid
  pid="$(redis_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$REDIS_PID"
    say "redis not running"
    return 0
  fi
  # SIGTERM: with no persistence configured this is `shutdown nosave`.
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" 30; then
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 5 || true
  fi
  rm -f "$REDIS_PID"
  say "redis stopped"
}

redis_status() {
  local pid
  pid="$(redis_pid)"
  if [[ -n "$pid" ]]; then
    local port
    port="$(redis_running_port)"
    say "redis running (pid $pid) on 127.0.0.1:${port:-$REDIS_PORT}"
  else
    say "redis stopped"
  fi
}

# --------------------------------------------------------------------- Kafka

JAVA="java"
[[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]] && JAVA="$JAVA_HOME/bin/java"

kafka_pid() {
  local pid
  pid="$(read_pid "$KAFKA_PID")"
  if [[ -n "$pid" ]] && pid_is_ours "$pid" "$KAFKA_DIR"; then
    printf '%s' "$pid"
  fi
}

kafka_write_config() {
  cat >"$KAFKA_PROPS" <<EOF
# Written by scripts/services.sh on each start; do not edit.
# Single-node KRaft: one process is both broker and controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$KAFKA_DIR/data
num.partitions=6
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
}

kafka_up() {
  local pid i
  pid="$(kafka_pid)"
  if [[ -n "$pid" ]]; then
    require_same_port kafka "$(kafka_running_port)" "$KAFKA_PORT" KAFKA_PORT
    say "kafka already running (pid $pid) on 127.0.0.1:$KAFKA_PORT"
    return 0
  fi
  command -v "$JAVA" >/dev/null 2>&1 || die "java is not installed — run scripts/install-deps.sh"
  require_free_port "$KAFKA_PORT" KAFKA_PORT
  require_free_port "$KAFKA_CONTROLLER_PORT" KAFKA_CONTROLLER_PORT
  "$ROOT/scripts/fetch-kafka.sh" || die "could not fetch the Kafka jars"
  mkdir -p "$KAFKA_DIR/data" "$KAFKA_DIR/logs"
  rm -f "$KAFKA_PID"
  kafka_write_config

  local cp="$KAFKA_DIR/libs/*"
  if [[ ! -s "$KAFKA_DIR/cluster.id" ]]; then
    local uuid
    uuid="$("$JAVA" -Dlog4j.configuration="file:$KAFKA_DIR/log4j.properties" -cp "$cp" \
      kafka.tools.StorageTool random-uuid 2>/dev/null | tr -d '[:space:]')" || uuid=""
    [[ -n "$uuid" ]] || die "kafka StorageTool random-uuid failed"
    printf '%s\n' "$uuid" >"$KAFKA_DIR/cluster.id"
  fi
  if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then
    if ! "$JAVA" -Dlog4j.configuration="file:$KAFKA_DIR/log4j.properties" -cp "$cp" \
        kafka.tools.StorageTool format -t "$(cat "$KAFKA_DIR/cluster.id")" -c "$KAFKA_PROPS" \
        >"$KAFKA_DIR/logs/format.log" 2>&1; then
      show_log "$KAFKA_DIR/logs/format.log"
      die "kafka storage format failed (see $KAFKA_DIR/logs/format.log)"
    fi
  fi

  # Keep the previous run's log apart, so the "started" line we wait for is
  # from this run.
  [[ -f "$KAFKA_LOG" ]] && mv -f "$KAFKA_LOG" "$KAFKA_LOG.1"
  [[ -f "$KAFKA_OUT" ]] && mv -f "$KAFKA_OUT" "$KAFKA_OUT.1"
  (
    cd "$KAFKA_DIR"
    # The JVM options of Kafka's own kafka-server-start.sh (KAFKA_JVM_PERFORMANCE_OPTS):
    # without MaxGCPauseMillis=20, G1 aims at 200 ms and its young pauses
    # averaged 65 ms here, each one stalling every fetch and commit (the
    # alert latency's p99).
    exec setsid nohup "$JAVA" -Xms256m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 \
      -Djava.awt.headless=true \
      -Dlog4j.configuration="file:$KAFKA_DIR/log4j.properties" \
      -cp "$cp" kafka.Kafka "$KAFKA_PROPS" </dev/null >"$KAFKA_OUT" 2>&1 9>&-
  ) &
  pid=$!
  printf '%s\n' "$pid" >"$KAFKA_PID"
  # The subshell execs setsid, which (not being a group leader) execs nohup,
  # which execs java: $! is the JVM's pid. Wait until that chain is done.
  local ok=0
  for ((i = 0; i < 100; i++)); do
    proc_running "$pid" || break
    if [[ "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" == */java ]]; then
      ok=1
      break
    fi
    sleep 0.05
  done
  ((ok)) || { show_log "$KAFKA_OUT"; die "kafka exited right after start (see $KAFKA_OUT)"; }
  say "kafka started (pid $pid) on 127.0.0.1:$KAFKA_PORT, data in $KAFKA_DIR/data"
}

kafka_ready() {
  local pid i
  pid="$(read_pid "$KAFKA_PID")"
  for ((i = 0; i < 240; i++)); do
    if ! proc_running "$pid"; then
      show_log "$KAFKA_OUT"
      show_log "$KAFKA_LOG"
      die "kafka exited during startup (see $KAFKA_DIR/logs)"
    fi
    if port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$KAFKA_LOG" 2>/dev/null; then
      return 0
    fi
    sleep 0.25
  done
  show_log "$KAFKA_LOG"
  die "kafka did not become ready on 127.0.0.1:$KAFKA_PORT within 60s"
}

kafka_down() {
  local pid
  pid="$(kafka_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$KAFKA_PID"
    say "kafka not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" 30; then
    say "kafka did not stop within 30s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 5 || true
  fi
  rm -f "$KAFKA_PID"
  say "kafka stopped"
}

kafka_status() {
  local pid
  pid="$(kafka_pid)"
  if [[ -n "$pid" ]]; then
    local port
    port="$(kafka_running_port)"
    say "kafka running (pid $pid) on 127.0.0.1:${port:-$KAFKA_PORT}"
  else
    say "kafka stopped"
  fi
}

# ---------------------------------------------------------------------- main

usage() { die "usage: $0 up|down|status|restart-kafka"; }

(($# == 1)) || usage
cmd="$1"
case "$cmd" in up | down | status | restart-kafka) ;; *) usage ;; esac

mkdir -p "$VAR"
# One services.sh at a time per repo.
exec 9>"$VAR/.services.lock"
flock -w 180 9 || die "another scripts/services.sh is still running (lock $VAR/.services.lock)"

case "$cmd" in
  up)
    # Check every port we would need before starting anything, so a taken
    # port does not leave the other servers half started.
    [[ -n "$(pg_pid)" ]] || require_free_port "$PGPORT" PGPORT
    [[ -n "$(redis_pid)" ]] || require_free_port "$REDIS_PORT" REDIS_PORT
    if [[ -z "$(kafka_pid)" ]]; then
      require_free_port "$KAFKA_PORT" KAFKA_PORT
      require_free_port "$KAFKA_CONTROLLER_PORT" KAFKA_CONTROLLER_PORT
    fi
    # Start all three first, then wait: the waits overlap the slow starts.
    pg_up
    redis_up
    kafka_up
    pg_ready
    pg_bootstrap
    redis_ready
    kafka_ready
    say "ready: postgres 127.0.0.1:$PGPORT, redis 127.0.0.1:$REDIS_PORT, kafka 127.0.0.1:$KAFKA_PORT"
    ;;
  down)
    # Stopping must finish even when the terminal is going away (Ctrl-C,
    # a closed pipe): ignore those signals while we shut the servers down.
    trap '' INT PIPE HUP
    kafka_down
    redis_down
    pg_down
    ;;
  restart-kafka)
    trap '' INT PIPE HUP
    kafka_down
    kafka_up
    kafka_ready
    say "ready: kafka 127.0.0.1:$KAFKA_PORT"
    ;;
  status)
    pg_status
    redis_status
    kafka_status
    ;;
esac
