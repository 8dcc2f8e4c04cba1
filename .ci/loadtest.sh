#!/usr/bin/env bash
# make loadtest: measure the transport floor, then the real server, with the same
# load generator and the same number of clients, for a short bounded time, all on
# 127.0.0.1. Figures are printed and written as JSON under bin/.
#
# CLIENTS is one count or a comma-separated list (CLIENTS=1000,2000,3000,4000):
# each count is run against the floor and then the server, and the end of the
# report gives the largest count each held (every client playing at p1 ≥ 29.5
# updates/s, nobody refused or timed out, the server's tick p99 within
# TICK_BUDGET). Then, unless OVERLOAD=0, the server alone at 1.5× the largest
# count tried (held or not, so that the step is past what the server carries
# even when a larger count was not held): players past what it carries must be
# refused (503 / close 1013), never left to time out; an HTTP time-out there
# fails the target. RETRY_FULL=1 (default 0) runs that step with loadgen
# -retry-full: a refused client asks again after the server's Retry-After,
# as the lobby page does, and the report says how many got a seat that way,
# after how long, and how many were still without one at the end.
# With 2 or more CPUs the server (and the floor) run on CPU 0 and the load
# generator on the others (taskset, util-linux), so that the figures say what
# one core holds; the report says so.
# DURATION (seconds, default 10), RAMP (connections per second, default 200),
# VERIFY_FRACTION (share of clients running the full netcode, default 0.02: the
# others are light clients; counts up to 200 verify every client) and TICK_BUDGET (default 33ms) may be set.
# The verifying clients run in a process of their own (loadgen -verify-apart, at
# nice -5 where the user may raise priorities),
# so that the light clients' load on the load generator's core does not delay
# their reads and their netcode figures are the server's; VERIFY_APART=0 keeps
# them in the one process.
# HOLD=N (e.g. HOLD=3000) makes the target fail unless the server held at
# least N clients in the steps (the largest count held, as the report gives
# it): a host checks that a machine carries what it is sized for. Without
# HOLD a count not held is reported, not failed: stepping past what the
# server carries is how the largest count is found.
# SOAK=10m (any Go duration) runs a soak instead: no floor run, the real server
# for that long, its RSS, Go heap, goroutines and the updates/s read every
# SOAK_SAMPLE (default 20s); it fails unless RSS stays within ±10% after the
# warm-up (SOAK_WARMUP) and no client saw an error. Its rounds last 2 minutes
# (unless SERVER_FLAGS sets -round-length), so that several round ends, each
# finishing, encoding and storing its replays, fall inside the run, and the
# warm-up is 150s, past the first of them: the replay encoder makes its
# buffers then, once, a step in RSS that is not a leak. (With a round length
# of your own, the warm-up defaults to a fifth of the run.) A soak lasts
# longer than its warm-up.
# SIDE_BY_SIDE=N (e.g. 500) also runs the floor and the server at the same
# time, on the same CPU, N clients each, and reports the ratio of their CPU
# over the same window: whatever else the machine does then falls on both
# (sequential runs minutes apart differ by up to a third on a shared VM).
# AB_BASE=<git revision> (e.g. main, HEAD~1) runs an A/B instead: the server
# built from that revision and this tree's, on CPU 0 at the same time, CLIENTS
# clients each (each count of the list in turn), each driven by a load
# generator of its own, then both summaries side by side with their ratios
# (loadgen -compare). Whatever the machine does meanwhile falls on both, so a
# change of a few percent in CPU or in the netcode figures shows, which it
# does not between runs minutes apart. Each server has about half the core:
# compare at counts both hold. AB_FLAGS adds flags to this tree's server only
# (AB_BASE=HEAD AB_FLAGS="-send-rate 30": one build with and without a flag).
# Extra flags for one side are not allowed in SERVER_FLAGS, which both get.
# SERVER_FLAGS adds flags to the server's command line (e.g. -round-length 2m).
# The server sends a frame every k ticks (its default: every second tick, 15
# frames/s at 30 ticks/s); with -send-rate N among them (SERVER_FLAGS="-send-rate
# 30") every 30/N ticks, and the load generator is told N; without it, the load
# generator learns k from the tick spacing of the first clients' first deltas
# (before the load: a server behind skips frames). A count is held when every
# client's deltas cover p1 ≥ 29.5 ticks/s and its frames come at p1 ≥ 29.5/30
# of the send rate (the report says the send rate and where it came from).
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS="${CLIENTS:-200}"
SECONDS_RUN="${DURATION:-10}"
RAMP="${RAMP:-200}"
VERIFY_FRACTION="${VERIFY_FRACTION:-0.02}"
APART=-verify-apart
if [[ "${VERIFY_APART:-1}" == 0 ]]; then APART=; fi
TICK_BUDGET="${TICK_BUDGET:-33ms}"
RETRY=
if [[ "${RETRY_FULL:-0}" != 0 ]]; then RETRY=-retry-full; fi
# The send rate the server runs at, from SERVER_FLAGS (-send-rate N or
# -send-rate=N); 0 (none set) lets the load generator learn it.
flag_value() { sed -n "s/.*-$1[= ]\{1,\}\([0-9][0-9]*\).*/\1/p" <<< " ${SERVER_FLAGS:-}"; }
SEND_RATE=$(flag_value send-rate)
SEND_RATE=${SEND_RATE:-0}
mkdir -p bin
go build -o bin/tickarena ./server
go build -o bin/floor ./cmd/floor
go build -o bin/loadgen ./cmd/loadgen

pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# Pinning: the server on CPU 0, the load generator on the others.
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
PIN_SERVER=()
PIN_LOAD=()
if [[ "$cpus" -ge 2 ]] && command -v taskset >/dev/null; then
  PIN_SERVER=(taskset -c 0)
  PIN_LOAD=(taskset -c "1-$((cpus - 1))")
  PINNING="pinned: server and floor on CPU 0, load generator on CPUs 1-$((cpus - 1)) (taskset)"
elif [[ "$cpus" -ge 2 ]]; then
  PINNING="NOT pinned: taskset (util-linux) is missing; server and load generator share $cpus CPUs"
else
  PINNING="NOT pinned: one CPU; server and load generator share it"
fi

server() {
  local port=$1 db=$2 exe=${3:-bin/tickarena} extra=${4:-}
  "${PIN_SERVER[@]}" "$exe" -addr "127.0.0.1:$port" -db "$db" -bots 0 -public-rooms 1 \
    -session-rate 100000 -max-conns-per-ip 100000 -max-conns 100000 -log-level warn ${SERVER_FLAGS:-} $extra &
  SERVER=$!; pids+=("$SERVER")
}

if [[ -n "${SOAK:-}" ]]; then
  echo "== soak: tickarena, $CLIENTS clients, $SOAK, rooms of 50 without bots"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
  soak_extra="" warmup=${SOAK_WARMUP:-0s}
  if [[ "${SERVER_FLAGS:-}" != *round-length* ]]; then
    soak_extra="-round-length 2m" warmup=${SOAK_WARMUP:-150s}
  fi
  echo "rounds: ${soak_extra:-as SERVER_FLAGS set}; warm-up: $warmup (0s: a fifth of the run)"
  PORT=$(bin/loadgen -free-port)
  server "$PORT" "$(mktemp -d)/soak.db" bin/tickarena "$soak_extra"
  status=0
  bin/loadgen -api "http://127.0.0.1:$PORT" -wait 10s -pid "$SERVER" -n "$CLIENTS" -duration "$SOAK" \
    -sample "${SOAK_SAMPLE:-20s}" -warmup "$warmup" -verify -json bin/soak.json || status=$?
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
  kill -TERM "$SERVER"; wait "$SERVER" || true
  exit "$status"
fi

if [[ -n "${AB_BASE:-}" ]]; then
  rev=$(git rev-parse --short "$AB_BASE")
  src=$(mktemp -d)
  git archive "$rev" | tar -x -C "$src"
  (cd "$src" && go build -o "$OLDPWD/bin/tickarena-base" ./server)
  rm -rf "$src"
  echo "== A/B: the server at $AB_BASE ($rev) and this tree's${AB_FLAGS:+ with $AB_FLAGS}, on the same CPU at once, ${SECONDS_RUN}s; $PINNING"
  status=0
  IFS=, read -ra COUNTS <<< "$CLIENTS"
  for n in "${COUNTS[@]}"; do
    fraction=$VERIFY_FRACTION
    if [[ "$n" -le 200 ]]; then fraction=1; fi
    echo "== A/B: $n clients each (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    gens=()
    servers=()
    for side in base this; do
      exe=bin/tickarena extra=${AB_FLAGS:-}
      if [[ "$side" == base ]]; then exe=bin/tickarena-base extra=; fi
      PORT=$(bin/loadgen -free-port)
      server "$PORT" "$(mktemp -d)/ab-$side.db" "$exe" "$extra"
      servers+=("$SERVER")
      "${PIN_LOAD[@]}" bin/loadgen -api "http://127.0.0.1:$PORT" -wait 10s -pid "$SERVER" -n "$n" -ramp "$RAMP" -duration "${SECONDS_RUN}s" \
        -verify -verify-fraction "$fraction" $APART -tick-budget "$TICK_BUDGET" -send-rate "$SEND_RATE" \
        -json "bin/loadtest-ab-$side-$n.json" >"bin/loadtest-ab-$side-$n.txt" 2>&1 &
      gens+=($!)
    done
    for g in "${gens[@]}"; do wait "$g" || status=1; done
    for s in "${servers[@]}"; do kill -TERM "$s"; wait "$s" || true; done
    bin/loadgen -compare "bin/loadtest-ab-base-$n.json" "bin/loadtest-ab-this-$n.json" || status=1
  done
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg) on $cpus CPUs"
  exit "$status"
fi

echo "== $PINNING"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) on $cpus CPUs"
if [[ "$SEND_RATE" == 0 ]]; then
  echo "== send rate: the server's default, learned from the deltas (server flags: ${SERVER_FLAGS:-none})"
else
  echo "== send rate: $SEND_RATE frames/s per client (server flags: ${SERVER_FLAGS:-none})"
fi
rm -f bin/loadtest-floor-*.json bin/loadtest-game-*.json
status=0
IFS=, read -ra COUNTS <<< "$CLIENTS"
for n in "${COUNTS[@]}"; do
  echo "== transport floor: $n clients, ${SECONDS_RUN}s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  PORT=$(bin/loadgen -free-port)
  "${PIN_SERVER[@]}" bin/floor -addr "127.0.0.1:$PORT" >/dev/null &
  FLOOR=$!; pids+=("$FLOOR")
  "${PIN_LOAD[@]}" bin/loadgen -floor -url "ws://127.0.0.1:$PORT/" -wait 10s -pid "$FLOOR" -n "$n" -ramp "$RAMP" \
    -duration "${SECONDS_RUN}s" -json "bin/loadtest-floor-$n.json" || status=1
  kill -INT "$FLOOR"; wait "$FLOOR" || true

  # Up to 200 clients, every one runs the full netcode: the netcode figures
  # at small counts (goal 6's reference at 50) come from more than one client.
  fraction=$VERIFY_FRACTION
  if [[ "$n" -le 200 ]]; then fraction=1; fi
  echo "== tickarena: $n clients, ${SECONDS_RUN}s, rooms of 50 without bots, one client in $(awk "BEGIN{printf \"%d\", 1/$fraction + 0.5}") verifying"
  PORT=$(bin/loadgen -free-port)
  server "$PORT" "$(mktemp -d)/loadtest.db"
  "${PIN_LOAD[@]}" bin/loadgen -api "http://127.0.0.1:$PORT" -wait 10s -pid "$SERVER" -n "$n" -ramp "$RAMP" -duration "${SECONDS_RUN}s" \
    -verify -verify-fraction "$fraction" $APART -tick-budget "$TICK_BUDGET" -send-rate "$SEND_RATE" \
    -baseline "bin/loadtest-floor-$n.json" -json "bin/loadtest-game-$n.json" || status=1
  kill -TERM "$SERVER"; wait "$SERVER" || true
  cp "bin/loadtest-game-$n.json" bin/loadtest.json
done

if [[ -n "${SIDE_BY_SIDE:-}" && "$SIDE_BY_SIDE" != 0 ]]; then
  n=$SIDE_BY_SIDE
  echo "== side by side: the floor and tickarena on the same CPU at once, $n clients each, ${SECONDS_RUN}s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  FPORT=$(bin/loadgen -free-port)
  "${PIN_SERVER[@]}" bin/floor -addr "127.0.0.1:$FPORT" >/dev/null &
  FLOOR=$!; pids+=("$FLOOR")
  PORT=$(bin/loadgen -free-port)
  server "$PORT" "$(mktemp -d)/side.db"
  "${PIN_LOAD[@]}" bin/loadgen -floor -url "ws://127.0.0.1:$FPORT/" -wait 10s -pid "$FLOOR" -n "$n" -ramp "$RAMP" \
    -duration "${SECONDS_RUN}s" -json bin/loadtest-side-floor.json >bin/loadtest-side-floor.txt 2>&1 &
  side_floor=$!
  "${PIN_LOAD[@]}" bin/loadgen -api "http://127.0.0.1:$PORT" -wait 10s -pid "$SERVER" -n "$n" -ramp "$RAMP" -duration "${SECONDS_RUN}s" \
    -verify-fraction "$VERIFY_FRACTION" $APART -tick-budget "$TICK_BUDGET" -send-rate "$SEND_RATE" \
    -json bin/loadtest-side-game.json >bin/loadtest-side-game.txt 2>&1 &
  side_game=$!
  wait "$side_floor" || status=1
  wait "$side_game" || status=1
  kill -INT "$FLOOR"; wait "$FLOOR" || true
  kill -TERM "$SERVER"; wait "$SERVER" || true
  cores() { sed -n 's/.*"server_cores": *\([0-9.]*\).*/\1/p' "$1" | head -1; }
  fc=$(cores bin/loadtest-side-floor.json); gc=$(cores bin/loadtest-side-game.json)
  grep -E '^  (updates/s per client|held)' bin/loadtest-side-game.txt || true
  awk -v g="${gc:-0}" -v f="${fc:-0}" -v n="$n" -v l="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN{ printf "side by side, %d clients each: tickarena %.3f cores, floor %.3f cores: tickarena ÷ floor %s (load average %s)\n", n, g, f, (f > 0 ? sprintf("×%.2f", g/f) : "?"), l }'
fi

echo "== steps ($PINNING)"
steps=$(bin/loadgen -steps bin/loadtest-floor-*.json bin/loadtest-game-*.json)
echo "$steps"
if [[ -n "${HOLD:-}" ]]; then
  largest=$(sed -n 's/^largest count held.*: tickarena \([0-9]*\),.*/\1/p' <<< "$steps")
  if [[ "${largest:-0}" -ge "$HOLD" ]]; then
    echo "== HOLD=$HOLD: held (the largest count held is $largest)"
  else
    echo "== HOLD=$HOLD: NOT held (the largest count held is ${largest:-none})"
    status=1
  fi
fi

if [[ "${OVERLOAD:-1}" != 0 ]]; then
  held=$(sed -n 's/^largest count held.*: tickarena \([0-9]*\),.*/\1/p' <<< "$steps")
  base=$(printf '%s\n' "${COUNTS[@]}" | sort -n | tail -1)
  over=$(( (base * 3 + 1) / 2 ))
  echo "== overload: tickarena at $over clients (1.5 × $base, the largest count tried; held: ${held:-none}), ${SECONDS_RUN}s: refusals expected, HTTP time-outs not${RETRY:+; refused clients retry after Retry-After}"
  PORT=$(bin/loadgen -free-port)
  server "$PORT" "$(mktemp -d)/overload.db"
  "${PIN_LOAD[@]}" bin/loadgen -api "http://127.0.0.1:$PORT" -wait 10s -pid "$SERVER" -n "$over" -ramp "$RAMP" -duration "${SECONDS_RUN}s" \
    -verify-fraction "$VERIFY_FRACTION" $APART -tick-budget "$TICK_BUDGET" -send-rate "$SEND_RATE" -fail-on-http-timeouts $RETRY -json bin/loadtest-overload.json || status=1
  kill -TERM "$SERVER"; wait "$SERVER" || true
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg) on $cpus CPUs"
exit "$status"
