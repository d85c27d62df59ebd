#!/usr/bin/env bash
# Fetch the Apache Kafka 3.9.1 broker jars (and a logging backend) from Maven
# Central into var/kafka/libs, and write var/kafka/log4j.properties.
# Idempotent: skips the download when var/kafka/libs/kafka_2.13-3.9.1.jar exists.
#
# Why 3.9 and not 4.x: Debian 12's librdkafka 2.0.2 cannot talk to Kafka 4.x,
# which removed the old protocol versions that client uses (KIP-896).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
KAFKA_VERSION=3.9.1
KDIR="$ROOT/var/kafka"
LIBS="$KDIR/libs"
MARKER="$LIBS/kafka_2.13-$KAFKA_VERSION.jar"

die() { printf 'fetch-kafka: %s\n' "$*" >&2; exit 1; }

mkdir -p "$KDIR/logs"

if [[ ! -f "$MARKER" ]]; then
  command -v mvn >/dev/null 2>&1 || die "mvn not found; run scripts/install-deps.sh"
  tmp="$LIBS.tmp.$$"
  log="$KDIR/logs/fetch-kafka.log"
  rm -rf "$tmp"
  # Download into a temporary directory and rename it, so an interrupted run
  # never leaves a half-filled libs/ that looks complete.
  if ! mvn -B -q -f "$ROOT/scripts/kafka/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" >"$log" 2>&1 \
      || [[ ! -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]]; then
    tail -n 20 "$log" >&2 || true
    rm -rf "$tmp"
    die "Maven could not fetch org.apache.kafka:kafka_2.13:$KAFKA_VERSION (see $log)"
  fi
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
fi

# Broker logging: WARN and above to var/kafka/logs/server.log, plus the
# broker's "Kafka Server started" line (INFO), which scripts/services.sh
# waits for. Rewritten only when its content changes (e.g. the repo moved).
props="$(cat <<PROPS
# Written by scripts/fetch-kafka.sh; regenerated as needed.
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$KDIR/logs/server.log
log4j.appender.file.Append=true
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
PROPS
)"
if [[ "$(cat "$KDIR/log4j.properties" 2>/dev/null || true)" != "$props" ]]; then
  printf '%s\n' "$props" >"$KDIR/log4j.properties.tmp"
  mv "$KDIR/log4j.properties.tmp" "$KDIR/log4j.properties"
fi
