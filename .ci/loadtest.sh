#!/usr/bin/env bash
# make loadtest: measure the transport floor, then the real server, with the same
# load generator and the same number of clients, for a short bounded time, all on
# 127.0.0.1. Figures are printed and written as JSON under bin/.
# CLIENTS and DURATION (seconds) may be set in the environment.
# SOAK=10m (any Go duration) runs a soak instead: no floor run, the real server
# for that long, its RSS, Go heap, goroutines and the updates/s read every
# SOAK_SAMPLE (default 20s); it fails unless RSS stays within ±10% after the
# warm-up (SOAK_WARMUP, default a fifth of the run) and no client saw an error.
# SERVER_FLAGS adds flags to the server's command line (e.g. -round-length 2m).
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS="${CLIENTS:-200}"
SECONDS_RUN="${DURATION:-10}"
mkdir -p bin
go build -o bin/tickarena ./server
go build -o bin/floor ./cmd/floor
go build -o bin/loadgen ./cmd/loadgen

pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

if [[ -n "${SOAK:-}" ]]; then
  echo "== soak: tickarena, $CLIENTS clients, $SOAK, rooms of 50 without bots"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
  PORT=$(bin/loadgen -free-port)
  DB=$(mktemp -d)/soak.db
  bin/tickarena -addr "127.0.0.1:$PORT" -db "$DB" -bots 0 -public-rooms 1 \
    -session-rate 100000 -max-conns-per-ip 100000 -max-conns 100000 -log-level warn ${SERVER_FLAGS:-} &
  SERVER=$!; pids+=("$SERVER")
  status=0
  bin/loadgen -api "http://127.0.0.1:$PORT" -wait 10s -pid "$SERVER" -n "$CLIENTS" -duration "$SOAK" \
    -sample "${SOAK_SAMPLE:-20s}" -warmup "${SOAK_WARMUP:-0s}" -verify -json bin/soak.json || status=$?
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
  kill -TERM "$SERVER"; wait "$SERVER" || true
  exit "$status"
fi

echo "== transport floor: $CLIENTS clients, ${SECONDS_RUN}s"
PORT=$(bin/loadgen -free-port)
bin/floor -addr "127.0.0.1:$PORT" >/dev/null &
FLOOR=$!; pids+=("$FLOOR")
bin/loadgen -floor -url "ws://127.0.0.1:$PORT/" -wait 10s -pid "$FLOOR" -n "$CLIENTS" -duration "${SECONDS_RUN}s" -json bin/loadtest-floor.json
kill -INT "$FLOOR"; wait "$FLOOR" || true

echo "== tickarena: $CLIENTS clients, ${SECONDS_RUN}s, rooms of 50 without bots"
PORT=$(bin/loadgen -free-port)
DB=$(mktemp -d)/loadtest.db
bin/tickarena -addr "127.0.0.1:$PORT" -db "$DB" -bots 0 -public-rooms 1 \
  -session-rate 100000 -max-conns-per-ip 100000 -max-conns 100000 -log-level warn ${SERVER_FLAGS:-} &
SERVER=$!; pids+=("$SERVER")
bin/loadgen -api "http://127.0.0.1:$PORT" -wait 10s -pid "$SERVER" -n "$CLIENTS" -duration "${SECONDS_RUN}s" \
  -verify -baseline bin/loadtest-floor.json -json bin/loadtest.json
kill -TERM "$SERVER"; wait "$SERVER" || true
