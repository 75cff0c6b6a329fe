#!/usr/bin/env bash
# Network benchmark: builds Release (in build-bench, under the shared build lock), then for each
# of ROUNDS rounds runs bench/loadgen against `switchboard serve` (policy
# bench/loadgen/loadgen_policy.yaml, a free loopback port, auth off). Every run gets a fresh
# server, so no run inherits another's interactions:
#   livez      GET /livez as fast as possible (the I/O ceiling, same client, same connections)
#   http       POST /v1/interactions as fast as possible, creates only (--ingest): per second
#              acknowledged, comparable request for request with livez
#   ws         interaction.create on the stream, pipelined (--ingest): per second acknowledged
#   life       the whole lifecycle on the stream as fast as possible: create, offer pushed to a
#              `*` subscriber, accept, complete (agents stay free)
#   life-half  the same at half of this round's life rate: the submit-to-offer latency goal
# then prints every run, the medians over the rounds and the ratios (each ratio per round,
# against that round's livez; the median of those).
# Usage: scripts/bench_network.sh   Environment: ROUNDS (3), DURATION (s, 10), WARMUP (s, 2),
# HTTP_CONNECTIONS (32), WS_CONNECTIONS (4), PIPELINE (ws ingest, 64), LIFE_CONNECTIONS (4),
# LIFE_PIPELINE (8), AGENTS (200), THREADS (loadgen I/O threads, 1),
# SB_BENCH_SKIP_BUILD=1 to use the binaries already in build-bench.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${ROUNDS:-3}"
duration="${DURATION:-10}"
warmup="${WARMUP:-2}"
http_connections="${HTTP_CONNECTIONS:-32}"
ws_connections="${WS_CONNECTIONS:-4}"
pipeline="${PIPELINE:-64}"
life_connections="${LIFE_CONNECTIONS:-4}"
life_pipeline="${LIFE_PIPELINE:-8}"
agents="${AGENTS:-200}"
threads="${THREADS:-1}"
build=build-bench

if [ "${SB_BENCH_SKIP_BUILD:-0}" != "1" ]; then
  flock /tmp/sb-build.lock cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSB_BUILD_TESTS=OFF -DSB_BUILD_BENCH=ON >/dev/null
  flock /tmp/sb-build.lock ninja -C "$build" switchboard loadgen
fi
switchboard="$build/engine/app/switchboard"
loadgen="$build/bench/loadgen/loadgen"
policy=bench/loadgen/loadgen_policy.yaml
"$switchboard" check "$policy" >/dev/null

work="$(mktemp -d)"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT

# Starts a fresh server (empty data dir); sets url and server_pid.
start_server() {
  rm -rf "$work/data"
  # The shipped server config has no tokens: auth is off, which serve allows on loopback only.
  "$switchboard" serve --config config/switchboard.yaml --policy "$policy" \
    --listen 127.0.0.1:0 --data-dir "$work/data" >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  url=""
  for _ in $(seq 100); do
    url="$(sed -n 's/^listening on \(.*\)$/http:\/\/\1/p' "$work/server.out" | head -n1)"
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$url" ]; then
    echo "bench_network: the server did not start" >&2
    cat "$work/server.err" >&2
    exit 1
  fi
}

declare -A rate p50 p99
# run KEY ARGS...: one loadgen run against a fresh server; its report goes to the terminal, the
# figures of its JSON line are kept under KEY.
run() {
  local key="$1"; shift
  start_server
  echo "== $key (server pid $server_pid) =="
  if ! "$loadgen" --url "$url" --duration "$duration" --warmup "$warmup" --threads "$threads" \
    --json "$@" | tee "$work/run.out"; then
    echo "bench_network: loadgen failed in run $key (figures below are suspect)" >&2
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    wait "$server_pid" && status=0 || status=$?
    echo "bench_network: the server died during run $key (exit status $status); its log:" >&2
    tail -n 20 "$work/server.err" "$work/server.out" >&2
    server_pid=""
    exit 1
  fi
  stop_server
  local line
  line="$(tail -n1 "$work/run.out")"
  if [[ "$line" != '{"mode":'* ]]; then
    rate[$key]=0 p50[$key]=0 p99[$key]=0
    return
  fi
  rate[$key]="$(sed 's/.*"interactions_per_s":\([0-9.]*\).*/\1/' <<<"$line")"
  p50[$key]="$(sed 's/.*"submit_to_offer_ms_p50":\([0-9.]*\).*/\1/' <<<"$line")"
  p99[$key]="$(sed 's/.*"submit_to_offer_ms_p99":\([0-9.]*\).*/\1/' <<<"$line")"
}

half() { awk -v r="$1" 'BEGIN { printf "%d", r / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print 0 }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for r in $(seq "$rounds"); do
  run "livez-http.$r" --mode livez --connections "$http_connections"
  run "http.$r" --mode http --ingest --agents 0 --connections "$http_connections"
  run "livez-ws.$r" --mode livez --connections "$ws_connections"
  run "ws.$r" --mode ws --ingest --agents 0 --connections "$ws_connections" --pipeline "$pipeline"
  run "life.$r" --mode ws --agents "$agents" --connections "$life_connections" \
    --pipeline "$life_pipeline"
  run "life-half.$r" --mode ws --agents "$agents" --connections "$life_connections" \
    --pipeline "$life_pipeline" --rate "$(half "${rate[life.$r]}")"
done

names=(livez-http http livez-ws ws life life-half)
echo
echo "== every run: ${duration}s after ${warmup}s warm-up, a fresh server each =="
printf '%-11s %5s %14s %10s %10s\n' run round "per second" "p50 ms" "p99 ms"
for name in "${names[@]}"; do
  for r in $(seq "$rounds"); do
    printf '%-11s %5s %14s %10s %10s\n' "$name" "$r" "${rate[$name.$r]}" "${p50[$name.$r]}" \
      "${p99[$name.$r]}"
  done
done

echo
echo "== medians of $rounds rounds =="
echo "connections: http and livez-http $http_connections; ws and livez-ws $ws_connections" \
  "(pipeline $pipeline); life $life_connections (pipeline $life_pipeline, $agents agents)"
printf '%-11s %14s %10s %10s\n' run "per second" "p50 ms" "p99 ms"
for name in "${names[@]}"; do
  rs=() ps=() qs=()
  for r in $(seq "$rounds"); do
    rs+=("${rate[$name.$r]}") ps+=("${p50[$name.$r]}") qs+=("${p99[$name.$r]}")
  done
  printf '%-11s %14s %10s %10s\n' "$name" "$(median "${rs[@]}")" "$(median "${ps[@]}")" \
    "$(median "${qs[@]}")"
done
echo "(livez: requests and their latency; http, ws: creates acknowledged and submit-to-ack;"
echo " life, life-half: whole interactions and submit-to-offer)"
http_ratios=() ws_ratios=()
for r in $(seq "$rounds"); do
  http_ratios+=("$(ratio "${rate[http.$r]}" "${rate[livez-http.$r]}")")
  ws_ratios+=("$(ratio "${rate[ws.$r]}" "${rate[livez-ws.$r]}")")
done
echo "ratios (per round; median): http/livez ${http_ratios[*]}; $(median "${http_ratios[@]}")"
echo "                            ws/livez   ${ws_ratios[*]}; $(median "${ws_ratios[@]}")"
