# shellcheck shell=sh
# Source me:  . scripts/env.sh
# Exports the connection settings of the local servers that
# scripts/services.sh starts. Values already set in the environment win;
# the port overrides PGPORT, REDIS_PORT and KAFKA_PORT are respected.
# (No `set -e` here: this file runs inside the caller's shell.)

export DATABASE_URL="${DATABASE_URL:-postgresql://stocktracker:stocktracker@127.0.0.1:${PGPORT:-5432}/stocktracker}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:${REDIS_PORT:-6379}/0}"
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
